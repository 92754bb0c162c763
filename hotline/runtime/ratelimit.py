"""Limits kept in Redis and shared by all workers: a token bucket per sending number (carriers
cap the rate) and the limit on menus texted to one number. Time comes from the caller's clock,
so tests can use a settable one; keys never hold a person's number in the clear."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from redis import Redis

# KEYS[1] bucket; ARGV: rate per second, capacity, now (seconds). Returns seconds to wait
# (0 when a token was taken). Time comes from the caller so tests can use a settable clock.
_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return tostring(wait)
"""


class SendRate:
    """At most `rate` messages per second from one number, with a burst of `capacity`."""

    def __init__(self, redis: Redis[bytes]) -> None:
        self.redis = redis
        self._take = redis.register_script(_TAKE)

    def take(self, number: str, rate: float, now: datetime, burst: float) -> float:
        """Take a token for `number`; returns 0.0, or how many seconds until one is free."""
        wait = self._take(keys=[f"hotline:rate:{number}"], args=[rate, burst, now.timestamp()])
        return float(wait)


# KEYS[1] the number's state; ARGV: now (seconds), interval, most in a row, ttl. Returns 1 when
# a reply may go now (and counts it), 0 when it is too soon or too many in a row.
_MENU = """
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'at', 'count')
local at = tonumber(state[1])
local count = tonumber(state[2]) or 0
if at and now - at < tonumber(ARGV[2]) then
  return 0
end
if count >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], 'at', tostring(now), 'count', tostring(count + 1))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
"""


class MenuLimit:
    """At most one menu per `interval` seconds and `in_a_row` in a row to one number; a
    command that works resets it. Only replies are limited: every text is still kept."""

    def __init__(self, redis: Redis[bytes], secret: str, interval: float = 60.0) -> None:
        self.redis = redis
        self.secret = secret.encode()
        self.interval = interval
        self._allow = redis.register_script(_MENU)

    def key(self, group_id: int, number: str) -> str:
        digest = hmac.new(self.secret, f"{group_id}:{number}".encode(), hashlib.sha256)
        return f"hotline:menu:{digest.hexdigest()[:32]}"

    def allow(self, group_id: int, number: str, now: datetime, in_a_row: int) -> bool:
        """Count one menu for this number if it may have one now."""
        args = [now.timestamp(), self.interval, in_a_row, 86400]
        return bool(self._allow(keys=[self.key(group_id, number)], args=args))

    def reset(self, group_id: int, number: str) -> None:
        self.redis.delete(self.key(group_id, number))


def once(redis: Redis[bytes], key: str, seconds: float) -> bool:
    """True for the first caller in `seconds` across all workers: at most once per period."""
    return bool(redis.set(key, 1, nx=True, px=int(seconds * 1000)))


def spent(redis: Redis[bytes], key: str) -> bool:
    """Whether `once` already let `key` through in its period (a cheap look before the work)."""
    return bool(redis.exists(key))
