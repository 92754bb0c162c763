"""Twilio's SMS webhooks: verified and read by the Twilio adapter, handed to the domain, answered.

No business branching here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import Blueprint, Response, abort, current_app, request

from hotline.channels import MalformedWebhook
from hotline.channels.twilio import webhooks
from hotline.channels.twilio.twiml import messaging_twiml
from hotline.failures import handle
from hotline.inbox import inline_replies_for, record_text
from hotline.outbound import record_status
from hotline.runtime.services import Hotline

log = logging.getLogger(__name__)
bp = Blueprint("twilio", __name__, url_prefix="/twilio")

P = ParamSpec("P")


def hotline() -> Hotline:
    h: Hotline = current_app.extensions["hotline"]
    return h


def signed_by_twilio(view: Callable[P, Response]) -> Callable[P, Response]:
    """Reject (403) a request whose X-Twilio-Signature does not match our public URL."""

    @wraps(view)
    def checked(*args: P.args, **kwargs: P.kwargs) -> Response:
        settings = hotline().settings
        url = webhooks.signed_url(
            settings.public_url, request.host_url, request.path, request.query_string
        )
        signature = request.headers.get("X-Twilio-Signature", "")
        if not webhooks.signed_by_twilio(settings.twilio_auth_token, url, request.form, signature):
            log.warning("rejected unsigned or badly signed request to %s", request.path)
            abort(403)
        return view(*args, **kwargs)

    return checked


@bp.post("/sms")
@signed_by_twilio
def sms() -> Response:
    try:
        text = webhooks.inbound_text(request.form)
    except MalformedWebhook:
        abort(400)
    h = hotline()
    rest_down = h.breaker("twilio").is_open(h.clock.now())
    recorded = record_text(h, text, enqueue=not rest_down)
    replies: list[str] = []
    if rest_down:
        # Twilio can reach us but we cannot reach its REST API: answer inside the TwiML.
        replies = (
            handle(h, recorded.inbound_id, inline=True)
            if recorded.created
            else inline_replies_for(h, recorded.inbound_id)
        )
    # Otherwise replies go out through the REST API from the worker; answer at once.
    return Response(messaging_twiml(replies), mimetype="text/xml")


@bp.post("/status")
@signed_by_twilio
def status() -> Response:
    record_status(hotline(), webhooks.delivery_report(request.form, request.args))
    return Response(status=204)
