"""The `hotline` command: groups, volunteers, dispatchers, migrations, settings errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select

from hotline import create_app
from hotline.cli import main
from hotline.models import Contact, Dispatcher, Group, Volunteer
from hotline.runtime.db import make_session_factory
from hotline.runtime.settings import MissingSetting, Settings


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


def rows(engine: Engine, model: type) -> list:  # type: ignore[type-arg]
    with make_session_factory(engine)() as session:
        return list(session.scalars(select(model)))


def test_group_and_volunteers_in_local_formats(cli: CliRunner, engine: Engine) -> None:
    run(
        cli,
        "group",
        "add",
        "Somerville Mutual Aid",
        "--number",
        "617 555 0100",
        "--zone",
        "02145",
        "--zone",
        "Winter Hill: WH, the hill",
    )
    assert "Somerville Mutual Aid\t+16175550100" in run(cli, "group", "list")
    out = run(
        cli,
        "volunteer",
        "add",
        "617 555 0101",
        "--name",
        "Ana",
        "--zone",
        "02145",
        "--skill",
        "medical",
        "--skill",
        "driver",
        "--language",
        "es",
        "--language",
        "en",
        "--on-call",
    )
    assert "+16175550101" in out
    run(cli, "volunteer", "add", "(617) 555-0102", "--name", "Ben")
    [g] = rows(engine, Group)
    assert g.zones == [
        {"name": "02145", "aliases": []},
        {"name": "Winter Hill", "aliases": ["WH", "the hill"]},
    ]
    ana = next(v for v in rows(engine, Volunteer) if v.on_call)
    assert (ana.zones, ana.skills, ana.languages) == (
        ["02145"],
        ["driver", "medical"],
        ["es", "en"],
    )
    listing = run(cli, "volunteer", "list")
    assert "Ana\t+16175550101\ton call" in listing and "Ben\t+16175550102\toff call" in listing


def test_invalid_number_is_one_clear_line_and_writes_nothing(
    cli: CliRunner, engine: Engine
) -> None:
    run(cli, "group", "add", "G", "--number", "+16175550100")
    out = run(cli, "volunteer", "add", "555 12", "--name", "X", ok=False)
    assert out.strip().count("\n") == 0 and "not" in out and "555 12" in out
    assert rows(engine, Volunteer) == [] and len(rows(engine, Contact)) == 0


def test_remove_volunteer_and_dispatchers(cli: CliRunner, engine: Engine) -> None:
    run(cli, "group", "add", "G", "--number", "+16175550100")
    run(cli, "volunteer", "add", "6175550101", "--name", "Ana", "--on-call")
    run(cli, "volunteer", "remove", "+1 617-555-0101")
    assert "no volunteers yet" in run(cli, "volunteer", "list")
    [v] = rows(engine, Volunteer)
    assert not v.active and not v.on_call
    run(cli, "dispatcher", "add", "617.555.0199", "--name", "Dee")
    assert "Dee\t+16175550199\ton duty" in run(cli, "dispatcher", "list")
    assert len(rows(engine, Dispatcher)) == 1


def test_import_is_all_or_nothing(cli: CliRunner, engine: Engine, tmp_path: Path) -> None:
    run(cli, "group", "add", "G", "--number", "+16175550100")
    good = tmp_path / "good.csv"
    good.write_text(
        "number,name,zones,skills,languages,on_call\n"
        "617-555-0101,Ana,02145;02143,medical,es;en,yes\n"
        "+1 617 555 0102,Ben,02145,driver,en,no\n"
    )
    assert "imported 2" in run(cli, "volunteer", "import", str(good))
    bad = tmp_path / "bad.csv"
    bad.write_text("number,name\n617-555-0103,Carla\nnot a number,Dan\n")
    out = run(cli, "volunteer", "import", str(bad), ok=False)
    assert "line 3" in out and "nothing imported" in out
    assert {c.name for c in rows(engine, Contact)} == {"Ana", "Ben"}


def test_several_groups_need_a_name(cli: CliRunner) -> None:
    run(cli, "group", "add", "A", "--number", "+16175550100")
    run(cli, "group", "add", "B", "--number", "+17815550100")
    assert "several groups" in run(cli, "volunteer", "list", ok=False)
    run(cli, "volunteer", "add", "7815550101", "--name", "Mo", "--group", "B")
    assert "Mo" in run(cli, "volunteer", "list", "--group", "b")


def test_hotline_number_creates_the_default_group(
    cli: CliRunner, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_NUMBER", "+16175550100")
    run(cli, "db", "upgrade")
    [g] = rows(engine, Group)
    assert g.hotline_number == "+16175550100"


def test_triage_command_reads_and_writes_json_lines(cli: CliRunner) -> None:
    lines = '{"id": 1, "text": "we need water for 4 people at 12 Elm St"}\nnot json\n'
    result = cli.invoke(main, ["triage", "--no-zones"], input=lines)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert set(first) == {"id", "categories", "urgency", "kind", "language", "location", "people"}
    assert first["id"] == 1 and "water" in first["categories"] and first["people"] == 4
    assert "error" in second


def test_missing_required_setting_stops_with_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOTLINE_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "hotline.cli", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Error: REDIS_URL is not set: set it to redis://host:6379/0"
        " (or use `hotline run` for an embedded one)"
    )
    with pytest.raises(MissingSetting, match=r"^REDIS_URL is not set"):
        create_app(Settings.from_env({"HOTLINE_INSTANCE_PATH": str(tmp_path)}))


def test_a_setting_that_is_not_a_number_is_one_clear_line(tmp_path: Path) -> None:
    env = {"HOTLINE_INSTANCE_PATH": str(tmp_path)}
    assert Settings.from_env(env).trusted_proxies == 0
    assert Settings.from_env({**env, "HOTLINE_TRUSTED_PROXIES": "1"}).trusted_proxies == 1
    with pytest.raises(MissingSetting, match=r"^HOTLINE_TRUSTED_PROXIES must be a whole number"):
        Settings.from_env({**env, "HOTLINE_TRUSTED_PROXIES": "yes"})
    with pytest.raises(MissingSetting, match=r"^HOTLINE_RETENTION_DAYS must be a whole number"):
        Settings.from_env({**env, "HOTLINE_RETENTION_DAYS": "-5"})


def test_a_bad_setting_is_one_line_for_every_command(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOTLINE_TRUSTED_PROXIES", "yes")
    output = run(cli, "group", "list", ok=False)
    assert output.strip() == (
        "Error: HOTLINE_TRUSTED_PROXIES must be a whole number (0 or more), not 'yes'"
    )
