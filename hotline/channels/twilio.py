"""Sending SMS with the real twilio client, to Twilio or to any Twilio-compatible base URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from hotline.channels import ChannelError, SendResult

# Twilio error codes that no retry can fix.
# 21211 invalid To, 21214 not reachable, 21408 region not enabled, 21610 recipient opted out,
# 21612 cannot route, 21614 not a mobile number.
PERMANENT_ERRORS = frozenset({21211, 21214, 21408, 21610, 21612, 21614})
OPTED_OUT = 21610


class BaseUrlHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """Sends every request the client builds for a twilio.com host to api_url instead."""

    def __init__(self, api_url: str, timeout: float | None = None) -> None:
        super().__init__(pool_connections=True, timeout=timeout)
        target = urlsplit(api_url)
        if target.scheme not in {"http", "https"} or not target.netloc:
            raise ValueError(f"api_url must be an http(s) base URL, not {api_url!r}")
        self.scheme = target.scheme
        self.netloc = target.netloc
        self.base_path = target.path.rstrip("/")

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        if not (parts.hostname or "").endswith("twilio.com"):
            return url
        return urlunsplit(
            (self.scheme, self.netloc, self.base_path + parts.path, parts.query, parts.fragment)
        )

    def request(  # the library's own signature, overridden
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        return super().request(
            method,
            self.rewrite(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def twilio_client(
    account_sid: str, auth_token: str, api_url: str | None = None, timeout: float = 10.0
) -> Client:
    """A real twilio REST client; `api_url` points it at a Twilio-compatible server."""
    if not api_url:
        return Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
    # environment={} so TWILIO_EDGE/TWILIO_REGION in the environment cannot reroute it to Twilio.
    return Client(
        account_sid,
        auth_token,
        http_client=BaseUrlHttpClient(api_url, timeout=timeout),
        environment={},
    )


class TwilioChannel:
    """The Programmable Messaging API as an SmsChannel."""

    name = "twilio"

    def __init__(self, client: Client) -> None:
        self.client = client

    def sender(self, hotline_number: str) -> str:
        return hotline_number

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
                unreachable=exc.status >= 500,
            ) from exc
        except requests.RequestException as exc:
            raise ChannelError(
                f"Twilio could not be reached: {type(exc).__name__}", unreachable=True
            ) from exc
        return SendResult(provider_sid=str(message.sid), status=str(message.status))
