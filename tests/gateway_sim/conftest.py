"""Fixtures for the gateway sim's tests: a running gateway, the hotline's client, and a receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from hotline.channels.gateway import GatewayChannel
from hotline.simulators.gateway_sim import GatewaySim

USERNAME = "sms"
PASSWORD = "gateway-test-password"
SIGNING_KEY = "gateway-test-signing-key"
GATEWAY_NUMBER = "+12025550177"
NEIGHBOUR = "+12025550101"


@dataclass
class Received:
    """One webhook the receiver got, and whether its signature checked out."""

    path: str
    body: bytes
    headers: dict[str, str]
    signature_valid: bool

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


def expected_signature(body: bytes, timestamp: str, key: str = SIGNING_KEY) -> str:
    """The signature as the app's documentation tells receivers to compute it."""
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


@dataclass
class WebhookReceiver:
    """Plays the hotline's /gateway/sms: checks each signature, records it, answers as told."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    # Statuses to answer with, one per request, before falling back to 200.
    answers: list[int] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, environ: dict[str, object], start_response: Callable[..., object]) -> object:
        request = Request(environ)  # type: ignore[arg-type]
        body = request.get_data()
        timestamp = request.headers.get("X-Timestamp", "")
        valid = hmac.compare_digest(
            request.headers.get("X-Signature", ""), expected_signature(body, timestamp)
        )
        with self._lock:
            self.received.append(Received(request.path, body, dict(request.headers), valid))
            status = self.answers.pop(0) if self.answers else 200
            self._lock.notify_all()
        response = Response("", status=status if valid else 401)
        return response(environ, start_response)  # type: ignore[arg-type]

    def events(self, event: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.json["event"] == event]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    server = make_server("127.0.0.1", 0, receiver, threaded=True)
    receiver.url = f"http://127.0.0.1:{server.server_port}/gateway/sms"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def gateway(receiver: WebhookReceiver) -> Iterator[GatewaySim]:
    with GatewaySim(
        USERNAME,
        PASSWORD,
        SIGNING_KEY,
        GATEWAY_NUMBER,
        webhook_url=receiver.url,
        retry_delays=(0.01, 0.01),
    ) as sim:
        yield sim


@pytest.fixture
def channel(gateway: GatewaySim) -> Iterator[GatewayChannel]:
    channel = GatewayChannel(gateway.url, USERNAME, PASSWORD, GATEWAY_NUMBER, timeout=5)
    try:
        yield channel
    finally:
        channel.session.close()


@pytest.fixture
def send(channel: GatewayChannel) -> Callable[..., str]:
    """Send one text through the hotline's client; returns the gateway's message id."""

    def send(to: str = NEIGHBOUR, body: str = "Help is on the way") -> str:
        result = channel.send(to=to, from_=GATEWAY_NUMBER, body=body, status_callback=None)
        return result.provider_sid

    return send
