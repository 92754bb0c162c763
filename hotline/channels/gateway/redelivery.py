"""Naming a received text the gateway app sent without an id, so that its copies find the first.

Gateway apps re-deliver one text many times, not always under the same id. A text without one
is named by an HMAC-SHA256 of its sender and words (and the phone's `receivedAt`, when the app
sends it), so no Redis key and no stored id holds the sender's number.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime

from redis import Redis, RedisError

log = logging.getLogger(__name__)

# Without the phone's own time, the same sender and words this soon after are a copy.
WINDOW_SECONDS = 600
PREFIX = "gw-"

# KEYS[1] the text's fingerprint; ARGV: now (seconds), window, the name a first copy takes.
# Returns the name of the first copy still inside the window, else takes ARGV[3] for it.
# Time comes from the caller, so a settable clock moves the window in tests.
_NAME = """
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'name', 'at')
if state[1] and now - tonumber(state[2]) < tonumber(ARGV[2]) then
  return state[1]
end
redis.call('HSET', KEYS[1], 'name', ARGV[3], 'at', ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) + 60)
return ARGV[3]
"""


def fingerprint(secret: str, *fields: str) -> str:
    """The hex HMAC-SHA256 of the fields; a text may hold lone surrogates, which are kept."""
    joined = "\x1f".join(fields).encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode(), joined, hashlib.sha256).hexdigest()


class Redelivery:
    """Names for texts without an id, the same for every copy of one text."""

    def __init__(self, redis: Redis[bytes], secret: str) -> None:
        self.redis = redis
        self.secret = secret
        self._name = redis.register_script(_NAME)

    def name(self, sender: str, body: str, received_at: str | None, now: datetime) -> str:
        if received_at:
            # The phone's receive time is the same in every copy and differs between texts.
            return PREFIX + fingerprint(self.secret, sender, body, received_at)[:40]
        text = fingerprint(self.secret, sender, body)[:40]
        seconds = int(now.timestamp())
        first = f"{PREFIX}{text}-{seconds}"
        try:
            named = self._name(
                keys=[f"hotline:gateway:seen:{text}"], args=[seconds, WINDOW_SECONDS, first]
            )
        except RedisError:
            # Redis is a work list, not the record: a fixed window still stores the text once
            # (copies either side of a boundary make two rows, never none).
            log.warning("redis unavailable: naming a gateway text by its fixed window")
            return f"{PREFIX}{text}-w{seconds // WINDOW_SECONDS}"
        return named.decode() if isinstance(named, bytes) else str(named)
