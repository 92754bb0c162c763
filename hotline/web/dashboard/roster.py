"""The volunteer roster: who is on call, where, with what skills, how busy, how often asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.dispatch import volunteer_label
from hotline.lifecycle import open_claims_per_volunteer
from hotline.models import Contact, Group, Offer, Volunteer
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
