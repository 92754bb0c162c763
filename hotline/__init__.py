"""A disaster-relief SMS and voice hotline for mutual-aid groups; `create_app` builds the app.

Nothing is imported here at import time, so that `import hotline.triage` (or any pure
module) stays free of Flask, Redis, RQ, Twilio and SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from hotline.runtime.services import Hotline
    from hotline.runtime.settings import Settings


def create_app(settings: Settings | None = None, hotline: Hotline | None = None) -> Flask:
    """The web app: Twilio and gateway webhooks, voice menus, the dispatcher dashboard."""
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from hotline.runtime import logs
    from hotline.runtime.services import build
    from hotline.runtime.settings import PRODUCTION_REQUIRED
    from hotline.runtime.settings import Settings as SettingsType
    from hotline.web import (
        dashboard,
        gateway_hooks,
        health,
        strict_transport,
        twilio_hooks,
        voice_hooks,
    )

    if hotline is None:
        settings = (settings or SettingsType.from_env()).require(*PRODUCTION_REQUIRED)
        hotline = build(settings)
    app = Flask(__name__, instance_path=str(hotline.settings.instance_path.resolve()))
    app.config["SECRET_KEY"] = hotline.settings.secret_key
    app.extensions["hotline"] = hotline
    logs.configure(hotline.settings.log_level, hotline.settings.library_log_level)

    app.register_blueprint(twilio_hooks.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(voice_hooks.bp)
    app.register_blueprint(gateway_hooks.bp)
    dashboard.init_app(
        app, public_url=hotline.settings.public_url, streams=hotline.settings.dashboard_streams
    )
    strict_transport.init_app(app, public_url=hotline.settings.public_url)
    hops = hotline.settings.trusted_proxies
    if hops:
        # Behind a load balancer every request comes from the balancer's address; trusting its
        # X-Forwarded-For gives sign-in limits each dispatcher's own address. Never trust more
        # hops than there are proxies, or anyone could claim any address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app
