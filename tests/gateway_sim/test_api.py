"""The local-server API as the hotline's client and a plain HTTP client see it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from hotline.channels import ChannelError
from hotline.channels.gateway import GatewayChannel
from hotline.simulators.gateway_sim import GatewaySim

NEIGHBOUR = "+12025550101"
VOLUNTEER = "+12025550102"


def auth(gateway: GatewaySim) -> tuple[str, str]:
    return gateway.state.username, gateway.state.password


def test_send_answers_pending_with_a_nanoid_and_ends_delivered(
    gateway: GatewaySim, channel: GatewayChannel
) -> None:
    result = channel.send(
        to=NEIGHBOUR, from_=gateway.number, body="Water at the school", status_callback=None
    )

    assert result.status == "Pending"
    assert len(result.provider_sid) == 21
    gateway.wait_for_webhooks()
    [message] = gateway.messages_to(NEIGHBOUR)
    assert (message.id, message.to_number, message.body, message.state) == (
        result.provider_sid,
        NEIGHBOUR,
        "Water at the school",
        "Delivered",
    )
    answer = requests.get(
        f"{gateway.url}/message/{result.provider_sid}", auth=auth(gateway), timeout=5
    )
    assert answer.json() == {
        "id": result.provider_sid,
        "state": "Delivered",
        "isHashed": False,
        "isEncrypted": False,
        "recipients": [{"phoneNumber": NEIGHBOUR, "state": "Delivered"}],
    }


def test_send_answer_has_the_apps_shape(gateway: GatewaySim) -> None:
    answer = requests.post(
        f"{gateway.url}/message",
        json={
            "textMessage": {"text": "Hi"},
            "phoneNumbers": [VOLUNTEER],
            "withDeliveryReport": True,
        },
        auth=auth(gateway),
        timeout=5,
    )

    assert answer.status_code == 202
    data = answer.json()
    assert data == {
        "id": data["id"],
        "state": "Pending",
        "isHashed": False,
        "isEncrypted": False,
        "recipients": [{"phoneNumber": VOLUNTEER, "state": "Pending"}],
    }
    gateway.wait_for_webhooks()


def test_legacy_message_body_is_accepted(gateway: GatewaySim) -> None:
    answer = requests.post(
        f"{gateway.url}/message",
        json={"message": "Old client", "phoneNumbers": [NEIGHBOUR]},
        auth=auth(gateway),
        timeout=5,
    )

    assert answer.status_code == 202
    gateway.wait_for_webhooks()
    assert [m.body for m in gateway.messages_to(NEIGHBOUR)] == ["Old client"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"textMessage": {"text": "Hi"}}',
        b'{"textMessage": {"text": "Hi"}, "phoneNumbers": []}',
        b'{"textMessage": {"text": ""}, "phoneNumbers": ["+12025550101"]}',
        b'{"textMessage": {"text": "Hi"}, "phoneNumbers": [7]}',
    ],
)
def test_bad_requests_get_400_and_send_nothing(gateway: GatewaySim, body: bytes) -> None:
    answer = requests.post(
        f"{gateway.url}/message",
        data=body,
        headers={"Content-Type": "application/json"},
        auth=auth(gateway),
        timeout=5,
    )

    assert answer.status_code == 400
    assert "message" in answer.json()
    assert gateway.messages == []


def test_wrong_credentials_get_401_and_the_client_keeps_the_message(gateway: GatewaySim) -> None:
    answer = requests.post(f"{gateway.url}/message", json={}, auth=("sms", "wrong"), timeout=5)
    assert answer.status_code == 401
    assert answer.json() == {"message": "Unauthorized"}

    channel = GatewayChannel(gateway.url, "sms", "wrong", gateway.number, timeout=5)
    try:
        with pytest.raises(ChannelError) as caught:
            channel.send(to=NEIGHBOUR, from_=gateway.number, body="Hi", status_callback=None)
    finally:
        channel.session.close()
    assert caught.value.unreachable
    assert not caught.value.permanent
    assert gateway.messages == []


def test_health_needs_no_credentials(gateway: GatewaySim) -> None:
    answer = requests.get(f"{gateway.url}/health", timeout=5)

    assert (answer.status_code, answer.json()) == (200, {"status": "pass"})


def test_unknown_message_is_404(gateway: GatewaySim) -> None:
    answer = requests.get(f"{gateway.url}/message/nope", auth=auth(gateway), timeout=5)

    assert answer.status_code == 404


def test_webhooks_register_list_and_delete(gateway: GatewaySim, receiver: Any) -> None:
    url = f"{gateway.url}/webhooks"
    preset = {
        (w["url"], w["event"]) for w in requests.get(url, auth=auth(gateway), timeout=5).json()
    }
    assert preset == {
        (receiver.url, "sms:received"),
        (receiver.url, "sms:delivered"),
        (receiver.url, "sms:failed"),
    }

    added = requests.post(
        url,
        json={"url": "https://hotline.example/gateway/sms", "event": "sms:sent"},
        auth=auth(gateway),
        timeout=5,
    )
    assert added.status_code == 201
    webhook = added.json()
    assert webhook == {
        "id": webhook["id"],
        "url": "https://hotline.example/gateway/sms",
        "event": "sms:sent",
    }
    assert webhook in requests.get(url, auth=auth(gateway), timeout=5).json()

    deleted = requests.delete(f"{url}/{webhook['id']}", auth=auth(gateway), timeout=5)
    assert deleted.status_code == 204
    assert webhook not in requests.get(url, auth=auth(gateway), timeout=5).json()


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://hotline.example/gateway/sms", "event": "sms:typo"},
        {"url": "ftp://hotline.example", "event": "sms:received"},
        # Like the app, plain http only to the phone itself, not to the LAN.
        {"url": "http://192.168.1.20:5000/gateway/sms", "event": "sms:received"},
        {"event": "sms:received"},
    ],
)
def test_bad_webhooks_are_refused(gateway: GatewaySim, body: dict[str, str]) -> None:
    before = gateway.registered_webhooks
    answer = requests.post(f"{gateway.url}/webhooks", json=body, auth=auth(gateway), timeout=5)

    assert answer.status_code == 400
    assert gateway.registered_webhooks == before


def test_webhooks_need_credentials(gateway: GatewaySim) -> None:
    answer = requests.get(f"{gateway.url}/webhooks", timeout=5)

    assert answer.status_code == 401


def test_messages_to_lists_only_that_number(gateway: GatewaySim, send: Callable[..., str]) -> None:
    first = send(to=NEIGHBOUR, body="one")
    send(to=VOLUNTEER, body="two")
    gateway.wait_for_webhooks()

    assert [m.id for m in gateway.messages_to(NEIGHBOUR)] == [first]
    assert len(gateway.messages) == 2
