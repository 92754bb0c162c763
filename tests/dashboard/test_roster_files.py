"""The volunteers page: CSV downloads, the import upload (report, then Apply), who is on
call now and next."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import requests
from dashboard.pages import ANA, BEN, CSRF, DEE, PASSWORD, MakeRequest, Web
from sqlalchemy import select

from hotline.accounts import set_password
from hotline.groups import add_group
from hotline.models import Contact, Group, Volunteer
from hotline.needs import open_request
from hotline.people import add_dispatcher, add_volunteer, contact_for
from hotline.roster_io import set_override
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline

SHEET = (
    "Name,Mobile,Zones,Languages,Availability\n"
    "Carla Diaz,617-555-0103,Union Square,es,sábado y domingo 9-13\n"
    "Ana Lopez,617 555 0101,02145,es;en,mon-fri 18-22\n"
    "Nobody,12,02145,en,\n"
)


def _upload(web: Web, data: bytes, name: str = "roster.csv") -> requests.Response:
    token = web.token("/dashboard/volunteers")
    return web.http.post(
        web.base + "/dashboard/volunteers/import",
        data={"csrf_token": token},
        files={"sheet": (name, data, "text/csv")},
        timeout=10,
        allow_redirects=False,
    )


def _volunteers(hotline: Hotline) -> dict[str, tuple[str | None, list[str], str | None]]:
    with hotline.sessions() as db:
        rows = db.execute(
            select(Contact.phone_number, Contact.name, Volunteer.zones, Volunteer.availability)
            .join(Contact, Volunteer.contact_id == Contact.id)
            .where(Volunteer.active.is_(True))
        ).all()
        return {number: (name, zones, availability) for number, name, zones, availability in rows}


def test_the_upload_shows_the_report_and_writes_only_on_apply(
    signed_in: Web, hotline: Hotline
) -> None:
    before = _volunteers(hotline)
    answer = _upload(signed_in, SHEET.encode())
    assert answer.status_code == 200
    page = answer.text
    assert "3 rows: 2 ready, 1 with problems (left out)" in page
    assert "row 4: phone number not valid for US" in page
    assert "Apply: write 2 volunteers" in page
    assert _volunteers(hotline) == before  # a dry run writes nothing
    data = re.search(r'name="data" value="([^"]+)"', page)
    token = CSRF.search(page)
    assert data and token
    applied = signed_in.http.post(
        signed_in.base + "/dashboard/volunteers/import",
        data={"csrf_token": token.group(1), "data": data.group(1), "apply": "1"},
        timeout=10,
        allow_redirects=False,
    )
    assert applied.status_code == 302
    roster = signed_in.get("/dashboard/volunteers").text
    assert "Imported: 1 added, 1 updated, 0 unchanged." in roster
    after = _volunteers(hotline)
    assert after["+16175550103"] == ("Carla Diaz", ["02143"], "weekends 9-13")
    assert after[ANA] == ("Ana Lopez", ["02145"], "mon-fri 18-22")
    assert len(after) == len(before) + 1
    assert "Carla Diaz" in roster and "weekends 9-13" in roster


def test_an_upload_without_the_form_token_is_refused(signed_in: Web, hotline: Hotline) -> None:
    before = _volunteers(hotline)
    answer = signed_in.http.post(
        signed_in.base + "/dashboard/volunteers/import",
        data={"apply": "1", "data": "eJwLyMjPS+UyMzQ3NTU1MDQw4QIAKzkEEQ=="},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 400
    assert _volunteers(hotline) == before


def test_a_tampered_sheet_is_refused(signed_in: Web, hotline: Hotline) -> None:
    before = _volunteers(hotline)
    for field in ("not base64!", "UGhvbmUKNjE3NTU1MDEwNAo="):  # the second is not compressed
        answer = signed_in.post("/dashboard/volunteers/import", {"apply": "1", "data": field})
        assert answer.status_code == 400
    assert _volunteers(hotline) == before


def test_downloads_need_a_sign_in(web: Web, people: None) -> None:
    for path in ("volunteers.csv", "requests.csv?personal=1", "offers.csv"):
        answer = web.get(f"/dashboard/{path}")
        assert answer.status_code == 302 and "sign-in" in answer.headers["Location"]


def test_the_volunteers_download_reads_back_unchanged(signed_in: Web, hotline: Hotline) -> None:
    answer = signed_in.get("/dashboard/volunteers.csv")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "somerville-mutual-aid-volunteers-" in answer.headers["Content-Disposition"]
    text = answer.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Name,Phone,Zones,Skills,Languages,Availability,On call"
    assert "Ana Lopez,(617) 555-0101,02145,medical,es; en,,yes" in text.splitlines()
    before = _volunteers(hotline)
    page = _upload(signed_in, answer.content).text
    assert "2 rows: 2 ready" in page
    token, data = CSRF.search(page), re.search(r'name="data" value="([^"]+)"', page)
    assert token and data
    signed_in.http.post(
        signed_in.base + "/dashboard/volunteers/import",
        data={"csrf_token": token.group(1), "data": data.group(1), "apply": "1"},
        timeout=10,
        allow_redirects=False,
    )
    assert (
        "Imported: 0 added, 0 updated, 2 unchanged." in signed_in.get("/dashboard/volunteers").text
    )
    assert _volunteers(hotline) == before


def test_the_requests_download_is_the_groups_own_and_personal_only_when_asked(
    signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    ours = make_request("we need water, two kids, 12 Oak St")
    with hotline.sessions.begin() as db:
        medford = add_group(db, "Medford Aid", "+16175550900")
        set_password(add_dispatcher(db, medford, DEE, name="Dee"), PASSWORD)
        stranger = contact_for(db, medford, "+16175550951")
        theirs = open_request(db, medford, stranger, need="Medford words", now=hotline.clock.now())
        theirs_code = theirs.code
    plain = signed_in.get("/dashboard/requests.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(plain)))
    assert [r["Code"] for r in rows] == [ours]
    assert "Oak" not in plain and "two kids" not in plain and "Phone" not in plain
    personal = signed_in.get("/dashboard/requests.csv?personal=1").content.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(personal)))
    assert row["Their words"] == "we need water, two kids, 12 Oak St"
    assert row["Address"] == "12 Oak St"
    assert "Medford words" not in personal
    if theirs_code != ours:
        assert theirs_code not in personal


def test_the_roster_shows_who_is_on_call_now_and_next(
    web: Web, people: None, hotline: Hotline, clock: SettableClock
) -> None:
    # Thursday 3 December 2026, 9:00 in Boston (the group's number is a 617 one).
    clock.advance(datetime(2026, 12, 3, 14, 0, tzinfo=UTC) - clock.now())
    assert web.sign_in(DEE).status_code == 302
    with hotline.sessions.begin() as db:
        group = db.scalars(select(Group)).one()
        for volunteer in db.scalars(select(Volunteer).where(Volunteer.group_id == group.id)):
            if volunteer.contact.phone_number == ANA:
                volunteer.availability = "mon-fri 18-22"
            elif volunteer.contact.phone_number == BEN:
                volunteer.availability = "daily 8-12"
                set_override(volunteer, "OFF today", "America/New_York", clock.now())
    page = web.get("/dashboard/volunteers").text
    assert "Availability (America/New_York)" in page
    ana = re.search(r"Ana Lopez</td>.*?</tr>", page, re.S)
    ben = re.search(r"Ben Okafor</td>.*?</tr>", page, re.S)
    assert ana and ben
    assert "mon-fri 18-22" in ana.group() and "next on call Thu 18:00" in ana.group()
    assert "daily 8-12" in ben.group() and "next on call Fri 08:00" in ben.group()
    clock.advance(timedelta(hours=9, minutes=30))  # 18:30 in Boston
    page = web.get("/dashboard/volunteers").text
    ana = re.search(r"Ana Lopez</td>.*?</tr>", page, re.S)
    assert ana and "on call now until Thu 22:00" in ana.group()


def _volunteer_id(hotline: Hotline, number: str) -> int:
    with hotline.sessions() as db:
        found = db.scalar(
            select(Volunteer.id)
            .join(Contact, Volunteer.contact_id == Contact.id)
            .where(Contact.phone_number == number)
        )
        assert found is not None
        return found


def test_a_dispatcher_sets_availability_in_any_language(signed_in: Web, hotline: Hotline) -> None:
    ana = _volunteer_id(hotline, ANA)
    answer = signed_in.post(
        f"/dashboard/volunteers/{ana}/availability", {"availability": "lunes a viernes de 9 a 17"}
    )
    assert answer.status_code == 302
    page = signed_in.get("/dashboard/volunteers").text
    assert "Ana Lopez: mon-fri 9-17." in page
    assert _volunteers(hotline)[ANA][2] == "mon-fri 9-17"
    signed_in.post(f"/dashboard/volunteers/{ana}/availability", {"availability": "whenever"})
    page = signed_in.get("/dashboard/volunteers").text
    assert "Availability not changed: &#39;whenever&#39; is not a day or an hour." in page
    assert _volunteers(hotline)[ANA][2] == "mon-fri 9-17"
    signed_in.post(f"/dashboard/volunteers/{ana}/availability", {"availability": ""})
    assert _volunteers(hotline)[ANA][2] is None


def test_another_groups_volunteer_is_not_found(signed_in: Web, hotline: Hotline) -> None:
    with hotline.sessions.begin() as db:
        medford = add_group(db, "Medford Aid", "+16175550900")
        add_volunteer(db, medford, "+16175550960", name="Mo", zones=["02155"])
    mo = _volunteer_id(hotline, "+16175550960")
    answer = signed_in.post(f"/dashboard/volunteers/{mo}/availability", {"availability": "daily"})
    assert answer.status_code == 404
    with hotline.sessions() as db:
        assert db.get_one(Volunteer, mo).availability is None
