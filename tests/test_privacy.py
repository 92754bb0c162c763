"""What a volunteer who has not claimed learns: no house, flat or phone number, on any channel."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from people import ANA, BEN, CARLA, NEIGHBOUR, add_cast, code_in
from sqlalchemy import select
from story import Story
from test_gateway_failover import gateway  # noqa: F401  (a fixture: usefixtures below)

from hotline.models import Group, HelpRequest, OutboundMessage
from hotline.needs import offer_need, rough_area
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer

VOLUNTEERS = (ANA, BEN, CARLA)
ZONE = "02145"  # a ZIP is a zone, not a private fact: the offer may say it
# Written the way people write where they are (issue 13, finding 3), several of each form.
HOUSE_NUMBERS = [
    "need water at 27 maple",
    "need water at 27 Maple St 02145",
    "food for my kids, 114 oak street 02145",
    "need insulin #12 Elm 02145",
    "need a ride, # 7 Walnut Ave 02145",
    "water please lot 45 02145",
    "need food, trailer lot 9 at the park 02145",
    "need blankets door 12 02145",
    "need water, door #3B 02145",
    "need food building 7 02145",
    "need diapers bldg 12, apt 4C 02145",
    "need water apartment 22 02145",
    "need meds apt. 5 02145",
    "need food unit 301 02145",
    "need water 12B Elm St 02145",
    "need medicine at 40-2 Pine Rd 02145",
]
PHONE_NUMBERS = [
    "need water 02145 call 5550144",
    "need water 02145 my cell is 6175550199",
    "need food 02145 call 617/555/0147",
    "need food 02145 text 617.555.0148",
    "need food 02145 call 617 555 O151",
    "need a ride 02145 call 6I7 555 O152",
    "need water 02145 phone 617-555-0153",
    "need water 02145 call (617) 555 0154",
    "need water 02145 +1 617 555 0155",
    "need water 02145 call 555 01 56",
    # The zone's own digits inside a number must not shield the number.
    "need water 02145 call 6170214599",
    "need food 02145, cell 02145-5501",
]
# Answers to "where are you?": the whole answer is the claimant's address, never an offer's.
LOCATION_ANSWERS = [
    "the blue house behind the church, door 12, call 617 555 0157",
    "27 maple, ring twice",
    "my sister's place at 9 Birch Lane, lot 45 02145",
    "trailer 14 by the river, my number is 617.555.0158",
]
# A digit anywhere but the request's code and the zone is a house, flat or phone number.
_DIGIT_OR_ZERO_WORD = re.compile(r"\d|\b[Oo0Il1]{3,}\b")
# How many people it is for, written from triage ("(4 people)"), is not a private fact.
_HEAD_COUNT = re.compile(r"\(\d{1,3} [^\W\d]+\)")


def leaks(body: str, code: str) -> list[str]:
    """The words of an offer that could locate or call the neighbour."""
    rest = _HEAD_COUNT.sub(" ", body.replace(ZONE, " "))
    rest = rest.replace(code, " ") if code else rest
    return [word for word in rest.split() if _DIGIT_OR_ZERO_WORD.search(word)]


@pytest.fixture
def people(hotline: Hotline, group: Group) -> None:
    add_cast(hotline, group)


def offers_seen(story: Story, hotline: Hotline) -> Iterator[tuple[str, str]]:
    """(request code, text) for every text a volunteer received and every offer row written."""
    with hotline.sessions() as session:
        codes = session.scalars(select(HelpRequest.code)).all()
        rows = session.scalars(
            select(OutboundMessage.body).where(
                OutboundMessage.template.in_(["offer", "offer_emergency"])
            )
        ).all()
    assert rows, "no offer was sent"
    for body in [*rows, *(b for v in VOLUNTEERS for b in story.inbox(v))]:
        code = next((c for c in codes if c in body), "")
        yield code, body


@pytest.mark.parametrize("need", HOUSE_NUMBERS + PHONE_NUMBERS)
def test_an_offer_holds_no_house_or_phone_number(
    story: Story, hotline: Hotline, people: None, need: str
) -> None:
    story.text(NEIGHBOUR, need)
    code = code_in(story.inbox(NEIGHBOUR)[0])
    if not any(story.inbox(v) for v in VOLUNTEERS):
        story.text(NEIGHBOUR, ZONE)  # triage read no place: the hotline asked where
    offered = [story.last(v) for v in VOLUNTEERS if story.inbox(v)]
    assert offered, "nobody was offered the need"
    assert all(code in offer for offer in offered)
    for code_seen, body in offers_seen(story, hotline):
        assert leaks(body, code_seen) == [], body


@pytest.mark.parametrize("answer", LOCATION_ANSWERS)
def test_the_answer_to_where_are_you_is_never_the_area(
    story: Story, hotline: Hotline, people: None, answer: str
) -> None:
    story.text(NEIGHBOUR, "we need water for 4 people")
    story.text(NEIGHBOUR, answer)
    # The request has no zone, so the wave goes to whoever is on call.
    offered = [story.last(v) for v in VOLUNTEERS if story.inbox(v)]
    assert offered, "nobody was offered the need"
    for code, body in offers_seen(story, hotline):
        assert leaks(body, code) == [], body
        assert answer not in body and answer.split(",", maxsplit=1)[0] not in body.replace(
            "(", ""
        ), body


def test_an_emergency_offer_holds_no_house_or_phone_number(
    story: Story, hotline: Hotline, people: None
) -> None:
    story.text(NEIGHBOUR, "my husband is not breathing, 27 maple door 4 02145 call 617 555 O151")
    code = code_in(story.inbox(NEIGHBOUR)[0])
    offered = [story.last(v) for v in VOLUNTEERS if story.inbox(v)]
    assert offered and all(offer.startswith("URGENT") for offer in offered)
    for code_seen, body in offers_seen(story, hotline):
        assert code_seen == code
        assert leaks(body, code) == [], body


@pytest.mark.usefixtures("gateway")
@pytest.mark.parametrize("need", ["need water door 12, #4 Elm St 02145 call 617/555/0147"])
def test_an_offer_through_the_gateway_holds_no_house_or_phone_number(
    story: Story, hotline: Hotline, sim: SimServer, need: str
) -> None:
    sim.set_fault("error_503")  # Twilio is down: the offers go out through the gateway phone
    story.text(NEIGHBOUR, need)
    with hotline.sessions() as session:
        channels = set(session.scalars(select(OutboundMessage.channel)).all())
    assert channels == {"gateway"}
    for code, body in offers_seen(story, hotline):
        assert "Elm St" in body
        assert leaks(body, code) == [], body


# --- The same rule on generated shapes, straight through the functions that write offers. ---

_digits = st.text("0123456789", min_size=1, max_size=5)
_zeroish = st.text("0123456789Oo", min_size=4, max_size=4).filter(
    lambda s: any(c.isdigit() for c in s)
)
_sep = st.sampled_from([" ", ".", "/", "-", "", "  "])
_phone = st.builds(
    lambda a, s1, b, s2, c: f"{a}{s1}{b}{s2}{c}",
    st.text("0123456789", min_size=3, max_size=3),
    _sep,
    st.text("0123456789O", min_size=3, max_size=3).filter(lambda s: any(c.isdigit() for c in s)),
    _sep,
    _zeroish,
)
_unit = st.builds(
    lambda word, gap, number: f"{word}{gap}{number}",
    st.sampled_from(["#", "lot", "door", "building", "bldg", "apt", "Apt.", "unit", "suite"]),
    st.sampled_from(["", " ", " #"]),
    st.builds(lambda n, s: n + s, _digits, st.sampled_from(["", "B", "c"])),
)
_street = st.sampled_from(["Elm St", "maple", "Oak Street", "Calle Ocho", "rue Capois", "Pine"])
_house = st.builds(lambda n, street: f"{n} {street}", _digits, _street)
_need = st.sampled_from(["need water", "food please", "my mother needs insulin", "a ride"])
_private = st.lists(st.one_of(_phone, _unit, _house), min_size=1, max_size=3)


@given(need=_need, private=_private, joiner=st.sampled_from([" ", ", ", " at ", " call "]))
def test_generated_addresses_and_numbers_never_reach_an_offer(
    need: str, private: list[str], joiner: str
) -> None:
    text = need + joiner + joiner.join(private)
    for location in (None, joiner.join(private), text):
        request = HelpRequest(need=text, location=location, zone=ZONE, categories=["water"])
        written = f"{offer_need(request)} ({rough_area(request)})"
        assert leaks(written, "") == [], (text, written)


@pytest.mark.parametrize(
    ("location", "zone", "area"),
    [
        ("12 Elm St, 02145", "02145", "Elm St, 02145"),
        ("at 27 Maple Street apt 4", None, "Maple Street"),
        ("my sister's place at 9 Birch Lane, lot 45", None, "Birch Lane"),
        ("the corner of Oak Ave and Main St", None, "Oak Ave"),
        ("Calle Ocho 1542", None, "Calle Ocho"),
        ("ri Pave kwen ri Sen Onore", "Delmas 33", "ri Pave, Delmas 33"),
        (
            "the blue house behind the church, door 12, call 617 555 0157",
            None,
            "area not given yet",
        ),
        ("27 maple, ring twice", "02145", "02145"),
    ],
)
def test_the_area_is_a_street_name_or_the_zone(location: str, zone: str | None, area: str) -> None:
    assert rough_area(HelpRequest(need="water", location=location, zone=zone)) == area
