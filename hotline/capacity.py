"""How much each way out may send: per second, per rolling window and per day, shared in Redis.

Which limits a channel has is decided here from plain values (its kind and the group's
settings); the counting is one Lua script, so every worker sees the same numbers and a
restarted worker forgets nothing. Time comes from the caller's clock, never Redis's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from hotline.group_settings import GroupSettings
from hotline.runtime.ratelimit import hashed_key

if TYPE_CHECKING:
    # Only a client is handed in: the decisions here import no plumbing.
    from redis import Redis


class ChannelKind(StrEnum):
    LONG_CODE = "long_code"
    TOLL_FREE = "toll_free"
    SHORT_CODE = "short_code"
    MESSAGING_SERVICE = "messaging_service"
    ANDROID = "android"


# North American toll-free area codes.
TOLL_FREE_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})
DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Limits:
    """One channel's limits; None is no limit of that kind."""

    # Segments per second (a carrier counts segments), with a burst the provider queues.
    per_second: float
    burst: float
    # Messages per rolling window (Android's SmsUsageMonitor counts messages, not segments).
    window: int | None = None
    window_seconds: float = 0.0
    # Messages per rolling day (a SIM plan, a carrier's daily cap).
    per_day: int | None = None


def kind_of(channel: str, sender: str) -> ChannelKind:
    """What sort of sender this is, from the channel's name and the sender's form."""
    if channel == "gateway":
        return ChannelKind.ANDROID
    if sender.startswith("MG"):
        return ChannelKind.MESSAGING_SERVICE
    if sender.isdigit() and len(sender) <= 6:
        return ChannelKind.SHORT_CODE
    if sender.startswith("+1") and sender[2:5] in TOLL_FREE_CODES:
        return ChannelKind.TOLL_FREE
    return ChannelKind.LONG_CODE


def limits_for(kind: ChannelKind, config: GroupSettings) -> Limits:
    """The limits a channel of this kind has in this group (0 in a setting means none)."""
    per_day_twilio = config.number_daily_limit or None
    if kind is ChannelKind.ANDROID:
        return Limits(
            per_second=config.gateway_per_minute / 60.0,
            burst=config.send_burst,
            window=config.gateway_window_count or None,
            window_seconds=config.gateway_window_minutes * 60.0,
            per_day=config.gateway_daily_limit or None,
        )
    rate = {
        ChannelKind.LONG_CODE: config.sends_per_second,
        ChannelKind.TOLL_FREE: config.toll_free_per_second,
        ChannelKind.SHORT_CODE: config.short_code_per_second,
        ChannelKind.MESSAGING_SERVICE: config.messaging_service_per_second,
    }[kind]
    return Limits(per_second=rate, burst=config.send_burst, per_day=per_day_twilio)


# KEYS: the per-second bucket, the window's sends, the day's sends. ARGV: rate, burst, cost,
# now, window count (0 none), window seconds, day count (0 none), member. Returns seconds to
# wait as a string: "0" when the send was counted against all three.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = math.min(tonumber(ARGV[3]), burst)
local now = tonumber(ARGV[4])
local wait = 0
-- A window's count; 0 when there is room, else the seconds until there is.
local function full(key, count, seconds)
  if count <= 0 then return 0 end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - seconds)
  local held = redis.call('ZCARD', key)
  if held < count then return 0 end
  -- Room comes back when the send that keeps the window full leaves it.
  local oldest = redis.call('ZRANGE', key, held - count, held - count, 'WITHSCORES')
  return tonumber(oldest[2]) + seconds - now
end
wait = math.max(wait, full(KEYS[2], tonumber(ARGV[5]), tonumber(ARGV[6])))
wait = math.max(wait, full(KEYS[3], tonumber(ARGV[7]), 86400))
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
if tokens < cost then
  wait = math.max(wait, (cost - tokens) / rate)
end
if wait > 0 then
  return tostring(wait)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - cost), 'at', tostring(at))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
if tonumber(ARGV[5]) > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[8])
  redis.call('EXPIRE', KEYS[2], math.ceil(tonumber(ARGV[6])) + 60)
end
if tonumber(ARGV[7]) > 0 then
  redis.call('ZADD', KEYS[3], now, ARGV[8])
  redis.call('EXPIRE', KEYS[3], 86400 + 60)
end
return "0"
"""


class Capacity:
    """Each channel's sends so far, in Redis; keyed by channel and a hash of the sender."""

    def __init__(self, redis: Redis[bytes], secret: str) -> None:
        self.redis = redis
        self.secret = secret
        self._take = redis.register_script(_TAKE)

    def _keys(self, channel: str, sender: str) -> tuple[str, str, str]:
        base = hashed_key(self.secret, "capacity", channel, sender)
        return f"{base}:second", f"{base}:window", f"{base}:day"

    def take(
        self, channel: str, sender: str, limits: Limits, now: datetime, send: str, cost: int = 1
    ) -> float:
        """Count `send` (an id for this attempt) of `cost` segments against the channel.

        Returns 0.0 when it was counted, else the seconds until it would fit; nothing is
        counted then. Two workers counting the same `send` count it once in the window.
        """
        args = [
            limits.per_second,
            limits.burst,
            max(cost, 1),
            now.timestamp(),
            limits.window or 0,
            limits.window_seconds,
            limits.per_day or 0,
            send,
        ]
        return float(self._take(keys=list(self._keys(channel, sender)), args=args))

    def give_back(self, channel: str, sender: str, send: str) -> None:
        """A send that never left does not count against the window or the day."""
        _, window, day = self._keys(channel, sender)
        self.redis.zrem(window, send)
        self.redis.zrem(day, send)

    def used(self, channel: str, sender: str, limits: Limits, now: datetime) -> tuple[int, int]:
        """Sends in the current window and in the last day."""
        _, window, day = self._keys(channel, sender)
        stamp = now.timestamp()
        in_window = self.redis.zcount(window, f"({stamp - limits.window_seconds}", stamp)
        in_day = self.redis.zcount(day, f"({stamp - DAY_SECONDS}", stamp)
        return int(in_window), int(in_day)
