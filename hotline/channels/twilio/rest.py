"""The real twilio REST client, pointed at Twilio or at any Twilio-compatible base URL."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client


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
