"""Failover to the local SMS gateway when Twilio cannot be reached, and texts it receives."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from people import BEN, NEIGHBOUR, add_cast, code_in
from sqlalchemy import select
from story import ACCOUNT_SID, AUTH_TOKEN, Story, run_jobs

from hotline.channels.gateway import GatewayChannel
from hotline.channels.twilio import TwilioChannel, twilio_client
from hotline.models import Group, InboundMessage, OutboundMessage, OutboundStatus
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline
from hotline.simulators.gateway_sim.server import GatewaySim
from hotline.simulators.twilio_sim.server import SimServer
from hotline.sweeper import sweep

GATEWAY_NUMBER = "+16175550177"
KEY = "gateway-signing-key"


@pytest.fixture
def gateway(hotline: Hotline, sim: SimServer, group: Group) -> Iterator[GatewaySim]:
    url = f"{hotline.settings.public_url}/gateway/sms"
    with GatewaySim("hotline", "gw-pass", KEY, GATEWAY_NUMBER, webhook_url=url, phones=sim) as gw:
        hotline.settings = hotline.settings.with_overrides(
            gateway_url=gw.url,
            gateway_username="hotline",
            gateway_password="gw-pass",
            gateway_signing_key=KEY,
            gateway_number=GATEWAY_NUMBER,
        )
        hotline.channels = (
            hotline.channels[0],
            GatewayChannel(gw.url, "hotline", "gw-pass", GATEWAY_NUMBER, timeout=30),
        )
        add_cast(hotline, group)
        yield gw


def tick(h: Hotline, seconds: float = 1.0) -> None:
    assert isinstance(h.clock, SettableClock)
    h.clock.advance(timedelta(seconds=seconds))
    sweep(h)
    run_jobs(h)


def test_when_twilio_is_down_sms_go_out_through_the_gateway(
    story: Story, hotline: Hotline, sim: SimServer, gateway: GatewaySim
) -> None:
    sim.set_fault("error_503")
    story.text(NEIGHBOUR, "need water at 12 Elm St 02145")
    gateway.wait_for_webhooks()
    [ack] = [m.body for m in gateway.messages_to(NEIGHBOUR)]
    code = code_in(ack)
    assert code in gateway.messages_to(BEN)[-1].body
    with hotline.sessions() as session:
        rows = session.scalars(select(OutboundMessage)).all()
    assert {r.channel for r in rows} == {"gateway"} and {r.from_number for r in rows} == {
        GATEWAY_NUMBER
    }
    assert all(r.status in (OutboundStatus.SENT, OutboundStatus.DELIVERED) for r in rows)
    # The phone simulator shows the gateway's messages on the phones too.
    assert any(m.from_number == GATEWAY_NUMBER for m in sim.messages_to(NEIGHBOUR))
    # After three 5xx the breaker routes around Twilio without trying it.
    assert hotline.breaker("twilio").state(hotline.clock.now()) == "open"


def test_both_channels_down_then_the_gateway_returns(
    story: Story, hotline: Hotline, sim: SimServer, gateway: GatewaySim
) -> None:
    sim.set_fault("refuse")
    gateway.go_offline()
    story.text(NEIGHBOUR, "need water at 12 Elm St 02145")
    with hotline.sessions() as session:
        waiting = session.scalars(select(OutboundMessage.status)).all()
    assert waiting and set(waiting) == {OutboundStatus.QUEUED}  # waiting, not lost
    gateway.go_online()
    gateway.wait_online()
    for _ in range(4):
        tick(hotline, 30)  # cool-downs pass, probes go, the backlog drains
    gateway.wait_for_webhooks()
    with hotline.sessions() as session:
        statuses = set(session.scalars(select(OutboundMessage.status)).all())
    assert statuses <= {OutboundStatus.SENT, OutboundStatus.DELIVERED}
    assert gateway.messages_to(NEIGHBOUR) and gateway.messages_to(BEN)


def test_a_text_to_the_gateway_phone_becomes_a_request(
    story: Story, hotline: Hotline, sim: SimServer, gateway: GatewaySim
) -> None:
    gateway.receive_sms(NEIGHBOUR, "need water at 12 Elm St 02145")
    story.settle()
    with hotline.sessions() as session:
        inbound = session.scalars(select(InboundMessage)).one()
    assert inbound.provider == "gateway" and inbound.from_number == NEIGHBOUR
    assert code_in(story.inbox(NEIGHBOUR)[0])  # answered (through Twilio, which is up)


def test_gateway_webhooks_must_be_signed(hotline: Hotline, gateway: GatewaySim) -> None:
    body = json.dumps(
        {
            "event": "sms:received",
            "id": "ev1",
            "payload": {"phoneNumber": NEIGHBOUR, "message": "hi"},
        }
    ).encode()
    url = f"{hotline.settings.public_url}/gateway/sms"
    now = str(int(hotline.clock.now().timestamp()))
    forged = hmac.new(b"wrong", body + now.encode(), hashlib.sha256).hexdigest()
    good = hmac.new(KEY.encode(), body + now.encode(), hashlib.sha256).hexdigest()
    stale = str(int(hotline.clock.now().timestamp()) - 3600)
    old = hmac.new(KEY.encode(), body + stale.encode(), hashlib.sha256).hexdigest()
    for signature, timestamp in ((forged, now), ("", now), (old, stale)):
        answer = requests.post(
            url, data=body, timeout=5, headers={"X-Signature": signature, "X-Timestamp": timestamp}
        )
        assert answer.status_code == 403
    with hotline.sessions() as session:
        assert session.scalars(select(InboundMessage)).all() == []
    answer = requests.post(
        url, data=body, timeout=5, headers={"X-Signature": good, "X-Timestamp": now}
    )
    assert answer.status_code == 204


def test_a_hanging_twilio_times_out_and_the_gateway_sends(
    story: Story, hotline: Hotline, sim: SimServer, gateway: GatewaySim
) -> None:
    impatient = TwilioChannel(twilio_client(ACCOUNT_SID, AUTH_TOKEN, sim.url, timeout=0.5))
    hotline.channels = (impatient, hotline.channels[1])
    sim.slow_seconds = 3
    sim.set_fault("slow")
    story.text(NEIGHBOUR, "need water at 12 Elm St 02145")
    gateway.wait_for_webhooks()
    assert code_in(gateway.messages_to(NEIGHBOUR)[0].body)
    with hotline.sessions() as session:
        ack = session.scalars(
            select(OutboundMessage).where(OutboundMessage.template == "ack")
        ).one()
    assert ack.channel == "gateway" and "twilio: Twilio could not be reached" in (
        ack.error_message or ""
    )


@pytest.mark.parametrize(
    "envelope",
    [
        {"event": ["sms:delivered"], "payload": {"messageId": "gw-1"}},
        {"event": "sms:delivered", "payload": {"messageId": "unknown-to-us"}},
        {"event": "sms:data-received", "id": "ev2", "payload": {}},
        ["sms:received"],
    ],
)
def test_a_signed_event_of_another_shape_is_answered_and_keeps_nothing(
    hotline: Hotline, gateway: GatewaySim, envelope: object
) -> None:
    body = json.dumps(envelope).encode()
    now = str(int(hotline.clock.now().timestamp()))
    signature = hmac.new(KEY.encode(), body + now.encode(), hashlib.sha256).hexdigest()
    answer = requests.post(
        f"{hotline.settings.public_url}/gateway/sms",
        data=body,
        timeout=5,
        headers={"X-Signature": signature, "X-Timestamp": now},
    )
    assert answer.status_code == 204
    with hotline.sessions() as session:
        assert session.scalars(select(InboundMessage)).all() == []
        assert session.scalars(select(OutboundMessage)).all() == []
