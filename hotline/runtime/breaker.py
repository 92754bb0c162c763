"""Circuit breakers for SMS channels, shared by every worker through Redis.

closed -> (N consecutive connection failures) -> open -> (cool-down passed) -> half-open:
one probe send is let through; success closes the breaker, failure opens it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redis import Redis

FAILURES_TO_OPEN = 3
COOL_DOWN_SECONDS = 30.0


@dataclass
class Breaker:
    redis: Redis[bytes]
    channel: str
    failures_to_open: int = FAILURES_TO_OPEN
    cool_down: float = COOL_DOWN_SECONDS

    @property
    def key(self) -> str:
        return f"hotline:breaker:{self.channel}"

    def is_open(self, now: datetime) -> bool:
        """True while the channel is known down and its cool-down has not passed."""
        opened = self.redis.hget(self.key, "opened_at")
        return opened is not None and now.timestamp() < float(opened) + self.cool_down

    def allow(self, now: datetime) -> bool:
        """May a send try this channel now? After the cool-down, one caller gets the probe."""
        opened = self.redis.hget(self.key, "opened_at")
        if opened is None:
            return True
        if now.timestamp() < float(opened) + self.cool_down:
            return False
        # Half-open: exactly one worker probes per cool-down period.
        return bool(self.redis.set(self.key + ":probe", 1, nx=True, ex=int(self.cool_down)))

    def succeeded(self) -> bool:
        """Record a good send; True if this closed a breaker that was open (the link is back)."""
        pipe = self.redis.pipeline()
        pipe.hget(self.key, "opened_at")
        pipe.delete(self.key, self.key + ":probe")
        was_open, _ = pipe.execute()
        return was_open is not None

    def failed(self, now: datetime) -> bool:
        """Record a connection failure or timeout; True if this opened the breaker."""
        failures = int(self.redis.hincrby(self.key, "failures", 1))
        self.redis.expire(self.key, 86400)
        if failures >= self.failures_to_open:
            opened = self.redis.hsetnx(self.key, "opened_at", now.timestamp())
            if not opened:  # a failed probe: start a new cool-down
                self.redis.hset(self.key, "opened_at", now.timestamp())
                self.redis.delete(self.key + ":probe")
            return bool(opened)
        return False

    def closed_again_at(self, now: datetime) -> datetime | None:
        """When an open breaker lets its next probe through (None when it is closed)."""
        opened = self.redis.hget(self.key, "opened_at")
        if opened is None:
            return None
        return datetime.fromtimestamp(float(opened) + self.cool_down, tz=now.tzinfo)

    def state(self, now: datetime) -> str:
        opened = self.redis.hget(self.key, "opened_at")
        if opened is None:
            return "closed"
        return "open" if now.timestamp() < float(opened) + self.cool_down else "half-open"
