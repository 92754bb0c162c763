"""The whole conversation by SMS: need, acknowledgement, location, offers, race, claim, done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from people import ANA, BEN, CARLA, DAN, DEE, NEIGHBOUR, add_cast, code_in, expected, request_row
from sqlalchemy import select
from story import Story, run_due_timers

from hotline.models import (
    Group,
    Offer,
    OfferStatus,
    OutboundMessage,
    RequestEvent,
    RequestStatus,
)
from hotline.runtime.services import Hotline


@pytest.fixture
def people(hotline: Hotline, group: Group) -> None:
    add_cast(hotline, group)


def test_a_need_is_claimed_and_finished(story: Story, hotline: Hotline, people: None) -> None:
    # 1. A need without a location: acknowledgement with a code, then one question.
    story.text(NEIGHBOUR, "we need water for 4 people")
    ack, question = story.inbox(NEIGHBOUR)
    code = code_in(ack)
    assert "STATUS" in ack and f"CANCEL {code}" in ack
    assert code in question
    assert request_row(hotline, code).status == RequestStatus.NEEDS_INFO
    assert story.inbox(ANA) == [] and story.inbox(BEN) == []

    # 2. The answer is attached to the same request, and offers go to the right volunteers.
    story.text(NEIGHBOUR, "12 Elm St, 02145")
    assert f"#{code}" in story.last(NEIGHBOUR)
    row = request_row(hotline, code)
    assert row.status == RequestStatus.OFFERING
    assert row.zone == "02145"
    offer_ana, offer_ben = story.last(ANA), story.last(BEN)
    assert f"YES {code}" in offer_ben
    assert f"SI {code}" in offer_ana  # Ana reads Spanish
    for offer in (offer_ana, offer_ben):
        assert "Elm" in offer
        assert "12 Elm" not in offer and "555" not in offer
    assert story.inbox(CARLA) == [] and story.inbox(DAN) == []

    # 3. Ben and Ana race; Ben is first.
    story.text(BEN, "yes")
    story.text(ANA, f"Si {code}")
    ben_details = story.last(BEN)
    assert "12 Elm St" in ben_details and "(617) 555-0111" in ben_details
    assert story.last(ANA) == expected(hotline, "claim_taken", "es", code=code)
    assert "12 Elm" not in " ".join(story.inbox(ANA))
    assert "Ben" in story.last(NEIGHBOUR)
    row = request_row(hotline, code)
    assert row.status == RequestStatus.CLAIMED

    # 4. Done: the neighbour gets a closing text.
    story.text(BEN, f"DONE {code}")
    assert code in story.last(NEIGHBOUR)
    assert request_row(hotline, code).status == RequestStatus.DONE

    # The audit trail tells it in order.
    with hotline.sessions() as session:
        actions = session.scalars(
            select(RequestEvent.action)
            .where(RequestEvent.request_id == row.id)
            .order_by(RequestEvent.id)
        ).all()
    assert actions == ["opened", "location_given", "offered", "claimed", "done"]

    # Privacy: nothing sent to a volunteer before their claim held a number or a house number.
    with hotline.sessions() as session:
        before_claim = session.scalars(
            select(OutboundMessage.body).where(
                OutboundMessage.template.in_(["offer", "offer_emergency", "claim_taken"])
            )
        ).all()
    for body in before_claim:
        assert "12 Elm" not in body and "0111" not in body


def test_nobody_answers_and_dispatchers_are_alerted(
    story: Story, hotline: Hotline, people: None
) -> None:
    story.text(NEIGHBOUR, "need food delivered to 40 Broadway 02145")
    code = code_in(story.inbox(NEIGHBOUR)[0])
    assert len([p for p in (ANA, BEN, CARLA) if story.inbox(p)]) == 2
    hotline.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    assert run_due_timers(hotline) >= 1
    story.settle()
    assert story.inbox(CARLA), "the second wave reaches the next volunteer"
    hotline.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    run_due_timers(hotline)
    story.settle()
    assert request_row(hotline, code).status == RequestStatus.ESCALATED
    assert code in story.last(DEE)


def test_neighbour_cancels(story: Story, hotline: Hotline, people: None) -> None:
    story.text(NEIGHBOUR, "we need a ride to the clinic from 5 Main St 02145")
    code = code_in(story.inbox(NEIGHBOUR)[0])
    story.text(NEIGHBOUR, f"cancel {code}")
    assert "cancel" in story.last(NEIGHBOUR).lower()
    assert request_row(hotline, code).status == RequestStatus.CANCELLED
    story.text(ANA, f"YES {code}")
    assert "12 Elm" not in story.last(ANA)
    assert request_row(hotline, code).status == RequestStatus.CANCELLED
    with hotline.sessions() as session:
        statuses = set(session.scalars(select(Offer.status)).all())
    assert OfferStatus.OFFERED not in statuses
