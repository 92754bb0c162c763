"""Exactly one claim wins: 20 volunteers answer YES to the same request at the same moment."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from people import NEIGHBOUR, code_in, expected
from sqlalchemy import func, select
from story import ACCOUNT_SID, AUTH_TOKEN, HOTLINE_NUMBER, Story

from hotline.intake.inbound import handle_inbound
from hotline.models import (
    Group,
    HelpRequest,
    InboundMessage,
    Offer,
    OfferStatus,
    OutboundMessage,
    RequestStatus,
)
from hotline.people import add_volunteer
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer

RACERS = [f"+1617555{n:04d}" for n in range(200, 220)]


@pytest.fixture
def offered(story: Story, hotline: Hotline, group: Group) -> str:
    with hotline.sessions.begin() as session:
        g = session.get_one(Group, group.id)
        g.settings = {**g.settings, "wave_size": len(RACERS)}
        for n, number in enumerate(RACERS):
            add_volunteer(session, g, number, name=f"Racer {n}", zones=["02145"], on_call=True)
    story.text(NEIGHBOUR, "need water at 12 Elm St 02145")
    code = code_in(story.inbox(NEIGHBOUR)[0])
    assert all(code in story.last(phone) for phone in RACERS)
    return code


def yes_from_everyone(sim: SimServer, code: str) -> None:
    """Fire the 20 signed webhooks at once, from 20 threads."""
    start = threading.Barrier(len(RACERS))

    def send(phone: str) -> int | None:
        start.wait()
        return sim.text_hotline(phone, HOTLINE_NUMBER, f"YES {code}").status_code

    with ThreadPoolExecutor(len(RACERS)) as pool:
        assert list(pool.map(send, RACERS)) == [200] * len(RACERS)


def assert_one_winner(story: Story, h: Hotline, code: str) -> None:
    with h.sessions() as session:
        request = session.scalars(select(HelpRequest).where(HelpRequest.code == code)).one()
        assert request.status == RequestStatus.CLAIMED
        claimed = session.scalars(select(Offer).where(Offer.status == OfferStatus.CLAIMED)).all()
        assert len(claimed) == 1 and claimed[0].volunteer_id == request.claimed_by_id
        assert session.scalar(select(func.count()).where(Offer.status == OfferStatus.OFFERED)) == 0
        assert (
            session.scalar(select(func.count()).where(OutboundMessage.template == "claim_details"))
            == 1
        )
        assert (
            session.scalar(
                select(func.count()).where(OutboundMessage.template == "neighbour_claimed")
            )
            == 1
        )
    winners = [p for p in RACERS if "12 Elm St" in story.last(p)]
    losers = [p for p in RACERS if story.last(p) == expected(h, "claim_taken", "en", code=code)]
    assert len(winners) == 1
    assert len(losers) == len(RACERS) - 1
    assert sum(1 for m in story.inbox(NEIGHBOUR) if "on the way" in m) == 1


def test_twenty_yes_handled_by_twenty_threads_at_once(
    story: Story, hotline: Hotline, sim: SimServer, offered: str
) -> None:
    yes_from_everyone(sim, offered)
    hotline.queues.queue("hotline-inbound").empty()  # the threads below do the worker's job
    with hotline.sessions() as session:
        ids = session.scalars(
            select(InboundMessage.id).where(InboundMessage.body.like("YES%"))
        ).all()
    assert len(ids) == len(RACERS)
    start = threading.Barrier(len(ids))

    def handle(inbound_id: int) -> None:
        start.wait()
        handle_inbound(hotline, inbound_id)

    with ThreadPoolExecutor(len(ids)) as pool:
        list(pool.map(handle, ids))
    story.settle()
    assert_one_winner(story, hotline, offered)


def test_twenty_yes_handled_by_four_worker_processes(
    story: Story, hotline: Hotline, sim: SimServer, offered: str
) -> None:
    yes_from_everyone(sim, offered)
    settings = hotline.settings
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_URL": sim.url,
        "HOTLINE_PUBLIC_URL": settings.public_url or "",
        "SECRET_KEY": "test",
        "HOTLINE_LOG_LEVEL": "WARNING",
    }
    workers = [
        subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "--burst"], env=env)
        for _ in range(4)
    ]
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0, 0]
    story.settle()
    assert_one_winner(story, hotline, offered)
