"""Posting to the hotline's inbound webhooks exactly as Twilio and the gateway app sign them."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import requests
from story import AUTH_TOKEN, HOTLINE_NUMBER
from twilio.request_validator import RequestValidator

from hotline.runtime.services import Hotline

GATEWAY_KEY = "gateway-signing-key"


def post_twilio_sms(h: Hotline, sid: str, sender: str, body: str) -> requests.Response:
    url = f"{h.settings.public_url}/twilio/sms"
    form = {"MessageSid": sid, "From": sender, "To": HOTLINE_NUMBER, "Body": body}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    return requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)


def post_gateway_sms(h: Hotline, event_id: str, sender: Any, body: Any) -> requests.Response:
    """A gateway webhook; the caller sets `gateway_signing_key` to GATEWAY_KEY first."""
    raw = json.dumps(
        {
            "event": "sms:received",
            "id": event_id,
            "payload": {"phoneNumber": sender, "message": body},
        }
    ).encode()
    now = str(int(h.clock.now().timestamp()))
    signature = hmac.new(GATEWAY_KEY.encode(), raw + now.encode(), hashlib.sha256).hexdigest()
    headers = {"X-Signature": signature, "X-Timestamp": now, "Content-Type": "application/json"}
    return requests.post(
        f"{h.settings.public_url}/gateway/sms", data=raw, headers=headers, timeout=30
    )
