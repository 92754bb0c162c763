"""Webhook events as the app posts them: the envelope, the payloads, the signature, retries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hotline.runtime.clock import SettableClock
from hotline.simulators.gateway_sim import GatewaySim
from hotline.simulators.gateway_sim.webhooks import sign

NEIGHBOUR = "+12025550101"
NANOID = re.compile(r"[A-Za-z0-9_-]{21}")


def test_signature_is_hmac_sha256_of_body_then_timestamp() -> None:
    # Worked out independently: printf '%s' '{"a":1}1700000000' | openssl dgst -sha256 -hmac key
    assert sign(b'{"a":1}', "1700000000", "key") == (
        "5cff791334e7fd8344cc05c2398964f60329f4edd6ab1087ed1ba6c34eefeeca"
    )


def test_delivered_event_is_signed_and_shaped_as_the_app_sends_it(
    gateway: GatewaySim, receiver: Any, send: Callable[..., str]
) -> None:
    message_id = send(to=NEIGHBOUR, body="Boat leaves at 6")
    gateway.wait_for_webhooks()

    [delivered] = receiver.events("sms:delivered")
    assert delivered.signature_valid
    assert delivered.path == "/gateway/sms"
    assert delivered.headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"[0-9a-f]{64}", delivered.headers["X-Signature"])
    assert re.fullmatch(r"\d{10}", delivered.headers["X-Timestamp"])
    envelope = delivered.json
    assert set(envelope) == {"deviceId", "event", "id", "payload", "webhookId"}
    assert envelope["deviceId"] == gateway.device_id
    assert NANOID.fullmatch(envelope["id"])
    assert envelope["webhookId"] in {w.id for w in gateway.registered_webhooks}
    payload = envelope["payload"]
    assert set(payload) == {"messageId", "phoneNumber", "simNumber", "deliveredAt"}
    assert (payload["messageId"], payload["phoneNumber"], payload["simNumber"]) == (
        message_id,
        NEIGHBOUR,
        1,
    )
    assert datetime.fromisoformat(payload["deliveredAt"]).utcoffset() is not None
    # sms:sent is not among the events the hotline registers for.
    assert receiver.events("sms:sent") == []


def test_sent_then_delivered_for_a_webhook_registered_for_both(
    gateway: GatewaySim, receiver: Any, send: Callable[..., str]
) -> None:
    gateway.add_webhook(receiver.url, "sms:sent")

    message_id = send(body="é ü — two-byte text")
    gateway.wait_for_webhooks()

    assert [r.json["event"] for r in receiver.received] == ["sms:sent", "sms:delivered"]
    assert all(r.signature_valid for r in receiver.received)
    sent = receiver.events("sms:sent")[0].json["payload"]
    assert sent["messageId"] == message_id
    assert sent["partsCount"] == 1
    assert "sentAt" in sent


def test_received_sms_posts_a_signed_event_with_the_phones_offset(receiver: Any) -> None:
    clock = SettableClock(datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC))
    with GatewaySim(
        "sms",
        "pw",
        "gateway-test-signing-key",
        "+12025550177",
        webhook_url=receiver.url,
        clock=clock,
        utc_offset=timedelta(hours=-4),
    ) as gateway:
        event_id = gateway.receive_sms(NEIGHBOUR, "Need insulin at 12 Oak St")

        delivery = gateway.delivery(event_id)
        assert delivery is not None
        assert (delivery.http_status, delivery.attempts, delivery.ok) == (200, 1, True)

    [received] = receiver.received
    assert received.signature_valid
    assert received.headers["X-Timestamp"] == str(int(clock.now().timestamp()))
    envelope = received.json
    assert (envelope["event"], envelope["id"]) == ("sms:received", event_id)
    payload = envelope["payload"]
    assert set(payload) == {"messageId", "message", "phoneNumber", "simNumber", "receivedAt"}
    assert payload["message"] == "Need insulin at 12 Oak St"
    assert payload["phoneNumber"] == NEIGHBOUR
    assert payload["simNumber"] == 1
    assert payload["receivedAt"] == "2026-03-01T08:00:05.000-04:00"


def test_a_failing_receiver_is_retried_a_bounded_number_of_times(
    gateway: GatewaySim, receiver: Any
) -> None:
    receiver.answers = [503, 500]

    event_id = gateway.receive_sms(NEIGHBOUR, "hello")

    delivery = gateway.delivery(event_id)
    assert delivery is not None
    assert (delivery.attempts, delivery.http_status) == (3, 200)
    assert [r.json["id"] for r in receiver.received] == [event_id] * 3

    receiver.answers = [500, 500, 500, 500]
    event_id = gateway.receive_sms(NEIGHBOUR, "again")
    delivery = gateway.delivery(event_id)
    assert delivery is not None
    # One try and the two retries the fixture allows, then the gateway gives up.
    assert (delivery.attempts, delivery.http_status, delivery.ok) == (3, 500, False)


def test_an_unreachable_receiver_is_recorded_not_raised(gateway: GatewaySim) -> None:
    # Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    gateway.add_webhook("http://127.0.0.1:9/gateway/sms", "sms:received")

    gateway.receive_sms(NEIGHBOUR, "anyone?")

    [refused] = [d for d in gateway.deliveries if d.url.startswith("http://127.0.0.1:9/")]
    assert refused.http_status is None
    assert refused.error == "ConnectionError"


def test_received_sms_without_a_webhook_is_an_error() -> None:
    with GatewaySim("sms", "pw", "key", "+12025550177") as gateway:
        try:
            gateway.receive_sms(NEIGHBOUR, "hello")
        except RuntimeError as error:
            assert "sms:received" in str(error)
        else:
            raise AssertionError("receive_sms posted to nobody")
