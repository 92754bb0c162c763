"""The live queue's rows and the change marker the event stream watches; no Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.board import open_queue
from hotline.models import (
    UNCLAIMED_STATUSES,
    Contact,
    Group,
    HelpRequest,
    InboundMessage,
    Offer,
    OfferStatus,
    RequestEvent,
    RequestStatus,
    Urgency,
    Volunteer,
)
from hotline.phones import display
from hotline.triage_record import needs_a_look

# An unclaimed request this old has waited too long, whatever its urgency: pin it on top.
OVERDUE_AFTER = timedelta(minutes=30)
SHOWABLE = tuple(s.value for s in (*UNCLAIMED_STATUSES, RequestStatus.CLAIMED))


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    category: str = ""
    zone: str = ""

    def matches(self, request: HelpRequest) -> bool:
        return (not self.status or request.status.value == self.status) and (
            (not self.category or self.category in request.categories)
            and (not self.zone or (request.zone or "") == self.zone)
        )


@dataclass(frozen=True)
class QueueRow:
    code: str
    categories: tuple[str, ...]
    urgency: str
    zone: str
    minutes: int
    status: str
    offers_sent: int
    offers_declined: int
    claimant: str
    emergency: bool
    overdue: bool
    # The need as triage wrote it (never the neighbour's words); "" for rows stored before.
    gist: str = ""
    # What the text is for; one that asks for nothing (a greeting, a question, ...) waits
    # for a dispatcher to read it.
    intent: str = "request"

    @property
    def needs_look(self) -> bool:
        return needs_a_look(self.intent)

    @property
    def pinned(self) -> bool:
        return self.emergency or self.overdue

    @property
    def age(self) -> str:
        if self.minutes < 120:
            return f"{self.minutes}m"
        if self.minutes < 48 * 60:
            return f"{self.minutes // 60}h"
        return f"{self.minutes // 1440}d"


@dataclass(frozen=True)
class Banner:
    """Emergencies nobody has claimed yet, said at the top of the queue whatever the filter."""

    count: int
    oldest_minutes: int

    @property
    def text(self) -> str:
        if self.count == 1:
            return f"1 emergency waiting — {_minutes(self.oldest_minutes)}"
        return f"{self.count} emergencies waiting — oldest {_minutes(self.oldest_minutes)}"


@dataclass(frozen=True)
class QueueView:
    rows: list[QueueRow]
    banner: Banner | None


def _minutes(minutes: int) -> str:
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


def _age_minutes(now: datetime, since: datetime) -> int:
    return max(0, int((now - since).total_seconds() // 60))


def emergency_banner(requests: list[HelpRequest], now: datetime) -> Banner | None:
    """From the unclaimed requests: how many are emergencies and how long the oldest waits."""
    waiting = [
        r.created_at
        for r in requests
        if r.urgency == Urgency.EMERGENCY and r.status in UNCLAIMED_STATUSES
    ]
    if not waiting:
        return None
    return Banner(len(waiting), _age_minutes(now, min(waiting)))


def queue_view(session: Session, group: Group, now: datetime, wanted: QueueFilter) -> QueueView:
    """The queue's rows and its emergency banner, from the same few queries."""
    unclaimed = open_queue(session, group)
    if wanted.status == RequestStatus.CLAIMED.value:
        rows = queue_rows(session, group, now, wanted)
    else:
        rows = _rows(session, unclaimed, now, wanted)
    return QueueView(rows, emergency_banner(unclaimed, now))


def queue_rows(
    session: Session, group: Group, now: datetime, wanted: QueueFilter
) -> list[QueueRow]:
    """Open requests in board.open_queue order, emergencies and overdue ones moved to the top."""
    if wanted.status == RequestStatus.CLAIMED.value:
        requests = list(
            session.scalars(
                select(HelpRequest)
                .where(
                    HelpRequest.group_id == group.id, HelpRequest.status == RequestStatus.CLAIMED
                )
                .order_by(HelpRequest.claimed_at)
            )
        )
    else:
        requests = open_queue(session, group)
    return _rows(session, requests, now, wanted)


def _rows(
    session: Session, requests: list[HelpRequest], now: datetime, wanted: QueueFilter
) -> list[QueueRow]:
    requests = [r for r in requests if wanted.matches(r)]
    counts = _offer_counts(session, [r.id for r in requests])
    claimants = _claimants(session, [r.claimed_by_id for r in requests if r.claimed_by_id])
    rows = [
        QueueRow(
            code=r.code,
            categories=tuple(r.categories),
            urgency=r.urgency.value,
            zone=r.zone or "",
            minutes=_age_minutes(now, r.created_at),
            status=r.status.value,
            offers_sent=sum(counts.get(r.id, {}).values()),
            offers_declined=counts.get(r.id, {}).get(OfferStatus.DECLINED, 0),
            claimant=claimants.get(r.claimed_by_id or 0, ""),
            emergency=r.urgency == Urgency.EMERGENCY,
            overdue=r.status in UNCLAIMED_STATUSES
            and (r.status == RequestStatus.ESCALATED or now - r.created_at >= OVERDUE_AFTER),
            gist=r.gist or "",
            intent=r.intent or "request",
        )
        for r in requests
    ]
    # A stable sort keeps open_queue's order inside the pinned and the unpinned part.
    return sorted(rows, key=lambda row: not row.pinned)


def _offer_counts(session: Session, request_ids: list[int]) -> dict[int, dict[OfferStatus, int]]:
    counts: dict[int, dict[OfferStatus, int]] = {}
    if not request_ids:
        return counts
    for request_id, status, n in session.execute(
        select(Offer.request_id, Offer.status, func.count())
        .where(Offer.request_id.in_(request_ids))
        .group_by(Offer.request_id, Offer.status)
    ):
        counts.setdefault(request_id, {})[status] = int(n)
    return counts


def _claimants(session: Session, volunteer_ids: list[int]) -> dict[int, str]:
    if not volunteer_ids:
        return {}
    rows = session.execute(
        select(Volunteer.id, Contact.name, Contact.phone_number)
        .join(Contact, Volunteer.contact_id == Contact.id)
        .where(Volunteer.id.in_(volunteer_ids))
    )
    # As dispatch.volunteer_label words it, without loading each volunteer.
    return {vid: name or display(number) for vid, name, number in rows}


def filter_choices(session: Session, group: Group) -> dict[str, list[str]]:
    """What the filter menus offer: statuses, the group's categories in use, its zones."""
    categories: set[str] = set()
    for cats in session.scalars(
        select(HelpRequest.categories).where(
            HelpRequest.group_id == group.id, HelpRequest.status.in_(SHOWABLE)
        )
    ):
        categories.update(cats or [])
    return {
        "status": list(SHOWABLE),
        "category": sorted(categories),
        "zone": [str(z["name"]) for z in group.zones],
    }


def change_marker(session: Session, group_id: int) -> str:
    """Changes whenever a request of the group changes or a text reaches the group."""
    # One round trip: this runs every poll of every open dashboard.
    last_event, last_inbound, last_update = session.execute(
        select(
            select(func.max(RequestEvent.id))
            .join(HelpRequest, RequestEvent.request_id == HelpRequest.id)
            .where(HelpRequest.group_id == group_id)
            .scalar_subquery(),
            select(func.max(InboundMessage.id))
            .where(InboundMessage.group_id == group_id)
            .scalar_subquery(),
            select(func.max(HelpRequest.updated_at))
            .where(HelpRequest.group_id == group_id)
            .scalar_subquery(),
        )
    ).one()
    stamp = int(last_update.timestamp() * 1000) if last_update else 0
    return f"{last_event or 0}.{last_inbound or 0}.{stamp}"
