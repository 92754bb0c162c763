"""Twilio's webhooks: verify, normalise, persist, enqueue, answer. No business branching here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from hotline.failures import handle
from hotline.inbox import inline_replies_for, record_inbound
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
        # Sign against the URL Twilio was given, not the one a proxy hands to Flask.
        url = (settings.public_url or request.host_url.rstrip("/")) + request.path
        if request.query_string:
            url += "?" + request.query_string.decode("latin-1")
        signature = request.headers.get("X-Twilio-Signature", "")
        validator = RequestValidator(settings.twilio_auth_token or "")
        if not signature or not validator.validate(url, request.form.to_dict(), signature):
            log.warning("rejected unsigned or badly signed request to %s", request.path)
            abort(403)
        return view(*args, **kwargs)

    return checked


def twiml(response: MessagingResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


@bp.post("/sms")
@signed_by_twilio
def sms() -> Response:
    form = request.form
    sid = form.get("MessageSid") or form.get("SmsSid")
    # A sender of any shape is kept (even none): the text is stored and shown, never refused.
    if not sid or not form.get("To"):
        abort(400)
    h = hotline()
    rest_down = h.breaker("twilio").is_open(h.clock.now())
    recorded = record_inbound(
        h,
        provider="twilio",
        provider_sid=sid,
        from_number=form.get("From", ""),
        to_number=form["To"],
        body=form.get("Body", ""),
        opt_out_type=form.get("OptOutType"),
        enqueue=not rest_down,
    )
    response = MessagingResponse()
    if rest_down:
        # Twilio can reach us but we cannot reach its REST API: answer inside the TwiML.
        replies = (
            handle(h, recorded.inbound_id, inline=True)
            if recorded.created
            else inline_replies_for(h, recorded.inbound_id)
        )
        for reply in replies:
            response.message(reply)
    # Otherwise replies go out through the REST API from the worker; answer at once.
    return twiml(response)


@bp.post("/status")
@signed_by_twilio
def status() -> Response:
    form = request.form
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    raw_id = request.args.get("m", "")
    error = form.get("ErrorCode")
    record_status(
        hotline(),
        int(raw_id) if raw_id.isdigit() else None,
        sid,
        form.get("MessageStatus") or form.get("SmsStatus") or "",
        int(error) if error and error.isdigit() else None,
    )
    return Response(status=204)
