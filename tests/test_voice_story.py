"""A neighbour with only a landline calls; a volunteer claims by SMS and is told to call back."""

from __future__ import annotations

from people import ANA, BEN, CARLA, DEE, add_cast
from sqlalchemy import select
from story import Story

from hotline.models import Group, HelpRequest, RequestEvent, RequestStatus
from hotline.phones import display
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer

LANDLINE = "+16175550166"


def only_request(h: Hotline) -> HelpRequest:
    with h.sessions() as session:
        return session.scalars(select(HelpRequest)).one()


def place_call(sim: SimServer, story: Story) -> str:
    """Call in English for water in 02145, leave a message, ask to be called back."""
    call = sim.call_hotline(LANDLINE)
    call.press("1")
    call.press("2")
    call.press("02145#")
    recording = call.record()
    call.press("2")
    assert call.ended and call.errors == []
    story.settle()
    return recording


def test_a_call_is_offered_claimed_and_called_back(
    story: Story, hotline: Hotline, sim: SimServer, group: Group
) -> None:
    add_cast(hotline, group, wave_size=2)
    sim.add_landline(LANDLINE)
    place_call(sim, story)

    request = only_request(hotline)
    assert request.status == RequestStatus.OFFERING and request.callback_by == "call"
    code = request.code
    # Offers go by SMS to the volunteers in the caller's zone, as for a text.
    assert f"YES {code}" in story.last(BEN) and f"SI {code}" in story.last(ANA)
    assert story.inbox(CARLA) == []
    for offer in (story.last(BEN), story.last(ANA)):
        assert "0166" not in offer and "Recordings" not in offer
    assert story.inbox(LANDLINE) == []  # a landline is never texted

    story.text(BEN, f"YES {code}")
    details, recording = story.inbox(BEN)[-2:]
    assert details.startswith(f"#{code} is yours") and "Please CALL, don't text" in details
    assert display(LANDLINE) in details and "02145" in details
    assert recording.startswith(f"#{code} recording: https://api.twilio.com/")
    assert only_request(hotline).status == RequestStatus.CLAIMED
    assert story.inbox(DEE) == []  # nothing for dispatchers to chase

    with hotline.sessions() as session:
        actions = session.scalars(
            select(RequestEvent.action)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.id)
        ).all()
    assert list(actions) == ["opened", "offered", "claimed"]


def test_the_claimant_gets_the_whole_recording_link(
    story: Story, hotline: Hotline, sim: SimServer, group: Group
) -> None:
    add_cast(hotline, group, wave_size=2)
    recording = place_call(sim, story)
    story.text(BEN, f"YES {only_request(hotline).code}")
    assert recording in story.last(BEN)
