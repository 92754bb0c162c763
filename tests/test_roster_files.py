"""`hotline volunteers import/export`, `hotline requests export`, `hotline offers export`:
what the database holds after an import, and what a dispatcher's spreadsheet would show."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from hotline.cli import main
from hotline.groups import add_group
from hotline.models import AidOffer, Contact, Group, RequestStatus, Volunteer
from hotline.needs import open_request
from hotline.people import add_volunteer, contact_for
from hotline.runtime.db import make_session_factory

SHEET = (
    "Full name,Phone number,Zones,Skills,Languages spoken,Availability,On call\n"
    'Ana Lopez,(617) 555-0101,Winter Hill,medical; driver,"Spanish, English",lun-vie 18-22,yes\n'
    "Ben Okafor,617.555.0102,02143,,en,weekends,no\n"
    "Carla,555-01,02145,,,,\n"
    "Ana again,+1 617 555 0101,02145,,,,\n"
)


@pytest.fixture
def cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("HOTLINE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("HOTLINE_NUMBER", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, ok: bool = True) -> str:
    result = cli.invoke(main, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def session_on(engine: Engine) -> Session:
    return make_session_factory(engine)()


def roster_state(engine: Engine) -> list[tuple[object, ...]]:
    """Everything an import may touch, as a person would compare it."""
    with session_on(engine) as session:
        rows = session.execute(
            select(Volunteer, Contact).join(Contact, Volunteer.contact_id == Contact.id)
        ).all()
        return sorted(
            (
                c.phone_number,
                c.name,
                c.language,
                v.zones,
                v.skills,
                v.languages,
                v.availability,
                v.on_call,
                v.active,
            )
            for v, c in rows
        )


@pytest.fixture
def somerville(cli: CliRunner) -> None:
    run(
        cli,
        "group",
        "add",
        "Somerville Mutual Aid",
        "--number",
        "617 555 0100",
        "--zone",
        "02145: Winter Hill",
        "--zone",
        "02143: Union Square",
    )


def test_a_dry_run_reports_each_row_and_writes_nothing(
    cli: CliRunner, engine: Engine, tmp_path: Path, somerville: None
) -> None:
    sheet = tmp_path / "volunteers.csv"
    sheet.write_text(SHEET)
    out = run(cli, "volunteers", "import", str(sheet))
    assert out.splitlines() == [
        "row 4: phone number not valid for US",
        "row 5: duplicate of row 2",
        "4 rows: 2 ready, 2 with problems (left out)",
        "dry run: nothing written; run again with --apply to write",
    ]
    assert roster_state(engine) == []


def test_apply_writes_and_a_second_import_changes_nothing(
    cli: CliRunner, engine: Engine, tmp_path: Path, somerville: None
) -> None:
    sheet = tmp_path / "volunteers.csv"
    sheet.write_text(SHEET)
    out = run(cli, "volunteers", "import", str(sheet), "--apply")
    assert out.splitlines()[-1] == "Somerville Mutual Aid: 2 added, 0 updated, 0 unchanged"
    assert roster_state(engine) == [
        (
            "+16175550101",
            "Ana Lopez",
            "es",
            ["02145"],
            ["driver", "medical"],
            ["es", "en"],
            "mon-fri 18-22",
            True,
            True,
        ),
        ("+16175550102", "Ben Okafor", "en", ["02143"], [], ["en"], "weekends", False, True),
    ]
    before = roster_state(engine)
    again = run(cli, "volunteers", "import", str(sheet), "--apply")
    assert again.splitlines()[-1] == "Somerville Mutual Aid: 0 added, 0 updated, 2 unchanged"
    assert roster_state(engine) == before
    # Ben's row changed in the sheet: his record is updated, not doubled.
    sheet.write_text("Mobile,Availability\n617-555-0102,sat 9-12\n")
    changed = run(cli, "volunteers", "import", str(sheet), "--apply")
    assert changed.splitlines()[-1] == "Somerville Mutual Aid: 0 added, 1 updated, 0 unchanged"
    ben = next(row for row in roster_state(engine) if row[0] == "+16175550102")
    assert ben[6] == "sat 9-12" and ben[3] == ["02143"]  # the other columns are as they were
    assert len(roster_state(engine)) == 2


def test_export_then_import_changes_nothing(
    cli: CliRunner, engine: Engine, tmp_path: Path, somerville: None
) -> None:
    with session_on(engine) as session, session.begin():
        g = session.scalars(select(Group)).one()
        add_volunteer(
            session,
            g,
            "6175550101",
            name="Ana López",
            zones=["02145", "02143"],
            skills=["medical"],
            languages=["es", "en"],
            on_call=True,
        )
        add_volunteer(session, g, "+50928120000", name="Jean-Baptiste", languages=["ht", "fr"])
        add_volunteer(session, g, "6175550103", name=None, zones=["02143"])
        for v in session.scalars(select(Volunteer)):
            v.availability = {
                "Ana López": "mon-fri 18-22; sat 9-12",
                None: "fri 22-24; sat 0-2",
            }.get(v.contact.name)
    before = roster_state(engine)
    exported = tmp_path / "export.csv"
    run(cli, "volunteers", "export", "--output", str(exported))
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Name,Phone,Zones,Skills,Languages,Availability,On call"
    assert (
        "Ana López,(617) 555-0101,02143; 02145,medical,es; en,mon-fri 18-22; sat 9-12,yes" in lines
    )
    assert "Jean-Baptiste,'+509 28 12 0000,,,ht; fr,,no" in lines
    out = run(cli, "volunteers", "import", str(exported), "--apply")
    assert out.splitlines()[-1] == "Somerville Mutual Aid: 0 added, 0 updated, 3 unchanged"
    assert roster_state(engine) == before
    assert run(cli, "volunteers", "export") == exported.read_text(encoding="utf-8-sig")


def _requests_and_offers(engine: Engine) -> None:
    now = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    with session_on(engine) as session, session.begin():
        ours = session.scalars(select(Group).where(Group.name == "Somerville Mutual Aid")).one()
        theirs = add_group(session, "Medford Aid", "+16175550900")
        ana = add_volunteer(session, ours, "6175550101", name="Ana Lopez")
        neighbour = contact_for(session, ours, "+16175550150")
        neighbour.name = "Maria"
        need = open_request(session, ours, neighbour, need="water for 4, 12 Elm St", now=now)
        need.categories, need.zone, need.location = ["water"], "02145", "12 Elm St"
        need.status, need.claimed_by_id, need.claimed_at = RequestStatus.CLAIMED, ana.id, now
        need.code = "4821"
        other = contact_for(session, theirs, "+16175550951")
        elsewhere = open_request(session, theirs, other, need="Medford secret words", now=now)
        elsewhere.code = "7777"
        session.add(
            AidOffer(
                group_id=ours.id,
                contact_id=neighbour.id,
                body="I have a generator",
                categories=["power"],
                created_at=now,
            )
        )


def _table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_requests_export_leaves_personal_data_out_unless_asked(
    cli: CliRunner, engine: Engine, somerville: None
) -> None:
    _requests_and_offers(engine)
    plain = run(cli, "requests", "export", "--group", "Somerville Mutual Aid")
    [row] = _table(plain)
    assert row["Code"] == "4821" and row["Status"] == "claimed"
    assert row["Received (America/New_York)"] == "2026-12-03 09:05"
    assert row["Needs"] == "water" and row["Zone"] == "02145" and row["Claimed by"] == "Ana Lopez"
    for private in ("Maria", "555-0150", "Elm", "water for 4"):
        assert private not in plain
    personal = run(cli, "requests", "export", "--group", "Somerville Mutual Aid", "--personal")
    [row] = _table(personal)
    assert (row["Name"], row["Phone"], row["Address"], row["Their words"]) == (
        "Maria",
        "(617) 555-0150",
        "12 Elm St",
        "water for 4, 12 Elm St",
    )
    assert "7777" not in personal and "Medford" not in personal
    assert "several groups" in run(cli, "requests", "export", "--personal", ok=False)


def test_offers_export(cli: CliRunner, engine: Engine, somerville: None) -> None:
    _requests_and_offers(engine)
    plain = run(cli, "offers", "export", "--group", "Somerville Mutual Aid")
    assert _table(plain) == [
        {
            "Offered (America/New_York)": "2026-12-03 09:05",
            "Status": "open",
            "Kind": "power",
            "Matched request": "",
        }
    ]
    assert "generator" not in plain
    [row] = _table(run(cli, "offers", "export", "--group", "somerville mutual aid", "--personal"))
    assert (row["Name"], row["Their words"]) == ("Maria", "I have a generator")


def test_an_unreadable_file_is_a_report_not_a_traceback(
    cli: CliRunner, engine: Engine, tmp_path: Path, somerville: None
) -> None:
    sheet = tmp_path / "photo.csv"
    sheet.write_bytes(bytes(range(256)) * 4)
    out = run(cli, "volunteers", "import", str(sheet), "--apply")
    assert "no phone column" in out and "0 added, 0 updated, 0 unchanged" in out
    assert roster_state(engine) == []


def test_a_long_import_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """Run as a person would, in a terminal (a pseudo-terminal here), on a fresh SQLite file."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.sqlite'}",
        "HOTLINE_INSTANCE_PATH": str(tmp_path / "instance"),
        "HOTLINE_NUMBER": "+16175550100",
        "COLUMNS": "80",
    }
    env.pop("HOTLINE_REGION", None)
    sheet = tmp_path / "long.csv"
    sheet.write_text("Phone\n" + "".join(f"617 555 {n:04d}\n" for n in range(1000, 1300)))
    hotline = [sys.executable, "-m", "hotline.cli"]
    subprocess.run([*hotline, "db", "upgrade"], env=env, check=True, capture_output=True)
    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [*hotline, "volunteers", "import", str(sheet), "--apply"],
            env=env,
            stdout=secondary,
            stderr=secondary,
        )
        os.close(secondary)
        shown = b""
        while True:  # read as it comes, so the command never waits on a full terminal
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the command ended and its terminal closed
                break
            if not chunk:
                break
            shown += chunk
        returncode = process.wait(timeout=300)
    finally:
        os.close(primary)
    assert returncode == 0, shown
    assert b"writing" in shown and b"100%" in shown
    assert b"Hotline: 300 added, 0 updated, 0 unchanged" in shown
