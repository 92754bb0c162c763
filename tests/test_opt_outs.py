"""Opting out, in anyone's words: a claimant's claim goes back, and nobody opted out is assigned."""

from __future__ import annotations

import pytest
from people import BEN, CARLA, DEE, NEIGHBOUR, ROSA, add_cast, code_in, expected, request_row
from sqlalchemy import select
from story import Story

from hotline.intake.compliance import OPT_OUT_TYPE_LENGTH
from hotline.models import Contact, Group, OutboundMessage, OutboundStatus, RequestStatus
from hotline.runtime.services import Hotline
from hotline.sms.commands import compliance_keyword

GROUP = "Somerville Mutual Aid"


@pytest.fixture
def cast(hotline: Hotline, group: Group) -> None:
    add_cast(hotline, group)


def open_need(story: Story) -> str:
    before = len(story.inbox(NEIGHBOUR))
    story.text(NEIGHBOUR, "need water at 12 Elm St 02145")
    return code_in(story.new_for(NEIGHBOUR, before)[0])


def test_stop_from_a_claimant_gives_the_claim_back_at_once(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, f"yes {code}")
    assert request_row(hotline, code).status == RequestStatus.CLAIMED
    ben_heard = len(story.inbox(BEN))
    story.text(BEN, "STOP")
    row = request_row(hotline, code)
    assert row.status == RequestStatus.OFFERING and row.claimed_by_id is None
    assert code in story.last(CARLA)  # offered again to the next volunteer
    assert story.last(NEIGHBOUR) == expected(hotline, "neighbour_released", "en", code=code)
    assert story.last(DEE) == expected(
        hotline, "dispatcher_volunteer_optout", "en", code=code, volunteer="Ben Okafor"
    )
    assert story.new_for(BEN, ben_heard) == []  # Twilio confirms STOP; we text nothing


def test_nobody_opted_out_can_be_assigned_by_sms(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, "STOP")
    story.text(DEE, f"ASSIGN {code} Ben")
    assert story.last(DEE) == expected(
        hotline, "dispatcher_cannot_assign", "en", assignee="Ben Okafor"
    )
    assert request_row(hotline, code).claimed_by_id is None
    story.text(DEE, f"ASSIGN {code} Carla")
    assert request_row(hotline, code).status == RequestStatus.CLAIMED


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("stop texting me", "en"),
        ("Stop sending me texts", "en"),  # longer than the opt-out type column
        ("no me escriban más", "es"),
        ("PARE", "es"),
        ("Basta", "es"),
        ("ARRÊT", "fr"),
        ("arret", "fr"),
        ("SISPANN", "ht"),
    ],
)
def test_an_opt_out_in_the_senders_words_is_honoured_and_confirmed(
    story: Story, hotline: Hotline, cast: None, word: str, language: str
) -> None:
    story.text(ROSA, word)
    assert story.inbox(ROSA) == [expected(hotline, "stopped", language, group=GROUP)]
    with hotline.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.phone_number == ROSA)).one()
        assert contact.opted_out
        typed = compliance_keyword(word)
        assert typed is not None and contact.opt_out_type == typed.word[:OPT_OUT_TYPE_LENGTH]
    story.text(ROSA, "we need water at 3 Pearl St 02145")
    assert len(story.inbox(ROSA)) == 1  # nothing more after the confirmation
    with hotline.sessions() as session:
        last = session.scalars(
            select(OutboundMessage)
            .where(OutboundMessage.to_number == ROSA)
            .order_by(OutboundMessage.id.desc())
        ).first()
        assert last is not None and last.status == OutboundStatus.BLOCKED


def test_a_sentence_with_the_word_is_an_ordinary_message(
    story: Story, hotline: Hotline, cast: None
) -> None:
    story.text(ROSA, "please don't stop helping us, we need water at 3 Pearl St 02145")
    assert code_in(story.last(ROSA))
    story.text(ROSA, "basta de lluvia, necesitamos agua en 3 Pearl St 02145")
    assert code_in(story.last(ROSA))


def test_the_opt_out_type_clip_matches_the_column() -> None:
    assert Contact.__table__.c.opt_out_type.type.length == OPT_OUT_TYPE_LENGTH  # type: ignore[attr-defined]  # String has .length; TypeEngine does not
