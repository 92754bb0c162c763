"""Texts whose handling fails: bounded retries, set aside and shown, never blocking the rest."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from people import ANA, BEN, DEE, NEIGHBOUR, ROSA, add_cast, code_in, request_row
from poison import poisoned
from rq import Queue, SimpleWorker
from sqlalchemy import Engine, select
from story import HOTLINE_NUMBER, Story

from hotline import sweeper
from hotline.failures import BACKOFF
from hotline.inbox import record_inbound
from hotline.models import Group, InboundMessage, RequestStatus
from hotline.runtime.clock import SettableClock
from hotline.runtime.queues import ALL_QUEUES, INBOUND, INBOUND_RETRY
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer
from hotline.sweeper import GRACE, sweep

FLOODER = "+16175550166"


@pytest.fixture
def people(hotline: Hotline, group: Group) -> None:
    add_cast(hotline, group)


@pytest.fixture
def flooder_poisoned(engine: Engine) -> Iterator[None]:
    with poisoned(engine, FLOODER):
        yield


def rows_from(h: Hotline, number: str) -> list[InboundMessage]:
    with h.sessions() as session:
        return list(
            session.scalars(
                select(InboundMessage)
                .where(InboundMessage.from_number == number)
                .order_by(InboundMessage.id)
            )
        )


def test_a_non_volunteer_texting_yes_twice_is_handled_on_every_database(
    story: Story, hotline: Hotline, people: None
) -> None:
    # Issue 13: the second YES within a minute overflowed the outcome column on PostgreSQL.
    story.text(NEIGHBOUR, "YES")
    story.text(NEIGHBOUR, "YES")
    first, second = rows_from(hotline, NEIGHBOUR)
    assert first.processed_at is not None and second.processed_at is not None
    assert second.outcome is not None and second.outcome.endswith("menu_limited")
    assert len(story.inbox(NEIGHBOUR)) == 1  # one menu, the second held back


def test_a_failing_text_is_retried_with_backoff_then_set_aside_and_one_alert_sent(
    story: Story, hotline: Hotline, clock: SettableClock, people: None, flooder_poisoned: None
) -> None:
    for body in ("need water at 5 Oak St", "also food"):
        assert story.sim.text_hotline(FLOODER, HOTLINE_NUMBER, body).status_code == 200
    story.settle()
    assert [m.attempts for m in rows_from(hotline, FLOODER)] == [1, 1]

    # Not retried before its wait is over, then once per wait, growing.
    clock.advance(BACKOFF[0] - timedelta(seconds=1))
    assert sweep(hotline).inbound == 0
    for wait in BACKOFF:
        clock.advance(wait)
        assert sweep(hotline).inbound == 2
        story.settle()
    rows = rows_from(hotline, FLOODER)
    assert [m.attempts for m in rows] == [4, 4]
    assert all(m.failed_at is not None and m.processed_at is None for m in rows)
    assert all("poisoned text refused" in (m.failure or "") for m in rows), rows[0].failure
    assert story.inbox(FLOODER) == []

    # Set aside: never tried again by the sweeper, and the dispatcher was told once.
    clock.advance(timedelta(hours=2))
    assert sweep(hotline).inbound == 0
    alerts = story.inbox(DEE)
    assert len(alerts) == 1 and "could not be handled" in alerts[0]


def test_a_flood_of_failing_texts_does_not_hold_up_a_neighbour(
    story: Story,
    hotline: Hotline,
    clock: SettableClock,
    sim: SimServer,
    people: None,
    flooder_poisoned: None,
) -> None:
    def flood(i: int) -> int:
        return int(sim.text_hotline(FLOODER, HOTLINE_NUMBER, f"help {i}").status_code or 0)

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(flood, range(1000))) == {200}
    # The neighbour texts last: behind a thousand texts whose handling raises.
    assert sim.text_hotline(NEIGHBOUR, HOTLINE_NUMBER, "need water at 12 Elm St 02145").ok
    story.settle()

    code = code_in(story.inbox(NEIGHBOUR)[0])
    assert request_row(hotline, code).status == RequestStatus.OFFERING
    assert f"YES {code}" in story.last(BEN) and f"SI {code}" in story.last(ANA)
    flood_rows = rows_from(hotline, FLOODER)
    assert len(flood_rows) == 1000
    assert {(m.processed_at, m.attempts) for m in flood_rows} == {(None, 1)}
    assert story.inbox(FLOODER) == []

    # Their retries wait behind everything else: Rosa's need is served before them.
    clock.advance(BACKOFF[0])
    assert sweep(hotline).inbound == 1000
    assert sim.text_hotline(ROSA, HOTLINE_NUMBER, "need food at 20 Oak St 02145").ok
    SimpleWorker(list(ALL_QUEUES), connection=hotline.redis).work(
        burst=True, max_jobs=10, logging_level="WARNING"
    )
    sim.wait_for_callbacks(10)
    assert code_in(story.inbox(ROSA)[0])
    assert Queue(INBOUND_RETRY, connection=hotline.redis).count >= 990


def test_the_sweeper_finds_a_lost_text_behind_a_full_batch_of_queued_ones_and_adds_no_copies(
    story: Story,
    hotline: Hotline,
    clock: SettableClock,
    people: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A batch of 50 stands for the sweeper's 1,000, to keep the test quick.
    monkeypatch.setattr(sweeper, "INBOUND_BATCH", 50)
    for i in range(50):
        record_inbound(
            hotline,
            provider="twilio",
            provider_sid=f"SMflood{i}",
            from_number=FLOODER,
            to_number=HOTLINE_NUMBER,
            body=f"help {i}",
        )
    # Its job was lost (e.g. Redis flushed between commit and enqueue).
    record_inbound(
        hotline,
        provider="twilio",
        provider_sid="SMlost",
        from_number=NEIGHBOUR,
        to_number=HOTLINE_NUMBER,
        body="need water at 12 Elm St 02145",
        enqueue=False,
    )
    queue = Queue(INBOUND, connection=hotline.redis)
    assert queue.count == 50
    clock.advance(GRACE)
    assert sweep(hotline).inbound + sweep(hotline).inbound == 1
    assert sweep(hotline).inbound + sweep(hotline).inbound == 0  # already queued: no copies
    assert queue.count == 51
    story.settle()
    [lost] = rows_from(hotline, NEIGHBOUR)
    assert lost.processed_at is not None and lost.outcome == "new_request"
