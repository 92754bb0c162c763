"""Limits kept in Redis and shared by all workers: menus texted to one number, attempts per
window at signing in, and once-per-period work (a channel's send capacity is in
`hotline/capacity.py`). Time comes from the caller's clock, so tests can use a settable
one; every key is built by `hashed_key`, so Redis never holds a phone number in the clear."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # A client is handed in; `hashed_key` is used by modules that import no plumbing.
    from redis import Redis


def hashed_key(secret: str, name: str, *parts: object) -> str:
    """`hotline:<name>:<HMAC-SHA-256 of the parts>`: the same parts give the same key on
    every worker, and nobody reading Redis learns whose number it is."""
    text = ":".join(map(str, parts))
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return f"hotline:{name}:{digest[:32]}"


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
        self.secret = secret
        self.interval = interval
        self._allow = redis.register_script(_MENU)

    def key(self, group_id: int, number: str) -> str:
        return hashed_key(self.secret, "menu", group_id, number)

    def allow(self, group_id: int, number: str, now: datetime, in_a_row: int) -> bool:
        """Count one menu for this number if it may have one now."""
        args = [now.timestamp(), self.interval, in_a_row, 86400]
        return bool(self._allow(keys=[self.key(group_id, number)], args=args))

    def reset(self, group_id: int, number: str) -> None:
        self.redis.delete(self.key(group_id, number))


@dataclass(frozen=True)
class AttemptLimit:
    """At most `limit` attempts per `window_seconds` for one key (a number, an address, both)."""

    redis: Redis[bytes]
    secret: str
    name: str
    limit: int
    window_seconds: int

    def _key(self, who: str) -> str:
        return hashed_key(self.secret, f"signin-limit:{self.name}", who)

    def hit(self, who: str) -> bool:
        """Count one attempt; False once the limit for this window is used up."""
        key = self._key(who)
        pipe = self.redis.pipeline()
        # SET NX EX starts the window once and INCR keeps its expiry: the same effect as
        # EXPIRE ... NX, which Redis 6.2 (the embedded server) does not have.
        pipe.set(key, 0, ex=self.window_seconds, nx=True)
        pipe.incr(key)
        _, count = pipe.execute()
        return int(count) <= self.limit

    def clear(self, who: str) -> None:
        self.redis.delete(self._key(who))


def once(redis: Redis[bytes], key: str, seconds: float) -> bool:
    """True for the first caller in `seconds` across all workers: at most once per period."""
    return bool(redis.set(key, 1, nx=True, px=int(seconds * 1000)))


def spent(redis: Redis[bytes], key: str) -> bool:
    """Whether `once` already let `key` through in its period (a cheap look before the work)."""
    return bool(redis.exists(key))
