"""The dispatchers' web dashboard: queue, request pages, roster, offers, stats and sign-in."""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import Flask

from hotline.web.dashboard import (  # noqa: F401  # each module adds its routes to bp
    failed,
    offers,
    queue,
    request_page,
    roster,
    signin,
    stats,
)
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import csrf

# Signed out after this long without a page or stream request.
IDLE_LIMIT = timedelta(hours=8)


def init_app(app: Flask, *, public_url: str | None, streams: int = 4) -> None:
    """Register the dashboard with its session cookie rules and CSRF protection.

    At most `streams` live queues hold a web thread each in this process; further dashboards
    refresh every 15 seconds instead, so webhooks are never left without a thread.
    """
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(public_url and public_url.startswith("https://")),
        SESSION_COOKIE_NAME="hotline_session",
        PERMANENT_SESSION_LIFETIME=IDLE_LIMIT,
        # Webhooks are signed by the provider, not by a form token: the dashboard opts in.
        WTF_CSRF_CHECK_DEFAULT=False,
        # The token lives as long as the session; a page left open overnight still works.
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.extensions["dashboard_streams"] = threading.BoundedSemaphore(streams) if streams else None
    csrf.init_app(app)
    app.register_blueprint(bp)
