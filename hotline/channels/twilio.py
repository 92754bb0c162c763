"""Sending SMS with the real twilio client, to Twilio or to any Twilio-compatible base URL."""

from __future__ import annotations

from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from hotline.channels import ChannelError, SendResult

TWILIO_API = "https://api.twilio.com"

# Twilio error codes that no retry can fix.
# 21211 invalid To, 21214 not reachable, 21408 region not enabled, 21610 recipient opted out,
# 21612 cannot route, 21614 not a mobile number.
PERMANENT_ERRORS = frozenset({21211, 21214, 21408, 21610, 21612, 21614})
OPTED_OUT = 21610


class BaseUrlHttpClient(TwilioHttpClient):
    """Sends the twilio client's requests to another base URL (the project's own server)."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        response: Response = super().request(method, url, *args, **kwargs)
        return response


def twilio_client(
    account_sid: str, auth_token: str, api_url: str | None = None, timeout: float = 10.0
) -> Client:
    """A real twilio REST client; `api_url` points it at a Twilio-compatible server."""
    http_client = (
        BaseUrlHttpClient(api_url, timeout) if api_url else TwilioHttpClient(timeout=timeout)
    )
    return Client(account_sid, auth_token, http_client=http_client)


class TwilioChannel:
    """The Programmable Messaging API as an SmsChannel."""

    name = "twilio"

    def __init__(self, client: Client) -> None:
        self.client = client

    def send(self, *, to: str, from_: str, body: str, status_callback: str | None) -> SendResult:
        params: dict[str, Any] = {"to": to, "from_": from_, "body": body}
        if status_callback:
            params["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**params)
        except TwilioRestException as exc:
            code = int(exc.code) if exc.code else None
            permanent = code in PERMANENT_ERRORS or (400 <= exc.status < 500 and exc.status != 429)
            raise ChannelError(
                f"Twilio refused the message ({exc.status}, code {code})",
                code=code,
                permanent=permanent,
            ) from exc
        except requests.RequestException as exc:
            raise ChannelError(f"Twilio could not be reached: {type(exc).__name__}") from exc
        return SendResult(provider_sid=str(message.sid), status=str(message.status))
