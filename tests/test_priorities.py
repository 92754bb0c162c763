"""Who hears first: a neighbour's acknowledgement leaves before the offers about it."""

from __future__ import annotations

from people import ANA, BEN, DEE, NEIGHBOUR, add_cast
from story import Story

from hotline.models import Group
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer


def test_the_acknowledgement_goes_before_the_offers(
    story: Story, hotline: Hotline, group: Group, sim: SimServer
) -> None:
    add_cast(hotline, group)
    story.text(NEIGHBOUR, "we need water for 4 at 12 Elm St 02145")
    order = [m.to_number for m in sim.messages if m.direction == "outbound-api"]
    assert order[0] == NEIGHBOUR and set(order[1:]) == {ANA, BEN}


def test_an_emergency_tells_the_neighbour_and_the_dispatcher_before_any_offer(
    story: Story, hotline: Hotline, group: Group, sim: SimServer
) -> None:
    add_cast(hotline, group)
    story.text(NEIGHBOUR, "my husband is not breathing")  # no place: offered at once anyway
    order = [m.to_number for m in sim.messages if m.direction == "outbound-api"]
    # Call the emergency number, the dispatcher's alert and "where are you?" come first.
    assert set(order[:3]) == {NEIGHBOUR, DEE} and order[:3].count(NEIGHBOUR) == 2
    assert {ANA, BEN} <= set(order[3:]) and not {NEIGHBOUR, DEE} & set(order[3:])  # the wave
