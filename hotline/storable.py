"""Making whatever a provider sends fit the inbound columns, keeping the raw form when it did not.

PostgreSQL refuses a NUL character in text, no database encodes a lone surrogate (a gateway's
JSON can carry one), and a sender or message id can be longer than its column. Twilio does not
retry an SMS webhook, so refusing any of these would lose the text: it is cleaned instead.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Column lengths in models.InboundMessage.
NUMBER_LENGTH = 20
SID_LENGTH = 64
OPT_OUT_LENGTH = 16


def storable_text(text: str) -> str:
    """The text without NUL and with each lone surrogate shown as the replacement character."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def fitted(text: str, length: int) -> str:
    return storable_text(text)[:length]


def fitted_id(provider_sid: str) -> str:
    """A message id that fits, still unique: a cut id ends with a hash of the whole one.

    The id is the key that makes a provider's retry a duplicate, so two long ids sharing a
    prefix must not collide.
    """
    clean = storable_text(provider_sid)
    if len(clean) <= SID_LENGTH and clean == provider_sid:
        return clean
    digest = hashlib.sha256(provider_sid.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{clean[: SID_LENGTH - 17]}~{digest}"


@dataclass(frozen=True)
class Arrived:
    """What a webhook carried, as given."""

    provider_sid: str
    from_number: str
    body: str

    def raw(self) -> str:
        """The raw form as ASCII-escaped JSON, which every database can hold."""
        return json.dumps(
            {"sid": self.provider_sid, "from": self.from_number, "body": self.body},
            ensure_ascii=True,
        )
