"""Fixtures for the sim's tests: a running sim, the real twilio client, and a webhook receiver."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from hotline.channels.twilio import twilio_client
from hotline.simulators.twilio_sim.server import SimServer

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "sim-test-token"
HOTLINE_NUMBER = "+12025550100"
NEIGHBOUR = "+12025550101"
VOLUNTEER = "+12025550102"


@dataclass
class Received:
    """One webhook the receiver got, and whether its X-Twilio-Signature was right."""

    url: str
    params: dict[str, str]
    headers: dict[str, str]
    signature_valid: bool


@dataclass
class WebhookReceiver:
    """Plays the hotline's webhooks: validates each signature, records it, answers as told."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answer_status: int = 200
    answer_body: str = "<Response/>"
    answer_type: str = "text/xml"
    # Set to an unset Event to make the receiver hold every request until the event is set.
    hold: threading.Event | None = None
    reject_bad_signatures: bool = True
    _lock: threading.Condition = field(default_factory=threading.Condition)

    def __call__(self, environ: dict[str, object], start_response: Callable[..., object]) -> object:
        request = Request(environ)  # type: ignore[arg-type]
        # Validate against the exact public URL, as the hotline does, not the Host header.
        url = self.url + request.path
        if request.query_string:
            url += "?" + request.query_string.decode()
        params = request.form.to_dict()
        valid = RequestValidator(AUTH_TOKEN).validate(
            url, params, request.headers.get("X-Twilio-Signature", "")
        )
        with self._lock:
            self.received.append(Received(url, params, dict(request.headers), valid))
            self._lock.notify_all()
        if self.hold is not None:
            self.hold.wait(timeout=10)
        if self.reject_bad_signatures and not valid:
            response = Response("bad signature", status=403)
        else:
            response = Response(
                self.answer_body, status=self.answer_status, content_type=self.answer_type
            )
        return response(environ, start_response)  # type: ignore[arg-type]

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.received) >= count, timeout):
                raise TimeoutError(f"got {len(self.received)} webhooks, expected {count}")
            return list(self.received)

    def reply_with(self, twiml: str) -> None:
        self.answer_body = twiml
        self.answer_type = "text/xml"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    app = WebhookReceiver()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield app
    if app.hold is not None:
        app.hold.set()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def sim(receiver: WebhookReceiver) -> Iterator[SimServer]:
    with SimServer(
        ACCOUNT_SID, AUTH_TOKEN, hotline_url=receiver.url, hotline_number=HOTLINE_NUMBER
    ) as server:
        yield server


@pytest.fixture
def client(sim: SimServer) -> Iterator[Client]:
    twilio = twilio_client(ACCOUNT_SID, AUTH_TOKEN, sim.url)
    yield twilio
    twilio.http_client.session.close()
