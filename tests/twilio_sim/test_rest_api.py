"""The sim's Messages REST API, driven by the real twilio client over loopback HTTP."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from hotline.channels.twilio import twilio_client
from hotline.simulators.twilio_sim.server import SimServer

NEIGHBOUR = "+12025550101"
SID = re.compile(r"SM[0-9a-f]{32}")


def send(client: Client, sim: SimServer, to: str = NEIGHBOUR, body: str = "Water is on its way"):  # type: ignore[no-untyped-def]
    return client.messages.create(to=to, from_=sim.hotline_number, body=body)


def test_create_answers_like_twilio_and_records_the_message(client: Client, sim: SimServer) -> None:
    message = send(client, sim)

    assert SID.fullmatch(message.sid)
    assert message.account_sid == sim.state.account_sid
    assert (message.to, message.from_, message.body) == (
        NEIGHBOUR,
        sim.hotline_number,
        "Water is on its way",
    )
    assert message.status == "queued"
    assert message.direction == "outbound-api"
    assert message.num_segments == "1"
    assert message.price is None and message.error_code is None and message.error_message is None
    assert (
        message.uri == f"/2010-04-01/Accounts/{sim.state.account_sid}/Messages/{message.sid}.json"
    )
    assert isinstance(message.date_created, datetime)
    assert abs((datetime.now(UTC) - message.date_created).total_seconds()) < 60

    [recorded] = sim.messages_to(NEIGHBOUR)
    assert (recorded.sid, recorded.direction, recorded.body) == (
        message.sid,
        "outbound-api",
        "Water is on its way",
    )
    assert sim.messages_from(sim.hotline_number or "") == [recorded]


def test_fetch_returns_the_message_with_its_current_status(client: Client, sim: SimServer) -> None:
    sim.callbacks_enabled = False
    sid = send(client, sim).sid

    fetched = client.messages(sid).fetch()

    assert (fetched.sid, fetched.status, fetched.to) == (sid, "delivered", NEIGHBOUR)


def test_fetching_an_unknown_message_is_404(client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.messages("SM" + "0" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        pytest.param("a" * 160, "1", id="gsm7-160"),
        pytest.param("a" * 161, "2", id="gsm7-161"),
        # Extension characters take two septets each.
        pytest.param("[" * 80, "1", id="gsm7-extension-80"),
        pytest.param("[" * 81, "2", id="gsm7-extension-81"),
        pytest.param("Agua potable 💧", "1", id="ucs2-emoji"),
        pytest.param("é" * 70, "1", id="gsm7-e-acute"),
        # UCS-2: 70 per single segment, 67 per part after that.
        pytest.param("ā" * 70, "1", id="ucs2-70"),
        pytest.param("ā" * 71, "2", id="ucs2-71"),
        # An escape pair or a surrogate pair is never split across two segments.
        pytest.param("a" * 152 + "€" + "a" * 152, "3", id="gsm7-escape-pair-at-a-boundary"),
        pytest.param("a" * 66 + "😀" + "a" * 66, "3", id="ucs2-surrogate-pair-at-a-boundary"),
    ],
)
def test_num_segments_follows_the_encoding(
    client: Client, sim: SimServer, body: str, segments: str
) -> None:
    assert send(client, sim, body=body).num_segments == segments


@pytest.mark.parametrize("to", ["2025550101", "+0123456789", "+1 202 555 0101", "neighbour", "+1"])
def test_to_that_is_not_e164_is_21211(client: Client, sim: SimServer, to: str) -> None:
    with pytest.raises(TwilioRestException) as caught:
        send(client, sim, to=to)
    assert (caught.value.status, caught.value.code) == (400, 21211)
    assert sim.messages == []


def test_landline_is_21614(client: Client, sim: SimServer) -> None:
    sim.add_landline("+12025550199")

    with pytest.raises(TwilioRestException) as caught:
        send(client, sim, to="+12025550199")

    assert caught.value.code == 21614
    assert send(client, sim).sid  # mobiles are unaffected


def test_messaging_service_without_from_sends_from_the_hotline_number(
    client: Client, sim: SimServer
) -> None:
    service = "MG" + "1" * 32
    message = client.messages.create(to=NEIGHBOUR, messaging_service_sid=service, body="Hi")

    assert (message.from_, message.messaging_service_sid) == (sim.hotline_number, service)


def test_missing_from_is_21603(client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=NEIGHBOUR, body="Hi")
    assert caught.value.code == 21603


def test_wrong_auth_token_is_401_20003(sim: SimServer) -> None:
    wrong = twilio_client(sim.state.account_sid, "not-the-token", sim.url)
    try:
        with pytest.raises(TwilioRestException) as caught:
            wrong.messages.create(to=NEIGHBOUR, from_=sim.hotline_number, body="Hi")
    finally:
        wrong.http_client.session.close()
    assert (caught.value.status, caught.value.code) == (401, 20003)
    assert sim.messages == []


def test_no_auth_at_all_is_401(sim: SimServer) -> None:
    response = requests.post(
        f"{sim.url}/2010-04-01/Accounts/{sim.state.account_sid}/Messages.json",
        data={"To": NEIGHBOUR, "From": sim.hotline_number, "Body": "Hi"},
        timeout=10,
    )
    assert response.status_code == 401
    assert response.json()["code"] == 20003


@pytest.mark.parametrize(
    ("mode", "status", "code"), [("error_500", 500, 20500), ("error_503", 503, 20503)]
)
def test_error_fault_applies_to_count_requests(
    client: Client, sim: SimServer, mode: str, status: int, code: int
) -> None:
    sim.set_fault(mode, count=2)

    for _ in range(2):
        with pytest.raises(TwilioRestException) as caught:
            send(client, sim)
        assert (caught.value.status, caught.value.code) == (status, code)

    assert send(client, sim).sid
    assert len(sim.messages) == 1


def test_error_fault_without_count_lasts_until_lifted(client: Client, sim: SimServer) -> None:
    sim.set_fault("error_503")
    for _ in range(3):
        with pytest.raises(TwilioRestException):
            send(client, sim)

    sim.set_fault(None)

    assert send(client, sim).sid


def test_slow_fault_delays_the_answer_past_a_client_timeout(sim: SimServer) -> None:
    sim.slow_seconds = 0.5
    impatient = twilio_client(sim.state.account_sid, sim.state.auth_token, sim.url, timeout=0.1)
    sim.set_fault("slow", count=1)
    try:
        with pytest.raises(requests.Timeout):
            impatient.messages.create(to=NEIGHBOUR, from_=sim.hotline_number, body="Hi")
        started = time.monotonic()
        impatient.messages.create(to=NEIGHBOUR, from_=sim.hotline_number, body="Hi")
        assert time.monotonic() - started < 0.5  # the fault was used up
    finally:
        impatient.http_client.session.close()


def test_refuse_fault_refuses_connections_until_lifted_on_the_same_port(
    client: Client, sim: SimServer
) -> None:
    assert send(client, sim).sid  # leaves a kept-alive connection in the client's pool
    port = sim.port

    sim.set_fault("refuse")
    with pytest.raises(requests.ConnectionError):
        send(client, sim)
    with pytest.raises(requests.ConnectionError):
        requests.get(sim.url + "/_sim/messages", timeout=5)

    sim.set_fault(None)
    assert sim.port == port
    assert send(client, sim).sid
    assert len(sim.messages) == 2


def test_refuse_cannot_be_counted(sim: SimServer) -> None:
    with pytest.raises(ValueError, match="refuse"):
        sim.set_fault("refuse", count=1)


def test_unknown_fault_is_rejected(sim: SimServer) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        sim.set_fault("error_404")


def test_faults_messages_and_reset_over_http(client: Client, sim: SimServer) -> None:
    answer = requests.post(
        sim.url + "/_sim/fault", data={"mode": "error_500", "count": "1"}, timeout=5
    )
    assert answer.status_code == 200
    with pytest.raises(TwilioRestException) as caught:
        send(client, sim)
    assert caught.value.status == 500
    sid = send(client, sim, body="Two bottles").sid

    listed = requests.get(sim.url + "/_sim/messages", timeout=5).json()
    assert [(m["sid"], m["to_number"], m["body"], m["direction"]) for m in listed] == [
        (sid, NEIGHBOUR, "Two bottles", "outbound-api")
    ]

    assert requests.post(sim.url + "/_sim/reset", timeout=5).status_code == 200
    assert requests.get(sim.url + "/_sim/messages", timeout=5).json() == []


def test_fault_over_http_rejects_nonsense(sim: SimServer) -> None:
    for data in ({"mode": "explode"}, {"mode": "error_500", "count": "x"}, {"mode": "refuse"}):
        assert requests.post(sim.url + "/_sim/fault", data=data, timeout=5).status_code == 400


def test_timed_refusal_over_http_refuses_connections(client: Client, sim: SimServer) -> None:
    answer = requests.post(
        sim.url + "/_sim/fault", data={"mode": "refuse", "seconds": "60"}, timeout=5
    )
    assert answer.json() == {"ok": True, "mode": "refuse", "seconds": 60.0}
    # The answer arrives before the listener closes; once it has, connections are refused.
    with pytest.raises(requests.ConnectionError):
        send(client, sim)

    sim.set_fault(None)  # lifting it early cancels the timer

    assert send(client, sim).sid
