"""Reading the gateway app's webhooks: is it signed with our key, and what does it say in our words.

The app signs each webhook: X-Signature is the hex HMAC-SHA256 of the raw body followed by
X-Timestamp, keyed with the signing key set in the app. Old timestamps are refused so that a
captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hotline.channels import DeliveryReport, InboundText, MalformedWebhook
from hotline.models import OutboundStatus

PROVIDER = "gateway"
MAX_SKEW_SECONDS = 300
# The app's event names for how far one of our messages got.
_EVENT_STATUS = {
    "sms:sent": OutboundStatus.SENT,
    "sms:delivered": OutboundStatus.DELIVERED,
    "sms:failed": OutboundStatus.FAILED,
}


def signed(body: bytes, timestamp: str, key: str) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def signed_by_gateway(
    body: bytes, timestamp: str, signature: str, key: str | None, now: datetime
) -> bool:
    """Whether the signature is ours and recent; raises MalformedWebhook for non-ASCII headers."""
    if not (timestamp.isascii() and signature.isascii()):
        # "²".isdigit() is true and compare_digest refuses non-ASCII text: both would be a 500.
        raise MalformedWebhook("gateway signature headers must be ASCII")
    fresh = timestamp.isdigit() and abs(now.timestamp() - int(timestamp)) <= MAX_SKEW_SECONDS
    if not key or not fresh:
        return False
    return hmac.compare_digest(signed(body, timestamp, key), signature)


def read_event(
    body: bytes,
    hotline_number: Callable[[], str | None],
    name_unnamed: Callable[[str, str, str | None], str] | None = None,
) -> InboundText | DeliveryReport | None:
    """A signed event as a text or a delivery report, None for any other event.

    `hotline_number` names the number a text to the gateway phone was for; it is asked only
    for a text, and None refuses the text. A text is known by the app's message id, else by
    the event's; without either, `name_unnamed(sender, words, receivedAt)` names it (see
    `redelivery`). A text without a sender, or without any name, is malformed.
    """
    # A signed event of an unexpected shape is answered, not a 500: only a text is ever kept.
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    event: dict[str, Any] = parsed if isinstance(parsed, dict) else {}
    payload: dict[str, Any] = event["payload"] if isinstance(event.get("payload"), dict) else {}
    kind = event.get("event")
    if kind == "sms:received":
        number = hotline_number()
        sender, words = payload.get("phoneNumber"), payload.get("message", "")
        if number is None or not sender:
            raise MalformedWebhook("a received text needs a sender and its group")
        sender, words = str(sender), "" if words is None else str(words)
        # A re-delivery may come as a new event: the message id is the text's own.
        known = payload.get("messageId") or event.get("id")
        if known:
            provider_sid = str(known)
        elif name_unnamed is not None:
            received_at = payload.get("receivedAt")
            provider_sid = name_unnamed(sender, words, str(received_at) if received_at else None)
        else:
            raise MalformedWebhook("a received text needs an id")
        return InboundText(
            provider=PROVIDER,
            provider_sid=provider_sid,
            from_number=sender,
            to_number=number,
            body=words,
        )
    status = _EVENT_STATUS.get(kind) if isinstance(kind, str) else None
    if status is not None and payload.get("messageId"):
        return DeliveryReport(
            outbound_id=None, provider_sid=str(payload["messageId"]), status=status
        )
    return None
