"""The local SMS gateway's webhooks: texts received by the gateway phone, and delivery reports.

The app signs each webhook: X-Signature is the hex HMAC-SHA256 of the raw body followed by
X-Timestamp, keyed with the signing key set in the app. Old timestamps are refused so that a
captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from hotline.inbox import record_inbound
from hotline.outbound import record_status
from hotline.people import PeopleError, group_by_name
from hotline.runtime.services import Hotline

log = logging.getLogger(__name__)
bp = Blueprint("gateway", __name__, url_prefix="/gateway")

MAX_SKEW_SECONDS = 300
_STATUS = {"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"}


def signed(body: bytes, timestamp: str, key: str) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


@bp.post("/sms")
def sms() -> Response:
    h: Hotline = current_app.extensions["hotline"]
    key = h.settings.gateway_signing_key
    body = request.get_data(cache=True)
    timestamp = request.headers.get("X-Timestamp", "")
    signature = request.headers.get("X-Signature", "")
    if not (timestamp.isascii() and signature.isascii()):
        # "²".isdigit() is true and compare_digest refuses non-ASCII text: both would be a 500.
        abort(400)
    fresh = (
        timestamp.isdigit() and abs(h.clock.now().timestamp() - int(timestamp)) <= MAX_SKEW_SECONDS
    )
    if not key or not fresh or not hmac.compare_digest(signed(body, timestamp, key), signature):
        log.warning("rejected unsigned or badly signed gateway webhook")
        abort(403)
    # A signed event of an unexpected shape is answered, not a 500: only a text is ever kept.
    parsed = request.get_json(force=True, silent=True)
    event: dict[str, Any] = parsed if isinstance(parsed, dict) else {}
    payload: dict[str, Any] = event["payload"] if isinstance(event.get("payload"), dict) else {}
    kind = event.get("event")
    if kind == "sms:received":
        number = _group_number(h)
        if number is None or not event.get("id") or not payload.get("phoneNumber"):
            abort(400)
        record_inbound(
            h,
            provider="gateway",
            provider_sid=str(event["id"]),
            from_number=str(payload["phoneNumber"]),
            to_number=number,
            body=str(payload.get("message", "")),
        )
    elif kind in _STATUS and payload.get("messageId"):
        record_status(h, None, str(payload["messageId"]), _STATUS[kind], None)
    return Response(status=204)


def _group_number(h: Hotline) -> str | None:
    """Texts to the gateway phone belong to GATEWAY_GROUP, or to the only group."""
    with h.sessions() as session:
        try:
            return group_by_name(session, h.settings.gateway_group).hotline_number
        except PeopleError as exc:
            log.warning("gateway text refused: set GATEWAY_GROUP (%s)", exc)
            return None
