"""Webhook signatures made exactly as Twilio makes them, through twilio's own RequestValidator."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


def compute_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature value for a form POST of params to url."""
    # The library is the reference the hotline validates with, so signing through it keeps
    # both sides agreeing on every detail (parameter order, ports, encoding).
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))


def is_valid(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """Whether a signature is what Twilio would have sent for params posted to url."""
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))
