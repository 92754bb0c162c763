"""Status callbacks: signed as Twilio signs them, sent then delivered (or undelivered)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from twilio.rest import Client

from hotline.simulators.twilio_sim.server import SimServer

NEIGHBOUR = "+12025550101"


def test_callbacks_arrive_signed_in_order(client: Client, sim: SimServer, receiver: Any) -> None:
    callback_url = receiver.url + "/twilio/status?channel=twilio&attempt=1"
    message = client.messages.create(
        to=NEIGHBOUR, from_=sim.hotline_number, body="On our way", status_callback=callback_url
    )

    sim.wait_for_callbacks(timeout=10)

    assert [r.params["MessageStatus"] for r in receiver.received] == ["sent", "delivered"]
    for received in receiver.received:
        assert received.url == callback_url
        assert received.signature_valid
        assert received.params == {
            "SmsSid": message.sid,
            "SmsStatus": received.params["MessageStatus"],
            "MessageStatus": received.params["MessageStatus"],
            "To": NEIGHBOUR,
            "MessageSid": message.sid,
            "AccountSid": sim.state.account_sid,
            "From": sim.hotline_number,
            "ApiVersion": "2010-04-01",
        }
    assert client.messages(message.sid).fetch().status == "delivered"
    assert [(a.status, a.http_status) for a in sim.callback_log] == [
        ("sent", 200),
        ("delivered", 200),
    ]


def test_undeliverable_phone_ends_undelivered_with_30003(
    client: Client, sim: SimServer, receiver: Any
) -> None:
    sim.set_undeliverable(NEIGHBOUR)
    message = client.messages.create(
        to=NEIGHBOUR,
        from_=sim.hotline_number,
        body="On our way",
        status_callback=receiver.url + "/twilio/status",
    )

    sim.wait_for_callbacks()

    final = receiver.received[-1]
    assert (final.params["MessageStatus"], final.params["ErrorCode"]) == ("undelivered", "30003")
    assert final.signature_valid
    assert "ErrorCode" not in receiver.received[0].params
    fetched = client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", 30003)


def test_callbacks_can_be_switched_off(client: Client, sim: SimServer, receiver: Any) -> None:
    sim.callbacks_enabled = False
    message = client.messages.create(
        to=NEIGHBOUR, from_=sim.hotline_number, body="Hi", status_callback=receiver.url + "/s"
    )

    sim.wait_for_callbacks(timeout=1)

    assert receiver.received == []
    # The phone still gets the text; only the report back is missing.
    assert sim.get_message(message.sid).status == "delivered"  # type: ignore[union-attr]


def test_wait_for_callbacks_times_out_while_a_receiver_stalls(
    client: Client, sim: SimServer, receiver: Any
) -> None:
    receiver.hold = threading.Event()
    client.messages.create(
        to=NEIGHBOUR, from_=sim.hotline_number, body="Hi", status_callback=receiver.url + "/s"
    )
    receiver.wait_for(1)

    with pytest.raises(TimeoutError):
        sim.wait_for_callbacks(timeout=0.05)

    receiver.hold.set()
    sim.wait_for_callbacks()
    assert len(receiver.received) == 2


def test_unreachable_callback_url_is_logged_not_retried(client: Client, sim: SimServer) -> None:
    # Nothing listens on port 9 of loopback (discard), so the connection is refused.
    client.messages.create(
        to=NEIGHBOUR, from_=sim.hotline_number, body="Hi", status_callback="http://127.0.0.1:9/s"
    )

    sim.wait_for_callbacks()

    assert [(a.status, a.http_status) for a in sim.callback_log] == [
        ("sent", None),
        ("delivered", None),
    ]
    assert all(a.error for a in sim.callback_log)
