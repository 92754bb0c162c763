"""With the phone simulator attached, texts the gateway delivers show on the phones page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from hotline.channels.gateway import GatewayChannel
from hotline.simulators.gateway_sim import GatewaySim
from hotline.simulators.twilio_sim.server import SimServer

NEIGHBOUR = "+12025550101"
LANDLINE = "+12025550199"
GATEWAY_NUMBER = "+12025550177"


@pytest.fixture
def phones() -> Iterator[SimServer]:
    with SimServer("AC" + "4" * 32, "token", hotline_number="+12025550100") as sim:
        yield sim


def test_gateway_texts_appear_on_the_phone_page(phones: SimServer, receiver: Any) -> None:
    with GatewaySim(
        "sms",
        "pw",
        "gateway-test-signing-key",
        GATEWAY_NUMBER,
        phones=phones,
        webhook_url=receiver.url,
    ) as gateway:
        gateway.set_undeliverable(LANDLINE)
        channel = GatewayChannel(gateway.url, "sms", "pw", GATEWAY_NUMBER, timeout=5)
        try:
            channel.send(
                to=NEIGHBOUR, from_=GATEWAY_NUMBER, body="Via the gateway", status_callback=None
            )
            channel.send(
                to=LANDLINE, from_=GATEWAY_NUMBER, body="Never arrives", status_callback=None
            )
        finally:
            channel.session.close()
        gateway.wait_for_webhooks()

    [shown] = phones.messages_to(NEIGHBOUR)
    assert (shown.from_number, shown.body, shown.status) == (
        GATEWAY_NUMBER,
        "Via the gateway",
        "delivered",
    )
    assert phones.messages_to(LANDLINE) == []
    conversation = requests.get(
        f"{phones.url}/_sim/conversation.json", params={"phone": NEIGHBOUR}, timeout=5
    ).json()
    assert [(m["other_number"], m["body"], m["sent"]) for m in conversation["messages"]] == [
        (GATEWAY_NUMBER, "Via the gateway", False)
    ]
    assert "Via the gateway" in requests.get(f"{phones.url}/", timeout=5).text
