"""The demo's cast, written once: the group, volunteers, dispatcher and neighbours that
`hotline run` seeds and shows as phones in the simulator, and that the tests' stories use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from hotline.models import Group
from hotline.people import add_dispatcher, add_volunteer
from hotline.phones import normalise

Role = Literal["neighbour", "volunteer", "dispatcher"]

HOTLINE_NUMBER = "+16175550100"
GATEWAY_NUMBER = "+16175550177"
REGION = "US"
ZONES: tuple[dict[str, object], ...] = (
    {"name": "02145", "aliases": ["Winter Hill"]},
    {"name": "02143", "aliases": ["Union Square"]},
)


@dataclass(frozen=True)
class Person:
    """One person of the demo; `typed` is the number as someone would type it in a form."""

    label: str  # the phone's name in the simulator
    typed: str
    role: Role
    name: str = ""
    zones: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    on_call: bool = True

    @property
    def number(self) -> str:
        return normalise(self.typed, REGION)


NEIGHBOUR = Person("Neighbour", "+1 617 555 0111", "neighbour")
ROSA = Person("Neighbour Rosa", "617.555.0112", "neighbour")
ANA = Person(
    "Volunteer Ana",
    "617-555-0101",
    "volunteer",
    name="Ana Lopez",
    zones=("02145",),
    skills=("medical",),
    languages=("es", "en"),
)
BEN = Person(
    "Volunteer Ben",
    "(617) 555 0102",
    "volunteer",
    name="Ben Okafor",
    zones=("02145",),
    skills=("driver",),
)
CARLA = Person(
    "Volunteer Carla", "+1 617 555 0103", "volunteer", name="Carla Diaz", zones=("02143",)
)
DAN = Person(
    "Volunteer Dan (off call)",
    "6175550104",
    "volunteer",
    name="Dan",
    zones=("02145",),
    languages=(),
    on_call=False,
)
DEE = Person("Dispatcher Dee", "617 555 0199", "dispatcher", name="Dee")

CAST: tuple[Person, ...] = (NEIGHBOUR, ROSA, ANA, BEN, CARLA, DAN, DEE)


def phones() -> list[tuple[str, str]]:
    """(label, E.164 number) of every phone the simulator shows."""
    return [(person.label, person.number) for person in CAST]


def seed_people(session: Session, group: Group) -> None:
    """Register the demo's volunteers and dispatcher in `group` (neighbours just text)."""
    for person in CAST:
        if person.role == "volunteer":
            add_volunteer(
                session,
                group,
                person.typed,
                name=person.name,
                zones=list(person.zones),
                skills=list(person.skills),
                languages=list(person.languages),
                on_call=person.on_call,
            )
        elif person.role == "dispatcher":
            add_dispatcher(session, group, person.typed, name=person.name)
