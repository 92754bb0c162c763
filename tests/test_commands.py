"""Everyone's other words by SMS: volunteers, neighbours, dispatchers; menus and their limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from people import (
    ANA,
    BEN,
    CARLA,
    DAN,
    DEE,
    NEIGHBOUR,
    ROSA,
    add_cast,
    code_in,
    expected,
    request_row,
)
from sqlalchemy import func, select
from story import Story, run_due_timers, run_jobs

from hotline.dispatch import offer_request
from hotline.groups import add_group
from hotline.intake.inbound import handle_inbound
from hotline.models import (
    AidOffer,
    Contact,
    Group,
    HelpRequest,
    InboundMessage,
    OutboundMessage,
    RequestEvent,
    RequestStatus,
    Urgency,
    Volunteer,
)
from hotline.people import add_volunteer
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer


@pytest.fixture
def cast(hotline: Hotline, group: Group) -> None:
    add_cast(hotline, group)


def open_need(
    story: Story, phone: str = NEIGHBOUR, text: str = "need water at 12 Elm St 02145"
) -> str:
    before = len(story.inbox(phone))
    story.text(phone, text)
    return code_in(story.new_for(phone, before)[0])


def events(h: Hotline, code: str) -> list[tuple[str, str, str]]:
    with h.sessions() as session:
        request = session.scalars(select(HelpRequest).where(HelpRequest.code == code)).one()
        rows = session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.id)
        )
        return [(e.action, e.actor_kind, e.actor_label) for e in rows]


def test_more_texts_add_detail_instead_of_opening_new_requests(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(NEIGHBOUR, "also my mother needs insulin")
    assert story.last(NEIGHBOUR) == expected(hotline, "detail_added", "en", code=code)
    with hotline.sessions() as session:
        assert session.scalar(select(func.count()).select_from(HelpRequest)) == 1
        request = session.scalars(select(HelpRequest)).one()
        assert "insulin" in request.need and "medical" in request.categories
        assert (
            session.scalar(select(func.count()).where(InboundMessage.request_id == request.id)) == 2
        )


def test_codes_are_digits_and_never_reused(story: Story, hotline: Hotline, cast: None) -> None:
    codes = set()
    for phone in ("+16175550121", "+16175550122", "+16175550123", "+16175550124"):
        code = open_need(story, phone)
        assert code.isdigit() and len(code) >= 4
        codes.add(code)
    assert len(codes) == 4


def test_status_and_bare_yes_with_one_offer(story: Story, hotline: Hotline, cast: None) -> None:
    code = open_need(story)
    story.text(NEIGHBOUR, "status")
    assert story.last(NEIGHBOUR) == expected(hotline, "status_open", "en", code=code)
    story.text(BEN, "YES!")
    story.text(NEIGHBOUR, "STATUS")
    assert story.last(NEIGHBOUR) == expected(
        hotline, "status_claimed", "en", code=code, volunteer="Ben"
    )


def test_yes_with_several_offers_asks_which(story: Story, hotline: Hotline, cast: None) -> None:
    first = open_need(story, NEIGHBOUR)
    second = open_need(story, ROSA, "we need food at 3 Pearl St 02145")
    story.text(BEN, "yes")
    assert story.last(BEN) == expected(
        hotline, "which_code", "en", codes=f"{first} {second}", example=first
    )
    story.text(BEN, f"yes {second}")
    assert request_row(hotline, second).status == RequestStatus.CLAIMED
    assert request_row(hotline, first).status == RequestStatus.OFFERING


def test_no_lets_the_next_wave_go_sooner(story: Story, hotline: Hotline, cast: None) -> None:
    code = open_need(story)
    assert story.inbox(CARLA) == []
    story.text(ANA, "no")
    assert story.inbox(CARLA) == []  # Ben has not answered yet
    story.text(BEN, f"NO {code}")
    assert code in story.last(CARLA)
    assert story.last(BEN) == expected(hotline, "declined", "en")


def test_release_gives_it_back_and_it_is_offered_again(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(ANA, f"yes {code}")
    story.text(ANA, f"release {code}")
    assert story.last(ANA) == expected(hotline, "released", "es", code=code)
    assert story.last(NEIGHBOUR) == expected(hotline, "neighbour_released", "en", code=code)
    assert code in story.last(CARLA)  # the next volunteer in line is asked
    assert request_row(hotline, code).status == RequestStatus.OFFERING


def test_mine_on_and_off(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(BEN, "mine")
    assert story.last(BEN) == expected(hotline, "mine_none", "en")
    code = open_need(story)
    story.text(BEN, f"yes {code}")
    story.text(BEN, "MINE")
    assert f"#{code}" in story.last(BEN) and "water" in story.last(BEN)
    story.text(BEN, "off")
    assert story.last(BEN) == expected(hotline, "off_call", "en")
    open_need(story, ROSA, "need food at 3 Pearl St 02145")
    assert all("Pearl" not in m for m in story.inbox(BEN))
    story.text(BEN, "ON")
    assert story.last(BEN) == expected(hotline, "on_call", "en")
    with hotline.sessions() as session:
        assert session.scalars(
            select(Volunteer.on_call).join(Contact).where(Contact.phone_number == BEN)
        ).one()


def test_done_then_a_reply_reopens(story: Story, hotline: Hotline, cast: None) -> None:
    code = open_need(story)
    story.text(BEN, f"yes {code}")
    story.text(BEN, f"done {code}")
    assert story.last(BEN) == expected(hotline, "done_thanks", "en", code=code)
    assert story.last(NEIGHBOUR) == expected(hotline, "neighbour_done", "en", code=code)
    story.text(NEIGHBOUR, "we still need more water please")
    assert story.last(NEIGHBOUR) == expected(hotline, "reopened", "en", code=code)
    assert request_row(hotline, code).status == RequestStatus.OFFERING
    assert [a for a, _, _ in events(hotline, code)][-2:] == ["reopened", "offered"]


def test_thanks_after_done_is_kept_on_the_request_and_opens_nothing(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, f"yes {code}")
    story.text(BEN, f"done {code}")
    offers_before = len(story.inbox(ANA))
    story.text(NEIGHBOUR, "thank you so much!!")
    assert story.last(NEIGHBOUR) == expected(hotline, "after_closed", "en", code=code)
    request = request_row(hotline, code)
    assert request.status == RequestStatus.DONE
    assert len(story.inbox(ANA)) == offers_before  # nobody is offered a thank-you
    with hotline.sessions() as session:
        assert session.scalar(select(func.count()).select_from(HelpRequest)) == 1
        thanks = session.scalars(
            select(InboundMessage).where(InboundMessage.body == "thank you so much!!")
        ).one()
        assert thanks.request_id == request.id  # on the request's thread


def test_thanks_after_a_cancel_opens_nothing_but_a_new_need_does(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(NEIGHBOUR, f"CANCEL {code}")
    story.text(NEIGHBOUR, "ok thanks")
    assert story.last(NEIGHBOUR) == expected(hotline, "after_closed", "en", code=code)
    new = open_need(story, text="now we need food at 12 Elm St 02145")
    assert new != code
    assert request_row(hotline, code).status == RequestStatus.CANCELLED


def test_unknown_text_from_a_volunteer_gets_a_menu_limited_per_minute(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, "where is the meeting tonight?")
    assert story.last(BEN) == expected(hotline, "volunteer_menu", "en", codes=code)
    sent = len(story.inbox(BEN))
    story.text(BEN, "hello??")
    story.text(BEN, "hello???")
    assert len(story.inbox(BEN)) == sent  # at most one menu a minute
    with hotline.sessions() as session:  # ... but every text is kept
        assert session.scalar(select(func.count()).where(InboundMessage.from_number == BEN)) == 3
    hotline.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    story.text(BEN, "hmm")
    assert len(story.inbox(BEN)) == sent + 1


def test_six_unknown_texts_in_a_minute_get_one_menu(
    story: Story, hotline: Hotline, cast: None
) -> None:
    for n, words in enumerate(["hello", "what is this", "?", "asdf", "lol", "hmm"]):
        story.text(BEN, words)
        hotline.clock.advance(timedelta(seconds=9 if n < 5 else 1))  # type: ignore[attr-defined]
    assert story.inbox(BEN) == [expected(hotline, "volunteer_menu", "en", codes="-")]
    hotline.clock.advance(timedelta(seconds=15))  # type: ignore[attr-defined]
    story.text(BEN, "still there?")  # a minute after the menu: one more
    assert len(story.inbox(BEN)) == 2


def test_menus_stop_after_five_in_a_row_and_a_working_command_resets(
    story: Story, hotline: Hotline, cast: None
) -> None:
    for n in range(7):
        hotline.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
        story.text(BEN, f"what {n}")
    assert len(story.inbox(BEN)) == 5
    story.text(BEN, "on")  # works, and resets the limit
    story.text(BEN, "what now")
    assert story.last(BEN) == expected(hotline, "volunteer_menu", "en", codes="-")


def test_the_menu_limit_keeps_no_number_in_redis(
    story: Story, hotline: Hotline, cast: None
) -> None:
    story.text(BEN, "hello")
    keys = b" ".join(hotline.redis.keys("*"))
    assert BEN.encode() not in keys and BEN[2:].encode() not in keys


def test_a_text_from_the_hotlines_own_number_gets_nothing_back(
    story: Story, hotline: Hotline, group: Group, sim: SimServer
) -> None:
    # A gateway or number set up to text its own hotline would loop reply after reply.
    result = sim.text_hotline(group.hotline_number, group.hotline_number, "hello")
    assert result.status_code == 200
    story.settle()
    # The number's inbox holds the text it sent itself; nothing came back from the hotline.
    replies = [m for m in sim.messages_to(group.hotline_number) if m.direction != "inbound"]
    assert replies == []
    with hotline.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0
        message = session.scalars(select(InboundMessage)).one()  # kept, for a person to see
        assert message.outcome == "from_own_number"
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


@pytest.mark.parametrize("word", ["YSE", "yes!", "Si", "Wi", " yes ", "Y"])
def test_yes_is_forgiving(story: Story, hotline: Hotline, cast: None, word: str) -> None:
    code = open_need(story)
    story.text(BEN, word)
    assert request_row(hotline, code).status == RequestStatus.CLAIMED


def test_a_command_word_inside_a_sentence_is_not_a_command(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, "yes I can go but only after 5pm")
    assert request_row(hotline, code).status == RequestStatus.OFFERING
    assert story.last(BEN) == expected(hotline, "volunteer_menu", "en", codes=code)


def test_a_code_never_offered_reveals_nothing(story: Story, hotline: Hotline, cast: None) -> None:
    code = open_need(story)  # offered to Ana and Ben, not to Carla
    story.text(CARLA, f"YES {code}")
    assert story.last(CARLA) == expected(hotline, "no_offer", "en")
    story.text(CARLA, "YES 99999")
    assert request_row(hotline, code).status == RequestStatus.OFFERING
    assert all("Elm" not in m for m in story.inbox(CARLA))


def test_a_removed_volunteer_learns_nothing(story: Story, hotline: Hotline, cast: None) -> None:
    code = open_need(story)
    with hotline.sessions.begin() as session:
        ben = session.scalars(
            select(Volunteer).join(Contact).where(Contact.phone_number == BEN)
        ).one()
        ben.active = False
    story.text(BEN, f"YES {code}")
    assert story.last(BEN) == expected(hotline, "no_offer", "en")
    assert request_row(hotline, code).status == RequestStatus.OFFERING
    with (
        hotline.sessions() as session
    ):  # and the removed volunteer's words did not become a request
        assert session.scalar(select(func.count()).select_from(HelpRequest)) == 1


def test_offer_of_help_is_recorded(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(ROSA, "OFFER I have a generator and 20 gallons of water")
    assert story.last(ROSA).startswith(
        expected(hotline, "aid_offer_recorded", "en", summary="I")[:20]
    )
    with hotline.sessions() as session:
        offer = session.scalars(select(AidOffer)).one()
        assert "generator" in offer.body
        assert session.scalar(select(func.count()).select_from(HelpRequest)) == 0


def test_a_volunteer_can_ask_for_help_too(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(BEN, "NEED my basement is flooded at 9 Cedar St 02145")
    code = code_in(story.last(BEN) if "#" in story.last(BEN) else story.inbox(BEN)[0])
    request = request_row(hotline, code)
    assert "flooded" in request.need
    assert all("Cedar" not in m for m in story.inbox(BEN)[1:])  # never offered their own need
    assert code in story.last(ANA)


def test_a_volunteer_in_danger_is_helped_without_the_need_keyword(
    story: Story, hotline: Hotline, cast: None
) -> None:
    story.text(BEN, "water rising fast, we are in the attic at 9 Cedar St 02145")
    ack = story.inbox(BEN)[0]
    code = code_in(ack)
    assert ack == expected(hotline, "ack_emergency", "en", code=code, emergency="911")
    request = request_row(hotline, code)
    assert request.urgency == Urgency.EMERGENCY
    assert "attic" in request.need
    assert code in story.last(DEE)  # dispatchers alerted at once
    assert code in story.last(ANA) and code in story.last(CARLA)  # offered to the others
    assert all("Cedar" not in m for m in story.inbox(BEN))  # never their own request


def test_an_emergency_texted_by_a_volunteer_on_a_job_goes_on_that_job(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, f"yes {code}")
    ana_before = len(story.inbox(ANA))
    story.text(BEN, "the old man just collapsed, he is not breathing")
    assert story.last(BEN) == expected(
        hotline, "detail_emergency", "en", code=code, emergency="911"
    )
    request = request_row(hotline, code)
    assert request.urgency == Urgency.EMERGENCY
    assert request.status == RequestStatus.CLAIMED  # still Ben's
    assert "not breathing" in request.need
    assert story.last(DEE).startswith(f"EMERGENCY #{code}")
    assert len(story.inbox(ANA)) == ana_before  # no wave: it is claimed
    with hotline.sessions() as session:
        assert session.scalar(select(func.count()).select_from(HelpRequest)) == 1


def test_more_words_from_a_volunteer_go_on_their_own_request(
    story: Story, hotline: Hotline, cast: None
) -> None:
    story.text(BEN, "NEED my basement is flooded at 9 Cedar St 02145")
    code = code_in(story.inbox(BEN)[0])
    story.text(BEN, "the pump is broken too")
    assert "pump" in request_row(hotline, code).need
    assert story.last(BEN) == expected(hotline, "detail_added", "en", code=code)


def test_a_dispatcher_in_danger_is_helped_too(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(DEE, "my neighbour is not breathing, 4 Oak St 02145")
    code = code_in(story.inbox(DEE)[0])
    assert request_row(hotline, code).urgency == Urgency.EMERGENCY
    assert code in story.last(ANA)


def test_a_volunteer_and_a_dispatcher_menu_say_how_to_ask_for_help(
    story: Story, hotline: Hotline, cast: None
) -> None:
    story.text(BEN, "on my way, 10 minutes")
    assert story.last(BEN) == expected(hotline, "volunteer_menu", "en", codes="-")
    assert "NEED" in story.last(BEN)
    story.text(DEE, "anyone seen the van keys")
    assert "NEED" in story.last(DEE)
    with hotline.sessions() as session:
        assert session.scalar(select(func.count()).select_from(HelpRequest)) == 0


def test_each_volunteer_reads_the_head_count_in_their_language(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story, text="we need water for 4 at 12 Elm St 02145")
    assert code in story.last(ANA) and "(4 personas)" in story.last(ANA)
    assert code in story.last(BEN) and "(4 people)" in story.last(BEN)
    assert "personas" not in story.last(BEN)


def test_language_words_set_the_language(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(ROSA, "ESPANOL")
    assert story.last(ROSA) == expected(hotline, "language_set", "es", language="Espanol")
    code = open_need(story, ROSA, "need water at 3 Pearl St 02145")
    assert story.inbox(ROSA)[-1] == expected(
        hotline, "ack", "es", group="Somerville Mutual Aid", code=code
    )


def test_spanish_neighbour_gets_spanish_replies(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(ROSA, "necesitamos agua y comida para 5 personas, calle Pearl 3, 02145")
    assert "#" in story.inbox(ROSA)[0]
    code = code_in(story.inbox(ROSA)[0])
    assert story.inbox(ROSA)[0] == expected(
        hotline, "ack", "es", group="Somerville Mutual Aid", code=code
    )


def test_emergency_alerts_dispatchers_and_widens_the_first_wave(
    story: Story, hotline: Hotline, cast: None
) -> None:
    story.text(NEIGHBOUR, "my father is not breathing, 12 Elm St 02145")
    ack = story.inbox(NEIGHBOUR)[0]
    code = code_in(ack)
    assert ack == expected(hotline, "ack_emergency", "en", code=code, emergency="911")
    assert code in story.last(DEE)
    request = request_row(hotline, code)
    assert request.urgency == Urgency.EMERGENCY
    offered = [p for p in (ANA, BEN, CARLA) if story.inbox(p)]
    assert len(offered) == 3  # wider than the usual wave of 2


def test_a_later_text_that_turns_a_need_into_an_emergency(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    assert story.inbox(ANA) and story.inbox(BEN) and not story.inbox(CARLA)  # a wave of 2
    story.text(NEIGHBOUR, "my son just collapsed, he is not breathing")
    assert story.last(NEIGHBOUR) == expected(
        hotline, "detail_emergency", "en", code=code, emergency="911"
    )
    request = request_row(hotline, code)
    assert request.urgency == Urgency.EMERGENCY
    assert "not breathing" in request.need and "medical" in request.categories
    alert = story.last(DEE)
    assert code in alert and alert.startswith("EMERGENCY")
    # The next wave goes now, as emergency offers, to whoever was not asked yet.
    assert story.last(CARLA).startswith(f"URGENT #{code}:")
    assert request.wave == 2


def test_the_volunteer_who_has_it_hears_it_became_an_emergency(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, f"YES {code}")
    story.text(NEIGHBOUR, "my son just collapsed, he is not breathing")
    assert story.last(BEN).startswith(f"URGENT #{code} is now an emergency:")
    assert story.last(BEN).endswith("They were told to call 911 if they can.")
    request = request_row(hotline, code)
    assert request.status == RequestStatus.CLAIMED and request.urgency == Urgency.EMERGENCY
    assert not story.inbox(CARLA)  # it has a volunteer: no new wave


def test_an_emergency_in_the_answer_to_where(story: Story, hotline: Hotline, cast: None) -> None:
    code = open_need(story, text="we need food please")
    assert request_row(hotline, code).status == RequestStatus.NEEDS_INFO
    assert not story.inbox(ANA)  # no offers before we know where
    story.text(NEIGHBOUR, "12 Elm St 02145, my mother fell and is unconscious")
    assert story.last(NEIGHBOUR) == expected(
        hotline, "detail_emergency", "en", code=code, emergency="911"
    )
    request = request_row(hotline, code)
    assert request.urgency == Urgency.EMERGENCY
    assert request.location and "12 Elm St" in request.location
    assert "unconscious" in request.need
    assert code in story.last(DEE)
    # One wave, and an emergency one: wider than the usual 2.
    assert all(code in story.last(p) for p in (ANA, BEN, CARLA))
    assert request.wave == 1


def test_a_place_answer_naming_a_hospital_is_only_a_place(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story, text="we need food please")
    story.text(NEIGHBOUR, "behind the hospital on Elm St 02145")
    assert story.last(NEIGHBOUR) == expected(hotline, "detail_added", "en", code=code)
    request = request_row(hotline, code)
    assert request.categories == ["food"] and request.urgency != Urgency.EMERGENCY
    assert request.location and "Elm St" in request.location


def test_bare_cancel_opts_out_and_closes_the_request_visibly(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(NEIGHBOUR, "CANCEL")
    assert request_row(hotline, code).status == RequestStatus.CANCELLED
    assert ("opted_out", "neighbour", "neighbour") in events(hotline, code)
    assert story.last(DEE) == expected(hotline, "dispatcher_optout", "en", code=code)
    with hotline.sessions() as session:
        assert session.scalars(
            select(Contact.opted_out).where(Contact.phone_number == NEIGHBOUR)
        ).one()


def test_start_and_help(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(ROSA, "stop")
    story.text(ROSA, "START")
    assert story.last(ROSA) == expected(hotline, "started", "en", group="Somerville Mutual Aid")
    story.text(ROSA, " Help. ")
    assert story.last(ROSA) == expected(hotline, "help", "en", group="Somerville Mutual Aid")
    story.text(ROSA, "please don't stop helping us, we need water at 3 Pearl St 02145")
    assert code_in(story.last(ROSA))


def test_dispatcher_commands(story: Story, hotline: Hotline, cast: None) -> None:
    story.text(DEE, "Q")
    assert story.last(DEE) == expected(hotline, "dispatcher_queue_empty", "en")
    water = open_need(story)
    fire = open_need(story, ROSA, "fire in the building at 3 Pearl St 02145 people trapped")
    story.text(DEE, "q")
    queue = story.last(DEE)
    assert queue.index(fire) < queue.index(water)  # emergencies first
    story.text(DEE, f"SHOW {water}")
    assert "12 Elm St" in story.last(DEE) and "water" in story.last(DEE)
    story.text(DEE, f"ASSIGN {water} carla")
    assert story.last(DEE) == expected(
        hotline, "dispatcher_assigned", "en", code=water, assignee="Carla Diaz"
    )
    assert "12 Elm St" in story.last(CARLA)
    assert request_row(hotline, water).claimed_by_id is not None
    assert ("claimed", "dispatcher", "Dee") in events(hotline, water)
    story.text(DEE, f"CLOSE {fire}")
    assert request_row(hotline, fire).status == RequestStatus.CANCELLED
    story.text(DEE, "SHOW 999")
    assert story.last(DEE) == expected(hotline, "dispatcher_unknown_code", "en", code="999")
    story.text(DEE, "what is going on")
    assert story.last(DEE) == expected(hotline, "dispatcher_menu", "en")


def test_stale_claim_prompts_once_then_alerts_dispatchers(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, f"yes {code}")
    hotline.clock.advance(timedelta(minutes=181))  # type: ignore[attr-defined]
    run_due_timers(hotline)
    story.settle()
    assert story.last(BEN) == expected(hotline, "stale_prompt", "en", code=code)
    prompts = len(story.inbox(BEN))
    hotline.clock.advance(timedelta(minutes=61))  # type: ignore[attr-defined]
    run_due_timers(hotline)
    story.settle()
    assert code in story.last(DEE) and "Ben" in story.last(DEE)
    assert len(story.inbox(BEN)) == prompts  # prompted only once


def test_location_question_times_out_and_offers_anyway(
    story: Story, hotline: Hotline, cast: None
) -> None:
    story.text(NEIGHBOUR, "we need diapers")
    code = code_in(story.inbox(NEIGHBOUR)[0])
    assert request_row(hotline, code).status == RequestStatus.NEEDS_INFO
    hotline.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    run_due_timers(hotline)
    story.settle()
    assert request_row(hotline, code).status == RequestStatus.OFFERING
    assert sum(1 for p in (ANA, BEN, CARLA, DAN) if story.inbox(p)) == 2


def test_a_replayed_webhook_and_jobs_run_twice_change_nothing(
    story: Story, hotline: Hotline, sim, cast: None
) -> None:
    result = sim.text_hotline(NEIGHBOUR, "+16175550100", "need water at 12 Elm St 02145")
    story.settle()
    sim.repost(result)
    story.settle()
    with hotline.sessions() as session:
        request = session.scalars(select(HelpRequest)).one()
        inbound = session.scalars(select(InboundMessage)).one()
    handle_inbound(hotline, inbound.id)
    offer_request(hotline, request.id, 1)
    run_jobs(hotline)
    with hotline.sessions() as session:
        assert session.scalar(select(func.count()).select_from(HelpRequest)) == 1
        assert session.scalar(select(func.count()).where(OutboundMessage.template == "offer")) == 2
        assert session.scalar(select(func.count()).where(OutboundMessage.template == "ack")) == 1
    assert len(story.inbox(NEIGHBOUR)) == 1
    assert len(story.inbox(BEN)) == 1


def test_groups_do_not_see_each_other(story: Story, hotline: Hotline, sim, cast: None) -> None:
    with hotline.sessions.begin() as session:
        other = add_group(
            session, "Medford Neighbours", "+17815550100", zones=[{"name": "02155", "aliases": []}]
        )
        add_volunteer(session, other, "+17815550101", name="Mo", zones=["02155"], on_call=True)
    code = open_need(story)
    assert sim.messages_to("+17815550101") == []
    sim.text_hotline("+17815550101", "+17815550100", f"YES {code}")
    story.settle()
    assert request_row(hotline, code).status == RequestStatus.OFFERING
    assert "Elm" not in sim.messages_to("+17815550101")[-1].body


def test_assign_takes_a_claimed_request_from_one_volunteer_to_another(
    story: Story, hotline: Hotline, cast: None
) -> None:
    code = open_need(story)
    story.text(BEN, f"yes {code}")
    heard = len(story.inbox(NEIGHBOUR))
    story.text(DEE, f"ASSIGN {code} Carla")
    assert story.last(BEN) == expected(hotline, "volunteer_cancelled", "en", code=code)
    assert "12 Elm St" in story.last(CARLA)
    assert story.new_for(NEIGHBOUR, heard) == [
        expected(hotline, "neighbour_claimed", "en", code=code, volunteer="Carla")
    ]
    assert ("reassigned", "dispatcher", "Dee") in events(hotline, code)
    assert request_row(hotline, code).status == RequestStatus.CLAIMED
