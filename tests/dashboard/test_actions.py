"""Every dashboard action on a request: its effect, its texts and its line in the audit trail."""

from __future__ import annotations

from dashboard.pages import ANA, BEN, DEE, NEIGHBOUR, MakeRequest, Web, request_by_code
from sqlalchemy import select
from story import run_jobs

from hotline.models import (
    AidOffer,
    Contact,
    Group,
    InboundMessage,
    RequestEvent,
    RequestStatus,
    Urgency,
    Volunteer,
)
from hotline.people import add_volunteer
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer


def events(h: Hotline, code: str) -> list[tuple[str, str, str, dict[str, object]]]:
    request = request_by_code(h, code)
    with h.sessions() as session:
        return [
            (e.action, e.actor_kind, e.actor_label, e.detail)
            for e in session.scalars(
                select(RequestEvent)
                .where(RequestEvent.request_id == request.id)
                .order_by(RequestEvent.id)
            )
        ]


def volunteer_id(h: Hotline, number: str) -> int:
    with h.sessions() as session:
        found = session.scalar(
            select(Volunteer.id).join(Contact).where(Contact.phone_number == number)
        )
        assert found
        return found


def test_editing_triage_changes_the_request_and_says_who(
    signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    code = make_request()
    page = signed_in.act(
        code,
        "triage",
        {
            "categories": ["water", "medical"],
            "urgency": "urgent",
            "location": "14 Elm St",
            "zone": "02143",
            "people": "4",
        },
    )
    assert "Updated categories, urgency, location, zone, people." in page
    request = request_by_code(hotline, code)
    assert (
        request.categories,
        request.urgency,
        request.location,
        request.zone,
        request.people,
    ) == (
        ["water", "medical"],
        Urgency.URGENT,
        "14 Elm St",
        "02143",
        4,
    )
    action, kind, label, detail = events(hotline, code)[-1]
    assert (action, kind, label) == ("triage_edited", "dispatcher", "Dee")
    assert detail["urgency"] == ["routine", "urgent"]
    assert "triage_edited" in page and "by dispatcher Dee" in page


def test_raising_to_emergency_offers_it_now_to_a_wider_wave(
    signed_in: Web, hotline: Hotline, group: Group, sim: SimServer, make_request: MakeRequest
) -> None:
    with hotline.sessions.begin() as session:
        g = session.get_one(Group, group.id)
        g.settings = {**g.settings, "wave_size": 1}
    code = make_request()
    signed_in.act(code, "offer")
    run_jobs(hotline)
    first = [n for n in (ANA, BEN) if sim.messages_to(n)]
    assert len(first) == 1  # the usual wave of one
    page = signed_in.act(
        code,
        "triage",
        {"categories": ["water"], "urgency": "emergency", "location": "12 Oak St", "zone": "02145"},
    )
    assert "Updated urgency. Emergency offers go out now" in page
    run_jobs(hotline)
    second = BEN if first == [ANA] else ANA
    offer = sim.messages_to(second)[-1].body
    assert offer.startswith(f"URGENT #{code}:")  # the emergency offer
    request = request_by_code(hotline, code)
    assert (request.urgency, request.status, request.wave) == (
        Urgency.EMERGENCY,
        RequestStatus.OFFERING,
        2,
    )
    assert [e[0] for e in events(hotline, code)][-2:] == ["triage_edited", "offered"]
    # Dee has the dashboard open: the alert shows there, not by SMS.
    assert not sim.messages_to(DEE)


def test_raising_a_claimed_request_to_emergency_tells_its_volunteer(
    signed_in: Web, hotline: Hotline, sim: SimServer, make_request: MakeRequest
) -> None:
    code = make_request()
    signed_in.act(code, "assign", {"volunteer": volunteer_id(hotline, ANA)})
    run_jobs(hotline)
    before = len(sim.messages_to(BEN))
    page = signed_in.act(
        code,
        "triage",
        {"categories": ["water"], "urgency": "emergency", "location": "12 Oak St", "zone": "02145"},
    )
    assert "Updated urgency." in page and "Emergency offers" not in page
    run_jobs(hotline)
    assert len(sim.messages_to(BEN)) == before
    assert sim.messages_to(ANA)[-1].body.startswith(f"URGENTE: el #{code} ahora es una emergencia")
    assert request_by_code(hotline, code).status == RequestStatus.CLAIMED


def test_assigning_texts_the_volunteer_the_details(
    signed_in: Web, hotline: Hotline, sim: SimServer, make_request: MakeRequest
) -> None:
    code = make_request()
    page = signed_in.act(code, "assign", {"volunteer": volunteer_id(hotline, ANA)})
    assert f"#{code} assigned to Ana Lopez." in page
    run_jobs(hotline)
    assert f"#{code}" in sim.messages_to(ANA)[-1].body
    assert "12 Oak St" in sim.messages_to(ANA)[-1].body
    request = request_by_code(hotline, code)
    assert request.status == RequestStatus.CLAIMED
    assert events(hotline, code)[-1][:3] == ("claimed", "dispatcher", "Dee")
    # Reassigning tells the first volunteer not to go.
    signed_in.act(code, "assign", {"volunteer": volunteer_id(hotline, BEN)})
    run_jobs(hotline)
    assert request_by_code(hotline, code).claimed_by_id == volunteer_id(hotline, BEN)
    assert f"#{code}" in sim.messages_to(ANA)[-1].body
    assert (
        hotline.templates.render("volunteer_cancelled", "es", fallback="en", code=code).text
        == sim.messages_to(ANA)[-1].body
    )


def test_a_volunteer_without_a_name_is_shown_by_number(
    signed_in: Web, hotline: Hotline, group: Group, make_request: MakeRequest
) -> None:
    with hotline.sessions.begin() as session:
        g = session.get_one(Group, group.id)
        volunteer = add_volunteer(session, g, "+16175550107", name=None, on_call=True)
        session.flush()
        nameless = volunteer.id
    code = make_request()
    page = signed_in.act(code, "assign", {"volunteer": nameless})
    assert f"#{code} assigned to (617) 555-0107." in page
    assert "<dt>Claimed by</dt><dd>(617) 555-0107</dd>" in page
    assert f"#{code}<" in signed_in.get("/dashboard/?status=claimed").text
    assert "(617) 555-0107" in signed_in.get("/dashboard/?status=claimed").text


def test_offering_again_sends_a_new_wave(
    signed_in: Web, hotline: Hotline, sim: SimServer, make_request: MakeRequest
) -> None:
    code = make_request(status=RequestStatus.ESCALATED)
    page = signed_in.act(code, "offer")
    assert "A new wave of offers" in page
    run_jobs(hotline)
    assert request_by_code(hotline, code).status == RequestStatus.OFFERING
    assert any(f"#{code}" in m.body for m in sim.messages_to(ANA))
    assert [e[0] for e in events(hotline, code)][-2:] == ["offered_again", "offered"]


def test_texting_the_neighbour(
    signed_in: Web, hotline: Hotline, sim: SimServer, make_request: MakeRequest
) -> None:
    code = make_request()
    signed_in.act(code, "text", {"text": "Is the road to you open?"})
    run_jobs(hotline)
    assert sim.messages_to(NEIGHBOUR)[-1].body == "Somerville Mutual Aid: Is the road to you open?"
    assert events(hotline, code)[-1][:3] == ("texted_neighbour", "dispatcher", "Dee")
    too_long = signed_in.act(code, "text", {"text": "x" * 61})
    assert "keep it to 60 characters" in too_long


def test_merging_a_duplicate(
    signed_in: Web, hotline: Hotline, group: Group, make_request: MakeRequest
) -> None:
    kept = make_request("water please")
    duplicate = make_request("still need water", phone="+16175550112")
    with hotline.sessions.begin() as session:
        session.add(
            InboundMessage(
                group_id=group.id,
                provider_sid="SM-dup",
                from_number="+16175550112",
                to_number="+16175550100",
                body="still need water",
                request_id=request_by_code(hotline, duplicate).id,
            )
        )
    page = signed_in.act(kept, "merge", {"duplicate": duplicate})
    assert f"#{duplicate} merged into #{kept}; 1 texts moved." in page
    assert "still need water" in page  # the moved text is in the kept thread
    assert request_by_code(hotline, duplicate).status == RequestStatus.CANCELLED
    assert events(hotline, duplicate)[-1] == (
        "merged",
        "dispatcher",
        "Dee",
        {"into": kept, "texts_moved": 1},
    )
    assert events(hotline, kept)[-1] == (
        "merged",
        "dispatcher",
        "Dee",
        {"duplicate": duplicate, "texts_moved": 1},
    )
    assert "cannot be merged" in signed_in.act(kept, "merge", {"duplicate": duplicate})


def test_closing_and_cancelling(
    signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    first, second = make_request(), make_request()
    signed_in.act(first, "close", {"reason": "closed"})
    signed_in.act(second, "close", {"reason": "cancelled"})
    assert request_by_code(hotline, first).status == RequestStatus.CANCELLED
    assert events(hotline, first)[-1][:3] == ("closed", "dispatcher", "Dee")
    assert events(hotline, second)[-1][:3] == ("cancelled", "dispatcher", "Dee")
    assert "already cancelled" in signed_in.act(first, "close", {"reason": "closed"})


def test_volunteers_go_on_and_off_call(signed_in: Web, hotline: Hotline) -> None:
    page = signed_in.get("/dashboard/volunteers").text
    assert "Ana Lopez" in page and "Ben Okafor" in page
    ana = volunteer_id(hotline, ANA)
    answer = signed_in.post(f"/dashboard/volunteers/{ana}/on-call", {"on_call": "0"})
    assert answer.status_code == 302
    with hotline.sessions() as session:
        assert session.get_one(Volunteer, ana).on_call is False


def test_an_offer_is_matched_with_a_request(
    signed_in: Web, hotline: Hotline, group: Group, make_request: MakeRequest
) -> None:
    code = make_request()
    closed = make_request("old need", phone="+16175550112", status=RequestStatus.DONE)
    with hotline.sessions.begin() as session:
        contact = session.scalar(select(Contact).where(Contact.phone_number == BEN))
        assert contact
        offer = AidOffer(
            group_id=group.id,
            contact_id=contact.id,
            body="20 gallons of water",
            categories=["water"],
        )
        session.add(offer)
        session.flush()
        offer_id = offer.id
    assert "20 gallons of water" in signed_in.get("/dashboard/offers").text
    # A request that is over takes no offer.
    signed_in.post(f"/dashboard/offers/{offer_id}/match", {"code": closed})
    assert f"#{closed} is done: nothing to match" in signed_in.get("/dashboard/offers").text
    answer = signed_in.post(f"/dashboard/offers/{offer_id}/match", {"code": code})
    assert answer.status_code == 302
    request_id = request_by_code(hotline, code).id
    with hotline.sessions() as session:
        matched = session.get_one(AidOffer, offer_id)
        assert (matched.status, matched.matched_request_id) == ("matched", request_id)
    assert events(hotline, code)[-1][:3] == ("aid_offer_matched", "dispatcher", "Dee")


def test_stats_are_drawn_as_inline_svg(
    signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    make_request()
    make_request(categories=("medical",), urgency=Urgency.EMERGENCY)
    page = signed_in.get("/dashboard/stats").text
    assert page.count("<svg") == 4
    assert '<dd id="unclaimed">2</dd>' in page
    assert "medical" in page and "water" in page


def test_an_opted_out_volunteer_cannot_be_assigned(
    signed_in: Web, hotline: Hotline, sim: SimServer, make_request: MakeRequest
) -> None:
    code = make_request()
    with hotline.sessions.begin() as session:
        contact = session.scalars(select(Contact).where(Contact.phone_number == ANA)).one()
        contact.opted_out = True
    page = signed_in.act(code, "assign", {"volunteer": volunteer_id(hotline, ANA)})
    assert "Ana Lopez has opted out of texts (or left the roster) and cannot be assigned" in page
    assert request_by_code(hotline, code).claimed_by_id is None
    run_jobs(hotline)
    assert sim.messages_to(ANA) == []
