"""The volunteer roster: who is on call, where, with what skills, how busy, how often asked."""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.availability import MAX_TEXT, AvailabilityError, format_weekly, parse_weekly
from hotline.dispatch import volunteer_label
from hotline.lifecycle import open_claims_per_volunteer
from hotline.models import Contact, Group, Offer, Volunteer
from hotline.roster_io import (
    apply_roster,
    export_offers,
    export_requests,
    export_volunteers,
    on_call_window,
    zone_of,
)
from hotline.spreadsheets import MAX_BYTES, read_roster
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import desk, group_of, hotline

# Offers in a day past which someone is being leaned on: spread the asking around.
ASKED_OFTEN = 8


@dataclass(frozen=True)
class RosterRow:
    id: int
    name: str
    on_call: bool
    zones: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    open_claims: int
    last_answer_at: datetime | None
    offers_24h: int

    @property
    def asked_often(self) -> bool:
        return self.offers_24h >= ASKED_OFTEN


def roster(session: Session, group: Group, now: datetime) -> list[RosterRow]:
    claims = {v: n for v, n in session.execute(open_claims_per_volunteer(group.id))}
    offers = dict(
        session.execute(
            select(Offer.volunteer_id, func.count())
            .join(Volunteer, Offer.volunteer_id == Volunteer.id)
            .where(Volunteer.group_id == group.id, Offer.offered_at >= now - timedelta(hours=24))
            .group_by(Offer.volunteer_id)
        ).all()
    )
    rows = session.execute(
        select(Volunteer, Contact.name)
        .join(Contact, Volunteer.contact_id == Contact.id)
        .where(Volunteer.group_id == group.id, Volunteer.active.is_(True))
        .order_by(Volunteer.on_call.desc(), Contact.name)
    ).all()
    return [
        RosterRow(
            id=v.id,
            name=name or "(no name)",
            on_call=v.on_call,
            zones=tuple(v.zones),
            skills=tuple(v.skills),
            languages=tuple(v.languages),
            open_claims=int(claims.get(v.id, 0)),
            last_answer_at=v.last_answer_at,
            offers_24h=int(offers.get(v.id, 0)),
        )
        for v, name in rows
    ]


@bp.get("/dashboard/volunteers")
def volunteers() -> str:
    h = hotline()
    with h.sessions() as db:
        group = group_of(db)
        return render_template(
            "dashboard/volunteers.html",
            group=group,
            rows=roster(db, group, h.clock.now()),
            now=h.clock.now(),
            asked_often=ASKED_OFTEN,
            on_call_times=on_call_times(db, group, h.clock.now()),
            schedules=_schedules(db, group),
            time_zone=zone_of(group),
        )


@bp.post("/dashboard/volunteers/<int:volunteer_id>/on-call")
def set_on_call(volunteer_id: int) -> ResponseReturnValue:
    on_call = request.form.get("on_call") == "1"
    with hotline().work() as work:
        volunteer = work.session.scalar(
            select(Volunteer).where(
                Volunteer.id == volunteer_id, Volunteer.group_id == desk().group_id
            )
        )
        if volunteer is None:
            return "Not found", 404
        volunteer.on_call = on_call
        name = volunteer_label(volunteer)
    flash(f"{name} is now {'on' if on_call else 'off'} call.")
    return redirect(url_for("dashboard.volunteers"))


# --- spreadsheets and schedules ----------------------------------------------------------


def on_call_times(session: Session, group: Group, now: datetime) -> dict[int, str]:
    """Per volunteer id: "on call now, until Thu 22:00", "next on call Fri 18:00" or "-"."""
    zone = zone_of(group)
    local = ZoneInfo(zone)
    out: dict[int, str] = {}
    for volunteer in session.scalars(
        select(Volunteer).where(Volunteer.group_id == group.id, Volunteer.active.is_(True))
    ):
        window = on_call_window(volunteer, zone, now)
        if window is None:
            out[volunteer.id] = "-"
        elif window.start <= now:
            until = window.end.astimezone(local).strftime(" until %a %H:%M") if window.end else ""
            out[volunteer.id] = "on call now" + until
        else:
            out[volunteer.id] = "next on call " + window.start.astimezone(local).strftime(
                "%a %H:%M"
            )
    return out


def _schedules(session: Session, group: Group) -> dict[int, str]:
    rows = session.execute(
        select(Volunteer.id, Volunteer.availability).where(
            Volunteer.group_id == group.id, Volunteer.active.is_(True)
        )
    ).all()
    return {volunteer_id: text or "" for volunteer_id, text in rows}


def _csv(text: str, name: str) -> Response:
    # A BOM, so that a spreadsheet opened by double-click reads the accents right.
    response = Response("\ufeff" + text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(group: Group, what: str, now: datetime) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", group.name.lower()).strip("-") or "group"
    return f"{slug}-{what}-{now:%Y-%m-%d}.csv"


@bp.get("/dashboard/volunteers.csv")
def volunteers_csv() -> Response:
    h = hotline()
    with h.sessions() as db:
        group = group_of(db)
        return _csv(export_volunteers(db, group), _file_name(group, "volunteers", h.clock.now()))


@bp.get("/dashboard/requests.csv")
def requests_csv() -> Response:
    h = hotline()
    personal = request.args.get("personal") == "1"
    with h.sessions() as db:
        group = group_of(db)  # the signed-in dispatcher's own group, and only it
        text = export_requests(db, group, personal=personal)
        return _csv(text, _file_name(group, "requests", h.clock.now()))


@bp.get("/dashboard/offers.csv")
def offers_csv() -> Response:
    h = hotline()
    personal = request.args.get("personal") == "1"
    with h.sessions() as db:
        group = group_of(db)
        text = export_offers(db, group, personal=personal)
        return _csv(text, _file_name(group, "offers", h.clock.now()))


def _packed(data: bytes) -> str:
    # Carried in the form between the report and Apply; compressed, as a CSV shrinks several
    # times over and a form field has a size limit.
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _unpacked(field: str) -> bytes:
    try:
        packed = base64.b64decode(field, validate=True)
        # Never more than a sheet may hold, whatever the field unpacks to.
        return zlib.decompressobj().decompress(packed, MAX_BYTES + 1)
    except (ValueError, zlib.error):
        abort(400)


@bp.post("/dashboard/volunteers/import")
def import_volunteers() -> ResponseReturnValue:
    """A dry run shows the report with the sheet kept in the form; Apply writes it."""
    upload = request.files.get("sheet")
    if upload is not None and upload.filename:
        data = upload.read(MAX_BYTES + 1)
    else:
        data = _unpacked(request.form.get("data", ""))
    if not data:
        flash("Choose a CSV file to import.")
        return redirect(url_for("dashboard.volunteers"))
    h = hotline()
    if request.form.get("apply") == "1":
        with h.work() as work:
            group = work.session.get_one(Group, desk().group_id)
            report = read_roster(data, region=group.region, zones=group.zones)
            applied = apply_roster(work.session, group, report.ready)
        flash(f"Imported: {applied.summary()}.")
        return redirect(url_for("dashboard.volunteers"))
    with h.sessions() as db:
        group = group_of(db)
        report = read_roster(data, region=group.region, zones=group.zones)
    return render_template(
        "dashboard/volunteers_import.html",
        report=report,
        data=_packed(data) if report.ready else "",
        file_name=upload.filename if upload is not None else "",
    )


@bp.post("/dashboard/volunteers/<int:volunteer_id>/availability")
def set_availability(volunteer_id: int) -> ResponseReturnValue:
    """A dispatcher writes a volunteer's weekly availability in any of the four languages."""
    text = request.form.get("availability", "")[:MAX_TEXT]
    try:
        weekly = parse_weekly(text)
    except AvailabilityError as exc:
        flash(f"Availability not changed: {exc}.")
        return redirect(url_for("dashboard.volunteers"))
    with hotline().work() as work:
        volunteer = work.session.scalar(
            select(Volunteer).where(
                Volunteer.id == volunteer_id, Volunteer.group_id == desk().group_id
            )
        )
        if volunteer is None:
            return "Not found", 404
        volunteer.availability = format_weekly(weekly) or None
        name = volunteer_label(volunteer)
    shown = volunteer.availability or "no schedule (ON / OFF decides)"
    flash(f"{name}: {shown}.")
    return redirect(url_for("dashboard.volunteers"))
