"""Groups, contacts, volunteers and dispatchers: finding and registering them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from hotline.models import Contact, Dispatcher, Group, Volunteer, utcnow
from hotline.phones import display, normalise


class PeopleError(ValueError):
    """A registration that cannot be done, with a one-line reason for the person typing it."""


def group_by_name(session: Session, name: str | None) -> Group:
    """The named group, or the only group when no name is given."""
    if name:
        group = session.scalar(select(Group).where(func.lower(Group.name) == name.lower()))
        if group is None:
            raise PeopleError(f"no group named {name!r}")
        return group
    groups = session.scalars(select(Group).order_by(Group.id).limit(2)).all()
    if not groups:
        raise PeopleError("no group yet: add one with `hotline group add NAME --number NUMBER`")
    if len(groups) > 1:
        raise PeopleError("there are several groups: name one with --group")
    return groups[0]


def contact_for(session: Session, group: Group, phone_number: str) -> Contact:
    """The group's contact for an E.164 number, created on first contact.

    Two texts from a new number are handled at once by two workers: an INSERT that does nothing
    on conflict lets both go on with the one row, where a plain INSERT would fail one job.
    """
    mine = (Contact.group_id == group.id, Contact.phone_number == phone_number)
    contact = session.scalar(select(Contact).where(*mine))
    if contact is None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(Contact)
            .values(group_id=group.id, phone_number=phone_number, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["group_id", "phone_number"])
        )
        contact = session.scalars(select(Contact).where(*mine)).one()
    return contact


def volunteer_of(session: Session, contact: Contact) -> Volunteer | None:
    return session.scalar(
        select(Volunteer).where(Volunteer.contact_id == contact.id, Volunteer.active.is_(True))
    )


def dispatcher_of(session: Session, contact: Contact) -> Dispatcher | None:
    return session.scalar(
        select(Dispatcher).where(Dispatcher.contact_id == contact.id, Dispatcher.active.is_(True))
    )


def add_volunteer(
    session: Session,
    group: Group,
    raw_number: str,
    *,
    name: str | None,
    zones: Sequence[str] = (),
    skills: Sequence[str] = (),
    languages: Sequence[str] = (),
    on_call: bool = False,
) -> Volunteer:
    """Register, re-activate or update a volunteer; the number is read in the group's region."""
    try:
        number = normalise(raw_number, group.region)
    except ValueError as exc:
        raise PeopleError(str(exc)) from exc
    contact = contact_for(session, group, number)
    if name:
        contact.name = name
    if languages and not contact.language:
        contact.language = languages[0]
    volunteer = session.scalar(select(Volunteer).where(Volunteer.contact_id == contact.id))
    if volunteer is None:
        volunteer = Volunteer(group_id=group.id, contact_id=contact.id)
        session.add(volunteer)
    volunteer.active = True
    volunteer.zones = sorted({z.strip() for z in zones if z.strip()})
    volunteer.skills = sorted({s.strip().lower() for s in skills if s.strip()})
    volunteer.languages = [lang.strip().lower() for lang in languages if lang.strip()]
    volunteer.on_call = on_call
    session.flush()
    return volunteer


def add_dispatcher(session: Session, group: Group, raw_number: str, *, name: str) -> Dispatcher:
    try:
        number = normalise(raw_number, group.region)
    except ValueError as exc:
        raise PeopleError(str(exc)) from exc
    contact = contact_for(session, group, number)
    contact.name = name
    dispatcher = session.scalar(select(Dispatcher).where(Dispatcher.contact_id == contact.id))
    if dispatcher is None:
        dispatcher = Dispatcher(group_id=group.id, contact_id=contact.id)
        session.add(dispatcher)
    dispatcher.active = True
    session.flush()
    return dispatcher


def find_volunteer(session: Session, group: Group, name_or_number: str) -> Volunteer | None:
    """A volunteer by number (any format) or by a name that matches exactly one person."""
    try:
        number: str | None = normalise(name_or_number, group.region)
    except ValueError:
        number = None
    query = (
        select(Volunteer)
        .join(Contact, Volunteer.contact_id == Contact.id)
        .where(Volunteer.group_id == group.id, Volunteer.active.is_(True))
    )
    if number:
        return session.scalar(query.where(Contact.phone_number == number))
    wanted = name_or_number.strip().lower()
    exact = session.scalars(query.where(func.lower(Contact.name) == wanted)).all()
    if len(exact) == 1:
        return exact[0]
    first_names = session.scalars(
        query.where(
            or_(func.lower(Contact.name).like(wanted + " %"), func.lower(Contact.name) == wanted)
        )
    ).all()
    return first_names[0] if len(first_names) == 1 else None


def on_duty_dispatchers(session: Session, group: Group) -> Sequence[Dispatcher]:
    return session.scalars(
        select(Dispatcher)
        .join(Contact, Dispatcher.contact_id == Contact.id)
        .where(
            Dispatcher.group_id == group.id,
            Dispatcher.active.is_(True),
            Dispatcher.on_duty.is_(True),
            Contact.opted_out.is_(False),
        )
    ).all()


def dispatchers_watching(session: Session, group: Group, now: datetime) -> bool:
    """Has any dispatcher had the dashboard open recently? Then alerts show there, not by SMS."""
    idle = group.config.dashboard_idle
    return (
        session.scalar(
            select(Dispatcher.id)
            .where(
                Dispatcher.group_id == group.id,
                Dispatcher.active.is_(True),
                Dispatcher.last_seen_at >= now - idle,
            )
            .limit(1)
        )
        is not None
    )


def first_name(contact: Contact) -> str:
    return (contact.name or "").split(" ")[0] or "a volunteer"


def volunteer_label(volunteer: Volunteer) -> str:
    """How dispatchers see a volunteer: their name, else their number."""
    return volunteer.contact.name or display(volunteer.contact.phone_number)
