"""Whatever a signed webhook carries is stored and answered 200: cleaned if it must be, raw kept."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from inbound_posts import GATEWAY_KEY, post_gateway_sms, post_twilio_sms
from people import BEN, NEIGHBOUR, add_cast, code_in
from sqlalchemy import select
from story import Story

from hotline.models import Group, InboundMessage
from hotline.retention import redact_closed
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline


@pytest.fixture
def people(hotline: Hotline, group: Group) -> None:
    add_cast(hotline, group)


def stored(h: Hotline, sid: str) -> InboundMessage:
    with h.sessions() as session:
        return session.scalars(
            select(InboundMessage).where(InboundMessage.provider_sid == sid)
        ).one()


def test_a_nul_byte_in_a_text_is_stored_without_it_and_the_need_is_handled(
    story: Story, hotline: Hotline, people: None
) -> None:
    answer = post_twilio_sms(hotline, "SMnul", NEIGHBOUR, "need water\x00 at 12 Elm St 02145")
    assert answer.status_code == 200
    row = stored(hotline, "SMnul")
    assert row.body == "need water at 12 Elm St 02145"
    assert json.loads(row.raw or "")["body"] == "need water\x00 at 12 Elm St 02145"
    story.settle()
    assert code_in(story.inbox(NEIGHBOUR)[0])


def test_a_sender_longer_than_any_number_is_stored_cut_with_the_whole_of_it_kept(
    story: Story, hotline: Hotline, people: None
) -> None:
    sender = "+1617555011199999999999999999999"
    answer = post_twilio_sms(hotline, "SMlong", sender, "need water at 12 Elm St 02145")
    assert answer.status_code == 200
    row = stored(hotline, "SMlong")
    assert row.from_number == sender[:20]
    assert json.loads(row.raw or "")["from"] == sender
    story.settle()
    assert stored(hotline, "SMlong").outcome == "new_request"


def test_a_text_without_a_sender_is_kept_and_nobody_is_answered(
    story: Story, hotline: Hotline, people: None
) -> None:
    assert post_twilio_sms(hotline, "SMnobody", "", "hello").status_code == 200
    story.settle()
    row = stored(hotline, "SMnobody")
    assert (row.body, row.outcome, row.raw) == ("hello", "no_sender", None)


def test_an_ordinary_text_keeps_no_raw_copy(story: Story, hotline: Hotline, people: None) -> None:
    assert post_twilio_sms(hotline, "SMplain", "(617) 555-0111", "water").status_code == 200
    row = stored(hotline, "SMplain")
    assert (row.from_number, row.raw) == (NEIGHBOUR, None)


def test_the_gateway_stores_nul_and_lone_surrogates_cleaned(
    story: Story, hotline: Hotline, people: None
) -> None:
    hotline.settings = hotline.settings.with_overrides(gateway_signing_key=GATEWAY_KEY)
    answer = post_gateway_sms(
        hotline, "ev1", NEIGHBOUR + "\x00", "need\x00 water \ud83d at 12 Elm St"
    )
    assert answer.status_code == 204
    row = stored(hotline, "ev1")
    assert (row.from_number, row.body) == (NEIGHBOUR, "need water \ufffd at 12 Elm St")
    assert json.loads(row.raw or "")["body"] == "need\x00 water \ud83d at 12 Elm St"
    story.settle()
    assert stored(hotline, "ev1").outcome == "new_request"


def test_the_raw_copy_goes_with_the_words_after_the_retention_period(
    story: Story, hotline: Hotline, clock: SettableClock, people: None
) -> None:
    post_twilio_sms(hotline, "SMraw", NEIGHBOUR, "need insulin\x00 at 12 Elm St 02145")
    story.settle()
    code = code_in(story.inbox(NEIGHBOUR)[0])
    story.text(BEN, f"yes {code}")
    story.text(BEN, f"done {code}")
    assert "insulin" in (stored(hotline, "SMraw").raw or "")
    clock.advance(timedelta(days=hotline.settings.retention_days + 1))
    assert redact_closed(hotline) == 1
    row = stored(hotline, "SMraw")
    assert row.raw is None and "insulin" not in row.body


def test_one_text_delivered_forty_times_at_once_is_one_row_and_one_acknowledgement(
    story: Story, hotline: Hotline, people: None
) -> None:
    # Twilio retries a slow webhook; under a surge the copies arrive together.
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda _: post_twilio_sms(hotline, "SMsame", NEIGHBOUR, "need water, 12 Elm St"),
                range(40),
            )
        )
    assert {a.status_code for a in answers} == {200}
    with hotline.sessions() as session:
        assert len(session.scalars(select(InboundMessage)).all()) == 1
    story.settle()
    [acknowledgement] = story.inbox(NEIGHBOUR)
    assert code_in(acknowledgement)
