"""The demo's cast in the test group, for stories: volunteers in two zones and a dispatcher."""

from __future__ import annotations

import re

from sqlalchemy import select

from hotline import demo
from hotline.models import Group, HelpRequest
from hotline.runtime.services import Hotline

NEIGHBOUR = demo.NEIGHBOUR.number
ROSA = demo.ROSA.number  # another neighbour
ANA = demo.ANA.number  # Spanish-speaking medic in 02145
BEN = demo.BEN.number  # driver in 02145
CARLA = demo.CARLA.number  # 02143, the other side of town
DAN = demo.DAN.number  # off call
DEE = demo.DEE.number  # dispatcher


def add_cast(h: Hotline, group: Group, **settings: object) -> None:
    """The demo's cast (`hotline.demo`), with waves of two so that Carla comes second."""
    with h.sessions.begin() as session:
        g = session.get_one(Group, group.id)
        demo.seed_people(session, g)
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
