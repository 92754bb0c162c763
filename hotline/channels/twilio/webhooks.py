"""Reading Twilio's webhooks: is it signed by Twilio, and what does it say in our words."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

from hotline.channels import DeliveryReport, InboundText, MalformedWebhook
from hotline.channels.twilio.statuses import OPTED_OUT, error_code, our_status

PROVIDER = "twilio"


def signed_url(public_url: str | None, host_url: str, path: str, query_string: bytes) -> str:
    """The URL Twilio signed: the public URL it was given, not the one a proxy hands over."""
    url = (public_url or host_url.rstrip("/")) + path
    if query_string:
        url += "?" + query_string.decode("latin-1")
    return url


def signed_by_twilio(
    auth_token: str | None, url: str, form: Mapping[str, str], signature: str
) -> bool:
    """Whether X-Twilio-Signature matches this URL and form under our auth token."""
    return bool(signature) and bool(
        RequestValidator(auth_token or "").validate(url, {k: form[k] for k in form}, signature)
    )


def inbound_text(form: Mapping[str, str]) -> InboundText:
    """An incoming SMS webhook as a text; raises MalformedWebhook without an id or a To."""
    sid = form.get("MessageSid") or form.get("SmsSid")
    to_number = form.get("To")
    # A sender of any shape is kept (even none): the text is stored and shown, never refused.
    if not sid or not to_number:
        raise MalformedWebhook("an SMS webhook needs MessageSid and To")
    return InboundText(
        provider=PROVIDER,
        provider_sid=sid,
        from_number=form.get("From", ""),
        to_number=to_number,
        body=form.get("Body", ""),
        opt_out_type=form.get("OptOutType"),
    )


def delivery_report(form: Mapping[str, str], query: Mapping[str, str]) -> DeliveryReport:
    """A message status callback; `m` in its query is our id, put there when we sent it."""
    raw_id = query.get("m", "")
    code = error_code(form.get("ErrorCode"))
    return DeliveryReport(
        outbound_id=int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None,
        provider_sid=form.get("MessageSid") or form.get("SmsSid") or "",
        status=our_status(form.get("MessageStatus") or form.get("SmsStatus") or ""),
        error_code=code,
        opted_out=code == OPTED_OUT,
    )
