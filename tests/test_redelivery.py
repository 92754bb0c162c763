"""A text the gateway app delivers again is answered like the first and stored once.

Copies come under the app's message id with a new event id, or with no id at all; then the
same sender and words within ten minutes (or the same phone receive time) are one text.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inbound_posts import GATEWAY_KEY
from people import NEIGHBOUR, ROSA, add_cast, code_in
from redis import Redis
from sqlalchemy import select
from story import Story

from hotline.channels.gateway.redelivery import Redelivery
from hotline.models import Group, InboundMessage
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline
from hotline.simulators.gateway_sim.server import GatewaySim
from hotline.simulators.twilio_sim.server import SimServer

COPIES = 250


@pytest.fixture
def gateway_hotline(hotline: Hotline, group: Group) -> Hotline:
    add_cast(hotline, group)
    hotline.settings = hotline.settings.with_overrides(gateway_signing_key=GATEWAY_KEY)
    return hotline


def post_event(h: Hotline, envelope: Any) -> requests.Response:
    """Post any JSON (or raw bytes) to the gateway webhook, signed as the app signs it."""
    raw = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
    now = str(int(h.clock.now().timestamp()))
    signature = hmac.new(GATEWAY_KEY.encode(), raw + now.encode(), hashlib.sha256).hexdigest()
    headers = {"X-Signature": signature, "X-Timestamp": now, "Content-Type": "application/json"}
    return requests.post(
        f"{h.settings.public_url}/gateway/sms", data=raw, headers=headers, timeout=60
    )


def received(copy: int, payload: dict[str, Any], *, event_id: bool = True) -> dict[str, Any]:
    envelope: dict[str, Any] = {"event": "sms:received", "payload": payload}
    if event_id:
        envelope["id"] = f"event-{copy}"  # each re-delivery is a new event
    return envelope


def rows(h: Hotline) -> list[InboundMessage]:
    with h.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


TEXT = {"phoneNumber": NEIGHBOUR, "message": "need water, 12 Elm St 02145"}


@pytest.mark.parametrize(
    ("payload", "event_id"),
    [
        pytest.param({**TEXT, "messageId": "msg-1"}, True, id="same-message-id"),
        pytest.param(TEXT, False, id="no-id"),
        pytest.param(
            {**TEXT, "receivedAt": "2026-03-01T08:00:05.000-04:00"}, False, id="no-id-received-at"
        ),
    ],
)
def test_one_text_delivered_250_times_at_once_is_one_row_and_one_reply(
    story: Story, gateway_hotline: Hotline, payload: dict[str, Any], event_id: bool
) -> None:
    h = gateway_hotline
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(
            pool.map(
                lambda copy: post_event(h, received(copy, payload, event_id=event_id)),
                range(COPIES),
            )
        )
    assert {a.status_code for a in answers} == {204}
    [row] = rows(h)
    assert (row.from_number, row.body) == (NEIGHBOUR, TEXT["message"])
    story.settle()
    [reply] = story.inbox(NEIGHBOUR)
    assert code_in(reply)


def test_without_an_id_the_same_words_after_the_window_are_a_new_text(
    story: Story, gateway_hotline: Hotline, clock: SettableClock
) -> None:
    h = gateway_hotline
    post_event(h, received(1, TEXT, event_id=False))
    clock.advance(timedelta(minutes=9))
    post_event(h, received(2, TEXT, event_id=False))  # a late copy
    post_event(h, received(3, {**TEXT, "message": "and a blanket"}, event_id=False))
    post_event(h, received(4, {**TEXT, "phoneNumber": ROSA}, event_id=False))
    assert [(r.from_number, r.body) for r in rows(h)] == [
        (NEIGHBOUR, TEXT["message"]),
        (NEIGHBOUR, "and a blanket"),
        (ROSA, TEXT["message"]),
    ]
    clock.advance(timedelta(minutes=2))  # eleven minutes after the first
    post_event(h, received(5, TEXT, event_id=False))
    assert len(rows(h)) == 4


def test_the_phones_receive_time_tells_two_texts_with_the_same_words_apart(
    gateway_hotline: Hotline,
) -> None:
    h = gateway_hotline
    for received_at in ("2026-03-01T08:00:05.000-04:00", "2026-03-01T08:01:10.000-04:00"):
        for copy in range(3):
            post_event(h, received(copy, {**TEXT, "receivedAt": received_at}, event_id=False))
    assert [r.body for r in rows(h)] == [TEXT["message"]] * 2


def test_no_redis_key_and_no_stored_id_holds_the_senders_number(
    gateway_hotline: Hotline,
) -> None:
    h = gateway_hotline
    post_event(h, received(1, TEXT, event_id=False))
    post_event(h, received(2, {**TEXT, "receivedAt": "2026-03-01T08:00:05Z"}, event_id=False))
    digits = NEIGHBOUR.lstrip("+")
    keys = [key.decode() for key in h.redis.scan_iter(count=1000)]
    assert any(key.startswith("hotline:gateway:seen:") for key in keys)
    assert not [key for key in keys if digits[-7:] in key]
    assert [digits[-7:] in r.provider_sid for r in rows(h)] == [False, False]


def test_the_gateway_phone_re_delivering_a_text_as_new_events_makes_one_reply(
    story: Story, hotline: Hotline, sim: SimServer, group: Group
) -> None:
    url = f"{hotline.settings.public_url}/gateway/sms"
    with GatewaySim("hotline", "pw", GATEWAY_KEY, "+16175550177", webhook_url=url) as phone:
        add_cast(hotline, group)
        hotline.settings = hotline.settings.with_overrides(gateway_signing_key=GATEWAY_KEY)
        first = phone.receive_sms(NEIGHBOUR, "need water at 12 Elm St 02145", copies=5)
        events = [d for d in phone.deliveries if d.event == "sms:received"]
    assert len({d.event_id for d in events}) == 5 and {d.http_status for d in events} == {204}
    assert first == events[0].event_id
    [row] = rows(hotline)
    assert row.provider == "gateway"
    story.settle()
    [reply] = story.inbox(NEIGHBOUR)
    assert code_in(reply)


# --- any payload ----------------------------------------------------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
maybe = st.one_of(st.text(), json_values)
text_payloads = st.fixed_dictionaries(
    {},
    optional={
        "phoneNumber": st.one_of(st.sampled_from([NEIGHBOUR, "(617) 555-0112"]), maybe),
        "message": maybe,
        "messageId": maybe,
        "receivedAt": maybe,
        "simNumber": maybe,
    },
)
envelopes = st.one_of(
    st.fixed_dictionaries(
        {"event": st.just("sms:received"), "payload": text_payloads},
        optional={"id": maybe, "deviceId": maybe},
    ),
    st.fixed_dictionaries({"event": maybe, "payload": json_values}, optional={"id": maybe}),
    json_values,
    st.binary(max_size=40),
)


def a_text(envelope: Any) -> bool:
    """Whether the app would call this a received text: a sender, and words."""
    if not isinstance(envelope, dict) or envelope.get("event") != "sms:received":
        return False
    payload = envelope["payload"]
    return (
        isinstance(payload.get("phoneNumber"), str)
        and bool(payload["phoneNumber"])
        and isinstance(payload.get("message"), str)
    )


def test_any_payload_is_answered_without_a_500_and_every_text_is_kept(
    gateway_hotline: Hotline,
) -> None:
    h = gateway_hotline
    unique = itertools.count()

    @FUZZ
    @given(envelope=envelopes)
    def deliver(envelope: Any) -> None:
        text = a_text(envelope)
        if text:
            # Each example a different text: what is kept must grow by exactly one row.
            n = next(unique)
            envelope["payload"]["message"] += f" #{n}"
            if envelope.get("id"):
                envelope["id"] = f"{envelope['id']!r}-{n}"
            if envelope["payload"].get("messageId"):
                envelope["payload"]["messageId"] = f"{envelope['payload']['messageId']!r}-{n}"
        before = len(rows(h))
        answer = post_event(h, envelope)
        assert answer.status_code in (204, 400), answer.text
        if text:
            assert answer.status_code == 204
            after = rows(h)
            assert len(after) == before + 1
            assert after[-1].body.endswith(f" #{n}")

    deliver()


def test_with_redis_unreachable_copies_still_share_a_name_within_a_fixed_window() -> None:
    unreachable = Redis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=1)
    copies = Redelivery(unreachable, "secret")
    at = datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)
    first = copies.name(NEIGHBOUR, "need water", None, at)
    assert copies.name(NEIGHBOUR, "need water", None, at + timedelta(minutes=5)) == first
    assert copies.name(NEIGHBOUR, "need milk", None, at) != first
    assert copies.name(NEIGHBOUR, "need water", None, at + timedelta(minutes=10)) != first
    assert NEIGHBOUR[2:] not in first
