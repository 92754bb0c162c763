"""Twilio's message status words and error codes, and what each means in ours."""

from __future__ import annotations

from hotline.models import OutboundStatus

# Twilio's words for how far a message got; a word not here (read, canceled, ...) moves nothing.
_STATUS = {
    "accepted": OutboundStatus.SENDING,
    "queued": OutboundStatus.SENDING,
    "sending": OutboundStatus.SENDING,
    "sent": OutboundStatus.SENT,
    "delivered": OutboundStatus.DELIVERED,
    "undelivered": OutboundStatus.UNDELIVERED,
    "failed": OutboundStatus.FAILED,
}

# The recipient texted STOP (or the like) to this sender: Twilio refuses every message to them.
OPTED_OUT = 21610
# Error codes that no retry can fix. 21211 invalid To, 21214 not reachable, 21408 region not
# enabled, 21610 recipient opted out, 21612 cannot route, 21614 not a mobile number.
PERMANENT_ERRORS = frozenset({21211, 21214, 21408, OPTED_OUT, 21612, 21614})


def our_status(word: str) -> OutboundStatus | None:
    return _STATUS.get(word.lower())


def error_code(raw: str | None) -> int | None:
    """Twilio's ErrorCode as a number for the record; anything else is no code at all."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None
