"""Strict-Transport-Security on every answer served over https, so browsers never fall back."""

from __future__ import annotations

from flask import Flask, Response, request

# A year, the value browsers' preload lists ask for; subdomains are the operator's own choice.
HSTS = "max-age=31536000"


def init_app(app: Flask, *, public_url: str | None) -> None:
    public_https = bool(public_url and public_url.startswith("https://"))

    @app.after_request
    def strict_transport(response: Response) -> Response:
        # Behind a trusted proxy request.is_secure follows X-Forwarded-Proto (ProxyFix).
        if public_https or request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
