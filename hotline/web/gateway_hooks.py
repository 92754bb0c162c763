"""The local SMS gateway's webhooks: verified and read by the gateway adapter, handed to the domain.

Texts received by the gateway phone go to the inbox, delivery reports to the outbox. A copy of
a text already held (the app re-delivers) is answered like the first and stores nothing new.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, current_app, request

from hotline.channels import DeliveryReport, InboundText, MalformedWebhook
from hotline.channels.gateway import webhooks
from hotline.channels.gateway.redelivery import Redelivery
from hotline.inbox import record_text
from hotline.outbound import record_status
from hotline.people import PeopleError, group_by_name
from hotline.runtime.services import Hotline

log = logging.getLogger(__name__)
bp = Blueprint("gateway", __name__, url_prefix="/gateway")


@bp.post("/sms")
def sms() -> Response:
    h: Hotline = current_app.extensions["hotline"]
    body = request.get_data(cache=True)
    try:
        signed = webhooks.signed_by_gateway(
            body,
            request.headers.get("X-Timestamp", ""),
            request.headers.get("X-Signature", ""),
            h.settings.gateway_signing_key,
            h.clock.now(),
        )
        if not signed:
            log.warning("rejected unsigned or badly signed gateway webhook")
            abort(403)
        copies = Redelivery(h.redis, h.settings.secret_key or h.settings.gateway_signing_key or "")
        event = webhooks.read_event(
            body,
            lambda: _group_number(h),
            lambda sender, words, received_at: copies.name(
                sender, words, received_at, h.clock.now()
            ),
        )
    except MalformedWebhook:
        abort(400)
    if isinstance(event, InboundText):
        record_text(h, event)
    elif isinstance(event, DeliveryReport):
        record_status(h, event)
    return Response(status=204)


def _group_number(h: Hotline) -> str | None:
    """Texts to the gateway phone belong to GATEWAY_GROUP, or to the only group."""
    with h.sessions() as session:
        try:
            return group_by_name(session, h.settings.gateway_group).hotline_number
        except PeopleError as exc:
            log.warning("gateway text refused: set GATEWAY_GROUP (%s)", exc)
            return None
