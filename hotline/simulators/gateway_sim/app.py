"""The gateway sim's HTTP face: the local-server API, and /_sim controls for other processes."""

from __future__ import annotations

import hmac
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request

from hotline.simulators.gateway_sim.state import EVENTS, Event, GatewayMessage, GatewayState

# Longest outage another process may ask for; nothing can reach the sim to lift it sooner.
MAX_OFFLINE_SECONDS = 300.0
_OPEN_PATHS = frozenset({"/health"})


@dataclass(frozen=True)
class Hooks:
    """What the HTTP layer asks of the running server."""

    now: Callable[[], datetime]
    # A message was accepted: take it through Sent to Delivered or Failed in the background.
    accepted: Callable[[GatewayMessage], None]
    # Stop listening for so many seconds, sparing the asking connection so it gets its answer.
    go_offline: Callable[[float, socket.socket | None], None]
    go_online: Callable[[], None]


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"message": message}), status


def create_gateway_app(state: GatewayState, hooks: Hooks) -> Flask:
    app = Flask(__name__)
    _add_auth(app, state)
    _add_messages(app, state, hooks)
    _add_webhooks(app, state)
    _add_controls(app, state, hooks)

    @app.get("/health")
    def health() -> Response:
        return jsonify({"status": "pass"})

    return app


def _add_auth(app: Flask, state: GatewayState) -> None:
    @app.before_request
    def basic_auth() -> tuple[Response, int] | None:
        if request.path in _OPEN_PATHS or request.path.startswith("/_sim/"):
            return None
        auth = request.authorization
        if (
            auth is None
            or auth.type != "basic"
            or not hmac.compare_digest(auth.username or "", state.username)
            or not hmac.compare_digest(auth.password or "", state.password)
        ):
            response, status = _error(401, "Unauthorized")
            response.headers["WWW-Authenticate"] = 'Basic realm="SMS Gateway"'
            return response, status
        return None


def _message_request(data: object) -> tuple[str, list[str]] | str:
    """The text and recipients of a send request, or what is wrong with it."""
    if not isinstance(data, dict):
        return "the body must be a JSON object"
    text_message = data.get("textMessage")
    # The app's older API put the text straight in "message"; it still accepts that.
    text = text_message.get("text") if isinstance(text_message, dict) else data.get("message")
    numbers = data.get("phoneNumbers")
    if not isinstance(text, str) or not text:
        return "textMessage.text is required"
    if not isinstance(numbers, list) or not numbers:
        return "phoneNumbers is required"
    if not all(isinstance(n, str) and n for n in numbers):
        return "phoneNumbers must be a list of phone numbers"
    return text, cast(list[str], numbers)


def _allowed_webhook_url(url: str) -> bool:
    """The app's rule: https anywhere, plain http only to the phone itself."""
    parts = urlsplit(url)
    return bool(parts.hostname) and (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname == "127.0.0.1")
    )


def _add_messages(app: Flask, state: GatewayState, hooks: Hooks) -> None:
    @app.post("/message")
    def send_message() -> tuple[Response, int]:
        if state.take_send_failure():
            return _error(500, "failed to enqueue message")
        parsed = _message_request(request.get_json(silent=True))
        if isinstance(parsed, str):
            return _error(400, parsed)
        text, numbers = parsed
        message = state.add_message(text, numbers, hooks.now())
        hooks.accepted(message)
        return jsonify(message.to_json()), 202

    @app.get("/message/<message_id>")
    def get_message(message_id: str) -> Response | tuple[Response, int]:
        message = state.get(message_id)
        if message is None:
            return _error(404, "message not found")
        return jsonify(message.to_json())


def _add_webhooks(app: Flask, state: GatewayState) -> None:
    @app.get("/webhooks")
    def list_webhooks() -> Response:
        return jsonify([w.to_json() for w in state.webhooks()])

    @app.post("/webhooks")
    def add_webhook() -> tuple[Response, int]:
        data: Any = request.get_json(silent=True)
        if not isinstance(data, dict):
            return _error(400, "the body must be a JSON object")
        url, event, webhook_id = data.get("url"), data.get("event"), data.get("id")
        if not isinstance(url, str) or not _allowed_webhook_url(url):
            return _error(400, "url must start with https:// or http://127.0.0.1")
        if event not in EVENTS:
            return _error(400, f"event must be one of {sorted(EVENTS)}")
        if webhook_id is not None and not isinstance(webhook_id, str):
            return _error(400, "id must be a string")
        webhook = state.add_webhook(url, cast(Event, event), webhook_id or None)
        return jsonify(webhook.to_json()), 201

    @app.delete("/webhooks/<webhook_id>")
    def delete_webhook(webhook_id: str) -> tuple[str, int]:
        # The app answers 204 whether or not the id was known.
        state.remove_webhook(webhook_id)
        return "", 204


def _add_controls(app: Flask, state: GatewayState, hooks: Hooks) -> None:
    """For the demo and benchmarks, which run the sim in another process. No auth."""

    @app.get("/_sim/messages")
    def sim_messages() -> Response:
        return jsonify(
            [
                {
                    "id": m.id,
                    "to_number": m.to_number,
                    "body": m.body,
                    "state": m.state,
                    "created_at": m.created_at.isoformat(),
                }
                for m in state.messages()
            ]
        )

    @app.post("/_sim/offline")
    def sim_offline() -> Response | tuple[Response, int]:
        data: Any = request.get_json(silent=True)
        values = data if isinstance(data, dict) else request.values
        try:
            seconds = float(values.get("seconds", ""))
        except (TypeError, ValueError):
            seconds = 0.0
        if not 0 < seconds <= MAX_OFFLINE_SECONDS:
            return _error(400, f"seconds must be more than 0 and at most {MAX_OFFLINE_SECONDS}")
        # Before answering, so that once the caller has its answer connections are refused.
        hooks.go_offline(seconds, request.environ.get("werkzeug.socket"))
        return jsonify({"ok": True, "seconds": seconds})

    @app.post("/_sim/online")
    def sim_online() -> Response:
        # Only reachable while already online; kept so scripts can say what they mean.
        hooks.go_online()
        return jsonify({"ok": True})
