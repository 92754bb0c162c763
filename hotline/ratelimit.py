"""A token bucket per sending number in Redis, shared by all workers (carriers cap the rate)."""

from __future__ import annotations

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
