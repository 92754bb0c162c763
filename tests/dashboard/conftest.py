"""Dashboard fixtures: a group with volunteers and a dispatcher, requests made to order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dashboard.pages import ANA, BEN, DEE, NEIGHBOUR, PASSWORD, MakeRequest, Web

from hotline.accounts import set_password
from hotline.models import Group, RequestStatus, Urgency
from hotline.needs import open_request
from hotline.people import add_dispatcher, add_volunteer, contact_for
from hotline.runtime.services import Hotline


@pytest.fixture
def people(hotline: Hotline, group: Group) -> None:
    with hotline.sessions.begin() as session:
        g = session.get_one(Group, group.id)
        add_volunteer(
            session,
            g,
            ANA,
            name="Ana Lopez",
            zones=["02145"],
            skills=["medical"],
            languages=["es", "en"],
            on_call=True,
        )
        add_volunteer(session, g, BEN, name="Ben Okafor", zones=["02145"], on_call=True)
        set_password(add_dispatcher(session, g, DEE, name="Dee"), PASSWORD)


@pytest.fixture
def web(hotline: Hotline) -> Web:
    assert hotline.settings.public_url
    return Web(hotline.settings.public_url)


@pytest.fixture
def signed_in(web: Web, people: None) -> Web:
    answer = web.sign_in(DEE)
    assert answer.status_code == 302, answer.text
    return web


@pytest.fixture
def make_request(hotline: Hotline, group: Group) -> MakeRequest:
    """Open a request as if a neighbour had texted it and triage had read it; returns its code."""

    def make(
        need: str = "we need water, two kids",
        *,
        group_id: int | None = None,
        phone: str = NEIGHBOUR,
        categories: tuple[str, ...] = ("water",),
        urgency: Urgency = Urgency.ROUTINE,
        zone: str | None = "02145",
        status: RequestStatus = RequestStatus.OPEN,
        age: timedelta = timedelta(minutes=5),
    ) -> str:
        with hotline.sessions.begin() as session:
            g = session.get_one(Group, group_id or group.id)
            contact = contact_for(session, g, phone)
            now = hotline.clock.now() - age
            request = open_request(session, g, contact, need=need, now=now)
            request.categories = list(categories)
            request.urgency = urgency
            request.zone = zone
            request.location = "12 Oak St"
            request.status = status
            session.flush()
            return request.code

    return make
