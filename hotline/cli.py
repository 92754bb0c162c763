"""The `hotline` command: run the hotline, its workers and migrations; manage groups and people."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.accounts import WeakPassword, hash_password, set_password
from hotline.groups import GroupError, add_group, ensure_default_group, parse_zone
from hotline.models import Contact, Dispatcher, Group, Volunteer
from hotline.people import PeopleError, add_dispatcher, add_volunteer, group_by_name
from hotline.phones import InvalidNumber, normalise
from hotline.runtime.db import make_engine, make_session_factory
from hotline.runtime.settings import MissingSetting, Settings


def settings() -> Settings:
    return Settings.from_env()


@contextmanager
def database() -> Iterator[Session]:
    """A session for one command; everything it wrote commits together or not at all."""
    s = settings()
    s.instance_path.mkdir(parents=True, exist_ok=True)
    engine = make_engine(s.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            ensure_default_group(session, s)
            yield session
    except (PeopleError, GroupError, InvalidNumber) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()


class _Commands(click.Group):
    """Every command: a missing or unusable setting is one clear line, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MissingSetting as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Commands)
def main() -> None:
    """A disaster-relief SMS and voice hotline for mutual-aid groups."""


# --- processes ----------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, help="the hotline's web port")
@click.option("--sim-port", default=5001, show_default=True, help="the phone simulator's port")
@click.option("--gateway-port", default=5002, show_default=True, help="the SMS gateway sim's port")
@click.option("--demo/--no-demo", default=True, help="add demo volunteers to a new database")
@click.option("--expose", is_flag=True, help="allow a --host beyond loopback (a shown demo)")
def run(host: str, port: int, sim_port: int, gateway_port: int, demo: bool, expose: bool) -> None:
    """Run the whole hotline on this machine: web, worker, Redis and a phone simulator."""
    from hotline.runtime.embedded import run_embedded
    from hotline.simulators.loopback import exposure_refused

    if refused := exposure_refused(host, expose=expose):
        raise click.UsageError(refused)

    run_embedded(
        settings(), host=host, port=port, sim_port=sim_port, demo=demo, gateway_port=gateway_port
    )


@main.command()
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
def worker(burst: bool) -> None:
    """Run an RQ worker (with the scheduler) on the hotline's queues."""
    from hotline.runtime.working import run_worker

    run_worker(settings(), burst=burst)


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create or migrate the tables (run on every release)."""
    from hotline.runtime.migrate import upgrade

    s = settings()
    s.instance_path.mkdir(parents=True, exist_ok=True)
    engine = make_engine(s.database_url)
    try:
        upgrade(engine, revision)
        with make_session_factory(engine).begin() as session:
            ensure_default_group(session, s)
    finally:
        engine.dispose()
    click.echo(f"database at {revision}")


@main.command()
def sweep() -> None:
    """Rebuild pending work from the database once (workers also do this every second)."""
    from hotline.runtime.services import build
    from hotline.sweeper import sweep as sweep_once

    click.echo(str(sweep_once(build(settings()))))


@main.command()
def redact() -> None:
    """Remove personal data from requests closed longer than HOTLINE_RETENTION_DAYS ago."""
    from hotline.retention import redact_closed
    from hotline.runtime.services import build

    s = settings()
    count = redact_closed(build(s))
    click.echo(f"redacted {count} requests closed more than {s.retention_days} days ago")


# --- groups -------------------------------------------------------------------------------


@main.group()
def group() -> None:
    """Mutual-aid groups sharing this deployment."""


@group.command("add")
@click.argument("name")
@click.option("--number", required=True, help="the group's hotline number")
@click.option("--region", default="US", show_default=True, help="ISO country for local numbers")
@click.option("--language", default="en", show_default=True, help="default language")
@click.option("--emergency", default="911", show_default=True, help="local emergency number")
@click.option("--zone", "zones", multiple=True, help='ZIP code or "Area name: alias, alias"')
def group_add(
    name: str, number: str, region: str, language: str, emergency: str, zones: tuple[str, ...]
) -> None:
    """Add a group with its hotline number."""
    with database() as session:
        added = add_group(
            session,
            name,
            number,
            region=region,
            language=language,
            emergency=emergency,
            zones=[parse_zone(z) for z in zones],
        )
        click.echo(f"group {added.name} on {added.hotline_number}")


@group.command("list")
def group_list() -> None:
    """List the groups."""
    with database() as session:
        for g in session.scalars(select(Group).order_by(Group.name)):
            zones = ", ".join(z["name"] for z in g.zones) or "-"
            click.echo(f"{g.name}\t{g.hotline_number}\t{g.default_language}\tzones: {zones}")


# --- volunteers ---------------------------------------------------------------------------

group_option = click.option(
    "--group", "group_name", help="the group (needed when there are several)"
)


@main.group()
def volunteer() -> None:
    """Volunteers who are offered requests by SMS."""


@volunteer.command("add")
@click.argument("number")
@click.option("--name", required=True)
@click.option("--zone", "zones", multiple=True, help="a zone they cover (repeatable)")
@click.option("--skill", "skills", multiple=True, help="e.g. medical, driver (repeatable)")
@click.option("--language", "languages", multiple=True, help="e.g. en, es (repeatable)")
@click.option("--on-call/--off-call", default=False, help="offer them requests now")
@group_option
def volunteer_add(
    number: str,
    name: str,
    zones: tuple[str, ...],
    skills: tuple[str, ...],
    languages: tuple[str, ...],
    on_call: bool,
    group_name: str | None,
) -> None:
    """Add or update a volunteer (numbers in any local or international format)."""
    with database() as session:
        g = group_by_name(session, group_name)
        v = add_volunteer(
            session,
            g,
            number,
            name=name,
            zones=zones,
            skills=skills,
            languages=languages,
            on_call=on_call,
        )
        click.echo(
            f"volunteer {name} {v.contact.phone_number} {'on call' if on_call else 'off call'}"
        )


@volunteer.command("list")
@group_option
def volunteer_list(group_name: str | None) -> None:
    """List active volunteers."""
    with database() as session:
        g = group_by_name(session, group_name)
        rows = session.execute(
            select(Volunteer, Contact)
            .join(Contact, Volunteer.contact_id == Contact.id)
            .where(Volunteer.group_id == g.id, Volunteer.active.is_(True))
            .order_by(Contact.name)
        ).all()
        for v, c in rows:
            click.echo(
                "\t".join(
                    [
                        c.name or "-",
                        c.phone_number,
                        "on call" if v.on_call else "off call",
                        "zones: " + (",".join(v.zones) or "-"),
                        "skills: " + (",".join(v.skills) or "-"),
                        "languages: " + (",".join(v.languages) or "-"),
                    ]
                )
            )
        if not rows:
            click.echo("no volunteers yet")


@volunteer.command("remove")
@click.argument("number")
@group_option
def volunteer_remove(number: str, group_name: str | None) -> None:
    """Remove a volunteer: they get no more offers and learn nothing more."""
    with database() as session:
        g = group_by_name(session, group_name)
        e164 = _number(number, g)
        v = session.scalar(
            select(Volunteer)
            .join(Contact, Volunteer.contact_id == Contact.id)
            .where(
                Volunteer.group_id == g.id, Contact.phone_number == e164, Volunteer.active.is_(True)
            )
        )
        if v is None:
            raise click.ClickException(f"no volunteer with number {number}")
        v.active, v.on_call = False, False
        click.echo(f"removed volunteer {v.contact.name or e164}")


@volunteer.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@group_option
def volunteer_import(path: Path, group_name: str | None) -> None:
    """Import volunteers from CSV: number,name,zones,skills,languages,on_call.

    Several zones, skills or languages go in one cell separated by ';'. All rows are checked
    first: one bad row and nothing is written.
    """
    with database() as session:
        g = group_by_name(session, group_name)
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
        for line, row in enumerate(rows, start=2):
            try:
                add_volunteer(
                    session,
                    g,
                    row.get("number", ""),
                    name=(row.get("name") or "").strip() or None,
                    zones=_cell(row, "zones"),
                    skills=_cell(row, "skills"),
                    languages=_cell(row, "languages"),
                    on_call=(row.get("on_call") or "").strip().lower()
                    in {"1", "yes", "y", "true", "on"},
                )
            except PeopleError as exc:
                raise click.ClickException(
                    f"{path.name} line {line}: {exc}; nothing imported"
                ) from None
        click.echo(f"imported {len(rows)} volunteers into {g.name}")


def _cell(row: dict[str, Any], name: str) -> list[str]:
    return [part.strip() for part in (row.get(name) or "").split(";") if part.strip()]


def _number(raw: str, g: Group) -> str:
    try:
        return normalise(raw, g.region)
    except InvalidNumber as exc:
        raise click.ClickException(str(exc)) from None


# --- dispatchers --------------------------------------------------------------------------


@main.group()
def dispatcher() -> None:
    """Dispatchers who run the queue on the web or by SMS."""


@dispatcher.command("add")
@click.argument("number")
@click.option("--name", required=True)
@click.option(
    "--password",
    "with_password",
    is_flag=True,
    help="prompt for a dashboard password (else they sign in with a texted code)",
)
@group_option
def dispatcher_add(number: str, name: str, with_password: bool, group_name: str | None) -> None:
    """Add a dispatcher (they can text Q, SHOW, ASSIGN and CLOSE, and use the dashboard)."""
    password = _new_password() if with_password else None
    with database() as session:
        g = group_by_name(session, group_name)
        d = add_dispatcher(session, g, number, name=name)
        if password is not None:
            set_password(d, password)
        click.echo(f"dispatcher {name} {d.contact.phone_number}")


@dispatcher.command("password")
@click.argument("number")
@group_option
def dispatcher_password(number: str, group_name: str | None) -> None:
    """Set a dispatcher's dashboard password; their other dashboard sessions end."""
    password = _new_password()
    with database() as session:
        g = group_by_name(session, group_name)
        d = _dispatcher(session, g, number)
        set_password(d, password)
        click.echo(f"password set for {d.contact.name or d.contact.phone_number}")


def _new_password() -> str:
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        hash_password(password)  # refuse a weak one before touching the database
    except WeakPassword as exc:
        raise click.ClickException(f"password not set: {exc}") from None
    return password


def _dispatcher(session: Session, g: Group, number: str) -> Dispatcher:
    e164 = _number(number, g)
    d = session.scalar(
        select(Dispatcher)
        .join(Contact, Dispatcher.contact_id == Contact.id)
        .where(
            Dispatcher.group_id == g.id,
            Contact.phone_number == e164,
            Dispatcher.active.is_(True),
        )
    )
    if d is None:
        raise click.ClickException(f"no dispatcher with number {number}")
    return d


@dispatcher.command("list")
@group_option
def dispatcher_list(group_name: str | None) -> None:
    with database() as session:
        g = group_by_name(session, group_name)
        rows = session.execute(
            select(Dispatcher, Contact)
            .join(Contact, Dispatcher.contact_id == Contact.id)
            .where(Dispatcher.group_id == g.id, Dispatcher.active.is_(True))
        ).all()
        for d, c in rows:
            click.echo(f"{c.name}\t{c.phone_number}\t{'on duty' if d.on_duty else 'off duty'}")
        if not rows:
            click.echo("no dispatchers yet")


@dispatcher.command("remove")
@click.argument("number")
@group_option
def dispatcher_remove(number: str, group_name: str | None) -> None:
    with database() as session:
        g = group_by_name(session, group_name)
        d = _dispatcher(session, g, number)
        d.active = False
        click.echo(f"removed dispatcher {d.contact.name or d.contact.phone_number}")


# --- spreadsheets -------------------------------------------------------------------------

output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="write the CSV to this file (else to the screen)",
)
personal_option = click.option(
    "--personal",
    is_flag=True,
    help="include names, numbers, addresses and their words (this group's only)",
)


def _write_csv(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        # utf-8-sig: spreadsheet programs then read accents right when the file is opened.
        output.write_text(text, encoding="utf-8-sig", newline="")
        click.echo(f"wrote {output}", err=True)


@main.group()
def volunteers() -> None:
    """The volunteer roster as a spreadsheet: import and export CSV."""


@volunteers.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_rows", is_flag=True, help="write the rows (else only check)")
@group_option
def volunteers_import(path: Path, apply_rows: bool, group_name: str | None) -> None:
    """Check a volunteer CSV row by row; with --apply, add or update the volunteers.

    Columns (any order, forgiving names): Name, Phone, Zones, Skills, Languages,
    Availability, On call. Rows are matched on the phone number, so importing the same sheet
    twice changes nothing. Rows with a problem are reported and left out.
    """
    from hotline.roster_io import apply_roster
    from hotline.spreadsheets import read_roster

    data = path.read_bytes()
    with database() as session:
        g = group_by_name(session, group_name)
        report = read_roster(data, region=g.region, zones=g.zones)
        for line in report.lines():
            click.echo(line)
        click.echo(report.summary())
        ready = report.ready
        if not apply_rows:
            click.echo("dry run: nothing written; run again with --apply to write")
            return
        if sys.stdout.isatty() and len(ready) > 1:
            with click.progressbar(length=len(ready), label="writing") as bar:
                applied = apply_roster(session, g, ready, on_row=lambda: bar.update(1))
        else:
            applied = apply_roster(session, g, ready)
        click.echo(f"{g.name}: {applied.summary()}")


@volunteers.command("export")
@output_option
@group_option
def volunteers_export(output: Path | None, group_name: str | None) -> None:
    """The group's volunteers as CSV (the same columns an import reads)."""
    from hotline.roster_io import export_volunteers

    with database() as session:
        text = export_volunteers(session, group_by_name(session, group_name))
    _write_csv(text, output)


@main.group()
def requests() -> None:
    """Requests for help, as a spreadsheet."""


@requests.command("export")
@personal_option
@output_option
@group_option
def requests_export(personal: bool, output: Path | None, group_name: str | None) -> None:
    """The group's requests as CSV; personal data only with --personal."""
    from hotline.roster_io import export_requests

    with database() as session:
        text = export_requests(session, group_by_name(session, group_name), personal=personal)
    _write_csv(text, output)


@main.group()
def offers() -> None:
    """What people offered the group (OFFER ...), as a spreadsheet."""


@offers.command("export")
@personal_option
@output_option
@group_option
def offers_export(personal: bool, output: Path | None, group_name: str | None) -> None:
    """The group's offers as CSV; who offered and their words only with --personal."""
    from hotline.roster_io import export_offers

    with database() as session:
        text = export_offers(session, group_by_name(session, group_name), personal=personal)
    _write_csv(text, output)


# --- triage -------------------------------------------------------------------------------


@main.command()
@group_option
@click.option(
    "--zones/--no-zones", default=True, help="use the group's zones when a database exists"
)
def triage(group_name: str | None, zones: bool) -> None:
    """Triage JSON lines {"id", "text"} from stdin; write one JSON result line each."""
    from hotline.triage import Triager, Zone
    from hotline.triage.jsonl import annotate

    s = settings()
    group_zones: list[Zone] = []
    language = s.default_language
    if zones and _database_exists(s):
        engine = make_engine(s.database_url)
        try:
            with make_session_factory(engine)() as session:
                g = group_by_name(session, group_name)
                group_zones = [Zone.from_setting(zone) for zone in g.zones]
                language = g.default_language
        except PeopleError:
            pass
        finally:
            engine.dispose()
    extra = [s.lexicon_dir] if s.lexicon_dir else []
    triager = Triager(zones=group_zones, extra_lexicon_dirs=extra, default_language=language)
    annotate(sys.stdin, sys.stdout, triager)


# --- when the hotline itself is unreachable ------------------------------------------------

FALLBACK_LANGUAGES = ("en", "es", "fr", "ht")


@main.command("fallback-reply")
@group_option
@click.option("--phone", help="the number to text instead (default: GATEWAY_NUMBER)")
def fallback_reply(group_name: str | None, phone: str | None) -> None:
    """Print, per language, the TwiML for the number's fallback URL (a Twilio TwiML Bin).

    Twilio answers with it when the hotline cannot be reached: the service is briefly
    down, text the gateway phone instead. The group's own language comes first.
    """
    from xml.etree import ElementTree

    from hotline.phones import display
    from hotline.sms.templates import TemplateBook, default_template_root

    s = settings()
    with database() as session:
        g = group_by_name(session, group_name)
        name, region, language = g.name, g.region, g.default_language
        emergency = g.emergency_number
    instead = phone or s.gateway_number
    if not instead:
        raise click.ClickException(
            "no number to text instead: pass --phone or set GATEWAY_NUMBER (the gateway phone)"
        )
    try:
        number = display(normalise(instead, region))
    except InvalidNumber as exc:
        raise click.ClickException(str(exc)) from None
    book = TemplateBook(s.templates_dir or default_template_root())
    order = sorted(FALLBACK_LANGUAGES, key=lambda lang: lang != language)
    for lang in order:
        reply = book.render(
            "fallback_down", lang, fallback=lang, group=name, phone=number, emergency=emergency
        )
        # Static XML for the operator to paste, built here: the domain imports no adapter.
        response = ElementTree.Element("Response")
        ElementTree.SubElement(response, "Message").text = reply.text
        click.echo(f"{lang}:")
        click.echo(
            '<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(response, "unicode")
        )


def _database_exists(s: Settings) -> bool:
    if s.database_url.startswith("sqlite:///"):
        return Path(s.database_url.removeprefix("sqlite:///")).exists()
    return True


if __name__ == "__main__":
    main()
