"""A small cast for stories: volunteers in two zones and a dispatcher, in the test group."""

from __future__ import annotations

import re

from sqlalchemy import select

from hotline.models import Group, HelpRequest
from hotline.people import add_dispatcher, add_volunteer
from hotline.services import Hotline

NEIGHBOUR = "+16175550111"
ROSA = "+16175550112"  # another neighbour
ANA = "+16175550101"  # Spanish-speaking medic in 02145
BEN = "+16175550102"  # driver in 02145
CARLA = "+16175550103"  # 02143, the other side of town
DAN = "+16175550104"  # off call
DEE = "+16175550199"  # dispatcher


def add_cast(h: Hotline, group: Group, **settings: object) -> None:
    with h.sessions.begin() as session:
        g = session.get_one(Group, group.id)
        add_volunteer(
            session,
            g,
            "617-555-0101",
            name="Ana Lopez",
            zones=["02145"],
            skills=["medical"],
            languages=["es", "en"],
            on_call=True,
        )
        add_volunteer(
            session,
            g,
            "(617) 555 0102",
            name="Ben Okafor",
            zones=["02145"],
            skills=["driver"],
            languages=["en"],
            on_call=True,
        )
        add_volunteer(
            session,
            g,
            "+1 617 555 0103",
            name="Carla Diaz",
            zones=["02143"],
            languages=["en"],
            on_call=True,
        )
        add_volunteer(session, g, "6175550104", name="Dan", zones=["02145"], on_call=False)
        add_dispatcher(session, g, "617 555 0199", name="Dee")
        g.settings = {**g.settings, "wave_size": 2, **settings}


def code_in(text: str) -> str:
    match = re.search(r"#(\d{4,})", text)
    assert match, text
    return match.group(1)


def expected(h: Hotline, key: str, language: str, /, **values: object) -> str:
    return h.templates.render(key, language, fallback="en", **values).text


def request_row(h: Hotline, code: str) -> HelpRequest:
    with h.sessions() as session:
        return session.scalars(select(HelpRequest).where(HelpRequest.code == code)).one()
