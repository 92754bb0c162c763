"""Failed texts on the dashboard: shown to dispatchers, and tried again by one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from dashboard.pages import Web
from poison import poisoned
from sqlalchemy import Engine, select
from story import HOTLINE_NUMBER, Story

from hotline.failures import BACKOFF
from hotline.models import InboundMessage
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline
from hotline.sweeper import sweep

SENDER = "+16175550166"


@pytest.fixture
def set_aside(
    story: Story, hotline: Hotline, clock: SettableClock, engine: Engine
) -> Iterator[int]:
    """One text whose handling failed every time, while the database refused it."""
    with poisoned(engine, SENDER):
        assert story.sim.text_hotline(SENDER, HOTLINE_NUMBER, "need water at 5 Oak St").ok
        story.settle()
        for wait in BACKOFF:
            clock.advance(wait)
            sweep(hotline)
            story.settle()
        with hotline.sessions() as session:
            row = session.scalars(select(InboundMessage)).one()
    assert row.failed_at is not None
    yield row.id


def test_dispatchers_see_failed_texts_and_can_retry_one(
    story: Story, hotline: Hotline, clock: SettableClock, signed_in: Web, set_aside: int
) -> None:
    queue = signed_in.get("/dashboard/").text
    assert "1 text could not be handled" in queue
    page = signed_in.get("/dashboard/failed").text
    assert "need water at 5 Oak St" in page and "poisoned text refused" in page
    assert story.inbox(SENDER) == []

    # The cause is gone (the poisoning fixture has ended): a dispatcher tries it again.
    answer = signed_in.post(f"/dashboard/failed/{set_aside}/retry")
    assert answer.status_code == 302
    story.settle()
    assert "#" in story.inbox(SENDER)[0]  # the neighbour's acknowledgement, with a code
    assert "need water at 5 Oak St" not in signed_in.get("/dashboard/failed").text
    assert "could not be handled" not in signed_in.get("/dashboard/").text
    clock.advance(timedelta(minutes=1))
    assert sweep(hotline).inbound == 0
