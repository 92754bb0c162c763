"""The real twilio REST client, pointed at any Twilio-compatible base URL (the sim, in tests)."""

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

    def request(  # noqa: PLR0917  # the library's own signature, overridden
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


def twilio_client(api_url: str, account_sid: str, auth_token: str, timeout: float = 10) -> Client:
    """A twilio.rest.Client whose requests go to api_url, e.g. http://127.0.0.1:8081."""
    # environment={} so TWILIO_EDGE/TWILIO_REGION in the process environment cannot reroute it.
    return Client(
        account_sid,
        auth_token,
        http_client=BaseUrlHttpClient(api_url, timeout=timeout),
        environment={},
    )
