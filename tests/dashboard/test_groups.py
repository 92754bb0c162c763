"""One person dispatching for two groups: each sign-in opens only the groups it proved."""

from __future__ import annotations

import re

import pytest
from dashboard.pages import DEE, PASSWORD, MakeRequest, Web
from story import run_jobs

from hotline.accounts import set_password
from hotline.groups import add_group
from hotline.models import Group
from hotline.people import add_dispatcher
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer

OTHER_PASSWORD = "another long passphrase"


@pytest.fixture
def medford(hotline: Hotline, people: None) -> int:
    """A second, independent group where Dee also dispatches."""
    with hotline.sessions.begin() as session:
        group = add_group(session, "Medford Aid", "+16175550900")
        set_password(add_dispatcher(session, group, DEE, name="Dee"), PASSWORD)
        return group.id


def _switch_options(page: str) -> list[str]:
    select = re.search(r'<select name="desk">(.*?)</select>', page, re.S)
    return re.findall(r">([^<]+)</option>", select.group(1)) if select else []


def test_one_password_for_both_groups_opens_both_and_switches(
    web: Web, hotline: Hotline, medford: int, make_request: MakeRequest
) -> None:
    ours = make_request("water for the Somerville family")
    theirs = make_request("food for the Medford family", group_id=medford, phone="+16175550901")
    assert web.sign_in(DEE).status_code == 302
    queue = web.get("/dashboard/").text
    assert f"#{ours}<" in queue and f"#{theirs}<" not in queue
    assert _switch_options(queue) == ["Somerville Mutual Aid", "Medford Aid"]
    desk = re.search(r'<option value="(\d+)">Medford Aid', queue)
    assert desk
    switched = web.post("/dashboard/switch-group", {"desk": desk.group(1)})
    assert switched.status_code == 302
    queue = web.get("/dashboard/").text
    assert "Now working for Medford Aid." in queue
    assert f"#{theirs}<" in queue and f"#{ours}<" not in queue
    if theirs != ours:
        assert web.get(f"/dashboard/requests/{ours}").status_code == 404
    assert _switch_options(queue) == ["Medford Aid", "Somerville Mutual Aid"]


def test_a_password_opens_only_the_groups_it_belongs_to(
    web: Web, hotline: Hotline, medford: int
) -> None:
    with hotline.sessions.begin() as session:
        group = session.get_one(Group, medford)
        theirs = add_dispatcher(session, group, DEE, name="Dee")
        set_password(theirs, OTHER_PASSWORD)
        session.flush()
        medford_desk = str(theirs.id)
    assert web.sign_in(DEE).status_code == 302
    queue = web.get("/dashboard/").text
    assert _switch_options(queue) == []  # no way into Medford without its password
    # Asking for it anyway, by its number or a made-up one, changes nothing.
    for desk in (medford_desk, "999", "x"):
        web.post("/dashboard/switch-group", {"desk": desk})
        queue = web.get("/dashboard/").text
        assert "not open to this sign-in" in queue
        assert "<title>Queue · Somerville Mutual Aid</title>" in queue
    other = Web(web.base)
    assert other.sign_in(DEE, OTHER_PASSWORD).status_code == 302
    assert "<title>Queue · Medford Aid</title>" in other.get("/dashboard/").text


def test_a_texted_code_proves_the_phone_and_opens_every_group(
    web: Web, hotline: Hotline, sim: SimServer, medford: int
) -> None:
    with hotline.sessions.begin() as session:
        group = session.get_one(Group, medford)
        set_password(add_dispatcher(session, group, DEE, name="Dee"), OTHER_PASSWORD)
    web.post("/dashboard/sign-in/text-me", {"number": DEE})
    run_jobs(hotline)
    code = re.search(r"\b(\d{6})\b", sim.messages_to(DEE)[-1].body)
    assert code
    assert (
        web.post("/dashboard/sign-in/code", {"number": DEE, "code": code.group(1)}).status_code
        == 302
    )
    assert _switch_options(web.get("/dashboard/").text) == ["Somerville Mutual Aid", "Medford Aid"]


def test_a_new_password_in_one_group_closes_that_door_only(
    web: Web, hotline: Hotline, medford: int
) -> None:
    assert web.sign_in(DEE).status_code == 302
    with hotline.sessions.begin() as session:
        group = session.get_one(Group, medford)
        set_password(add_dispatcher(session, group, DEE, name="Dee"), OTHER_PASSWORD)
    queue = web.get("/dashboard/")
    assert queue.status_code == 200
    assert _switch_options(queue.text) == []
