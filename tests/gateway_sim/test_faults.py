"""Outages and failures: connections refused, 500s, numbers that cannot be reached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from hotline.channels import ChannelError
from hotline.channels.gateway import GatewayChannel
from hotline.simulators.gateway_sim import GatewaySim

NEIGHBOUR = "+12025550101"
LANDLINE = "+12025550199"


def test_offline_refuses_connections_and_online_listens_on_the_same_port(
    gateway: GatewaySim, channel: GatewayChannel, send: Callable[..., str]
) -> None:
    port = gateway.port

    gateway.go_offline()

    with pytest.raises(ChannelError) as caught:
        send(body="during the outage")
    assert caught.value.unreachable
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/health", timeout=5)

    gateway.go_online()

    assert gateway.port == port
    send(body="after the outage")
    gateway.wait_for_webhooks()
    assert [m.body for m in gateway.messages] == ["after the outage"]


def test_fail_sends_answers_500_that_many_times(
    gateway: GatewaySim, send: Callable[..., str]
) -> None:
    gateway.fail_sends(2)

    for _ in range(2):
        with pytest.raises(ChannelError) as caught:
            send()
        assert caught.value.unreachable
    send(body="third time")
    gateway.wait_for_webhooks()

    assert [m.body for m in gateway.messages] == ["third time"]


def test_undeliverable_number_ends_failed_with_an_event(
    gateway: GatewaySim, receiver: Any, send: Callable[..., str]
) -> None:
    gateway.set_undeliverable(LANDLINE)

    message_id = send(to=LANDLINE, body="Are you safe?")
    gateway.wait_for_webhooks()

    message = gateway.get_message(message_id)
    assert message is not None
    assert message.state == "Failed"
    assert receiver.events("sms:delivered") == []
    [failed] = receiver.events("sms:failed")
    assert failed.signature_valid
    payload = failed.json["payload"]
    assert set(payload) == {"messageId", "phoneNumber", "simNumber", "failedAt", "reason"}
    assert (payload["messageId"], payload["phoneNumber"]) == (message_id, LANDLINE)
    assert payload["reason"]


def test_offline_over_http_lasts_the_seconds_asked_for(gateway: GatewaySim) -> None:
    refused = requests.post(f"{gateway.url}/_sim/offline", json={}, timeout=5)
    assert refused.status_code == 400

    answer = requests.post(f"{gateway.url}/_sim/offline", data={"seconds": "0.3"}, timeout=5)

    assert answer.json() == {"ok": True, "seconds": 0.3}
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{gateway.url}/health", timeout=5)
    # The sim's own timer brings it back, as nothing outside can reach it to do so.
    assert not gateway.online
    gateway.wait_online(timeout=10)
    assert requests.get(f"{gateway.url}/health", timeout=5).status_code == 200


def test_sim_messages_lists_what_was_sent(gateway: GatewaySim, send: Callable[..., str]) -> None:
    message_id = send(to=NEIGHBOUR, body="Shelter open")
    gateway.wait_for_webhooks()

    [listed] = requests.get(f"{gateway.url}/_sim/messages", timeout=5).json()

    assert listed["id"] == message_id
    assert (listed["to_number"], listed["body"], listed["state"]) == (
        NEIGHBOUR,
        "Shelter open",
        "Delivered",
    )


def test_reset_forgets_messages_and_comes_back_online(
    gateway: GatewaySim, send: Callable[..., str]
) -> None:
    send()
    gateway.wait_for_webhooks()
    gateway.go_offline()

    gateway.reset()

    assert gateway.messages == []
    assert requests.get(f"{gateway.url}/health", timeout=5).status_code == 200
