"""The database side of spreadsheets and availability: writing checked rows, exporting a
group's volunteers, requests and offers, and who is on call now and next."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from hotline.availability import (
    AvailabilityError,
    Override,
    Window,
    group_zone,
    next_on_call,
    parse_override,
    parse_weekly,
    split_switch,
)
from hotline.models import AidOffer, Contact, Group, HelpRequest, Volunteer
from hotline.people import contact_for
from hotline.spreadsheets import VolunteerRow, display_number, write_roster, write_table


@dataclass(frozen=True)
class Applied:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


def _state(contact: Contact, volunteer: Volunteer | None) -> tuple[object, ...]:
    if volunteer is None:
        return (contact.name,)
    return (
        contact.name,
        contact.language,
        tuple(volunteer.zones),
        tuple(volunteer.skills),
        tuple(volunteer.languages),
        volunteer.availability,
        volunteer.on_call,
        volunteer.active,
    )


def apply_roster(
    session: Session,
    group: Group,
    rows: Iterable[VolunteerRow],
    on_row: Callable[[], object] | None = None,
) -> Applied:
    """Add or update one volunteer per row, keyed on the phone number (so a second import of
    the same sheet changes nothing). A column the sheet lacks leaves the stored value."""
    added = updated = unchanged = 0
    for row in rows:
        contact = contact_for(session, group, row.phone_number)
        volunteer = session.scalar(select(Volunteer).where(Volunteer.contact_id == contact.id))
        before = _state(contact, volunteer) if volunteer is not None and volunteer.active else None
        if volunteer is None:
            volunteer = Volunteer(group_id=group.id, contact_id=contact.id, on_call=False)
            volunteer.zones, volunteer.skills, volunteer.languages = [], [], []
            session.add(volunteer)
        if row.name:
            contact.name = row.name
        if row.zones is not None:
            volunteer.zones = list(row.zones)
        if row.skills is not None:
            volunteer.skills = list(row.skills)
        if row.languages is not None:
            volunteer.languages = list(row.languages)
            if row.languages and not contact.language:
                contact.language = row.languages[0]
        if row.availability is not None:
            volunteer.availability = row.availability or None
        if row.on_call is not None:
            volunteer.on_call = row.on_call
        volunteer.active = True
        if before is None:
            added += 1
        elif before == _state(contact, volunteer):
            unchanged += 1
        else:
            updated += 1
        session.flush()
        if on_row is not None:
            on_row()
    return Applied(added, updated, unchanged)


def _volunteers(session: Session, group: Group) -> list[Volunteer]:
    return list(
        session.scalars(
            select(Volunteer)
            .join(Contact, Volunteer.contact_id == Contact.id)
            .options(joinedload(Volunteer.contact))
            .where(Volunteer.group_id == group.id, Volunteer.active.is_(True))
            .order_by(Contact.name, Contact.phone_number)
        )
    )


def export_volunteers(session: Session, group: Group) -> str:
    """The group's active volunteers as CSV, in the columns an import reads back."""
    return write_roster(
        (
            VolunteerRow(
                line=0,
                phone_number=v.contact.phone_number,
                name=v.contact.name,
                zones=tuple(v.zones),
                skills=tuple(v.skills),
                languages=tuple(v.languages),
                availability=v.availability or "",
                on_call=v.on_call,
            )
            for v in _volunteers(session, group)
        ),
        group.region,
    )


def _local(at: datetime | None, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""


def zone_of(group: Group) -> str:
    return group_zone(group.config.time_zone, group.hotline_number)


def export_requests(session: Session, group: Group, *, personal: bool = False) -> str:
    """The group's requests as CSV; the neighbour's number, name, address and words only
    with `personal`, and never another group's (the query is the group's alone)."""
    zone_name = zone_of(group)
    zone = ZoneInfo(zone_name)
    headers = [
        "Code",
        "Status",
        f"Received ({zone_name})",
        "Needs",
        "Urgency",
        "Language",
        "Zone",
        "People",
        "Came by",
        "Claimed by",
        "Claimed at",
        "Done at",
        "Closed at",
    ]
    if personal:
        headers += ["Name", "Phone", "Address", "Their words"]
    requests = session.scalars(
        select(HelpRequest)
        .options(
            joinedload(HelpRequest.contact),
            joinedload(HelpRequest.claimed_by).joinedload(Volunteer.contact),
        )
        .where(HelpRequest.group_id == group.id)
        .order_by(HelpRequest.created_at, HelpRequest.id)
    )
    rows: list[list[object]] = []
    for r in requests:
        claimer = r.claimed_by.contact.name if r.claimed_by is not None else None
        row: list[object] = [
            r.code,
            r.status.value,
            _local(r.created_at, zone),
            r.categories,
            r.urgency.value,
            r.language,
            r.zone,
            r.people,
            r.channel,
            claimer,
            _local(r.claimed_at, zone),
            _local(r.done_at, zone),
            _local(r.closed_at, zone),
        ]
        if personal:
            redacted = r.redacted_at is not None
            row += [
                None if redacted else r.contact.name,
                None if redacted else display_number(r.contact.phone_number, group.region),
                None if redacted else r.location,
                None if redacted else r.need,
            ]
        rows.append(row)
    return write_table(headers, rows)


def export_offers(session: Session, group: Group, *, personal: bool = False) -> str:
    """What people offered the group (OFFER ...); who offered and their words with `personal`."""
    zone_name = zone_of(group)
    zone = ZoneInfo(zone_name)
    headers = [f"Offered ({zone_name})", "Status", "Kind", "Matched request"]
    if personal:
        headers += ["Name", "Phone", "Their words"]
    offers = session.scalars(
        select(AidOffer)
        .options(joinedload(AidOffer.contact))
        .where(AidOffer.group_id == group.id)
        .order_by(AidOffer.created_at, AidOffer.id)
    ).all()
    codes = dict(
        session.execute(
            select(HelpRequest.id, HelpRequest.code).where(
                HelpRequest.group_id == group.id,
                HelpRequest.id.in_([o.matched_request_id for o in offers if o.matched_request_id]),
            )
        ).all()
    )
    rows: list[list[object]] = []
    for o in offers:
        row: list[object] = [
            _local(o.created_at, zone),
            o.status,
            o.categories,
            codes.get(o.matched_request_id) if o.matched_request_id else None,
        ]
        if personal:
            row += [
                o.contact.name,
                display_number(o.contact.phone_number, group.region),
                o.body,
            ]
        rows.append(row)
    return write_table(headers, rows)


# --- on call ------------------------------------------------------------------------------


def override_of(volunteer: Volunteer) -> Override | None:
    if volunteer.override_on is None or volunteer.override_until is None:
        return None
    return Override(volunteer.override_on, volunteer.override_until)


def on_call_window(volunteer: Volunteer, zone: str, now: datetime) -> Window | None:
    """The stretch the volunteer is on call now (starting at `now`) or next, if any."""
    try:
        weekly = parse_weekly(volunteer.availability or "")
    except AvailabilityError:
        weekly = None  # only canonical text is stored; anything else counts as no schedule
    return next_on_call(
        weekly,
        override_of(volunteer),
        volunteer.on_call,
        now,
        zone,
    )


def set_override(volunteer: Volunteer, text: str, zone: str, now: datetime) -> Override | None:
    """`ON 3h`, `OFF until tue`, `OFF today` on a volunteer; a bare ON/OFF clears the override
    and sets the standing switch instead. Raises AvailabilityError for other text."""
    override = parse_override(text, now, zone)
    if override is None:
        volunteer.override_on, volunteer.override_until = None, None
        volunteer.on_call = split_switch(text)[0]
    else:
        volunteer.override_on, volunteer.override_until = override.on, override.until
    return override
