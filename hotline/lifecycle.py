"""The one writer of request and offer status: the transitions, the conditional UPDATEs that
decide them, the pure decisions around them, and the queries that read offers and claims.

Every status change goes through `_move` (a row this unit of work holds) or `_race` (one
conditional UPDATE whose row count says whether it happened), and both refuse a transition
that is not in the table, so the table below is the whole lifecycle. `dispatch.py` decides
when to act and who is told; this module only says what the state becomes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import Session

from hotline.models import (
    ACTIVE_STATUSES,
    UNCLAIMED_STATUSES,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestStatus,
)
from hotline.runtime.db import changed

RS, OS = RequestStatus, OfferStatus  # short, for the tables

# The request-state diagram in the README and in models.py, one arrow per pair.
TRANSITIONS: Mapping[RequestStatus, frozenset[RequestStatus]] = {
    RS.NEW: frozenset({RS.NEEDS_INFO, RS.OPEN, RS.ESCALATED, RS.CLAIMED, RS.CANCELLED}),
    RS.NEEDS_INFO: frozenset({RS.OPEN, RS.ESCALATED, RS.CLAIMED, RS.CANCELLED}),
    RS.OPEN: frozenset({RS.OFFERING, RS.ESCALATED, RS.CLAIMED, RS.CANCELLED}),
    RS.OFFERING: frozenset({RS.OFFERING, RS.ESCALATED, RS.CLAIMED, RS.CANCELLED}),
    RS.ESCALATED: frozenset({RS.OPEN, RS.ESCALATED, RS.CLAIMED, RS.CANCELLED}),
    RS.CLAIMED: frozenset({RS.CLAIMED, RS.DONE, RS.OPEN, RS.CANCELLED}),
    RS.DONE: frozenset({RS.OPEN}),
    RS.CANCELLED: frozenset(),
}
# An offer is answered once, except that a YES after NO (or after losing) may still win, a
# claim given back or taken away withdraws it, and a dispatcher may assign anyone.
OFFER_TRANSITIONS: Mapping[OfferStatus, frozenset[OfferStatus]] = {
    OS.OFFERED: frozenset({OS.DECLINED, OS.TAKEN, OS.CLAIMED, OS.WITHDRAWN}),
    OS.DECLINED: frozenset({OS.CLAIMED, OS.WITHDRAWN}),
    OS.TAKEN: frozenset({OS.CLAIMED, OS.WITHDRAWN}),
    OS.CLAIMED: frozenset({OS.WITHDRAWN}),
    OS.WITHDRAWN: frozenset({OS.CLAIMED}),  # a dispatcher assigns it to them after all
}
# Offers stay answerable while the request is in one of these states.
CLAIMABLE = (RS.OPEN, RS.OFFERING, RS.ESCALATED)
# A YES to an offer in one of these states may still win the request.
ANSWERABLE = (OS.OFFERED, OS.DECLINED, OS.TAKEN)
# Timer jobs may run a little before their time; within this they count as due.
TIMER_SLACK = timedelta(seconds=1)


S = TypeVar("S", RequestStatus, OfferStatus)


class IllegalTransition(RuntimeError):
    """A status change the lifecycle does not have: a bug, never a person's mistake."""


def allowed(table: Mapping[S, frozenset[S]], old: S, new: S) -> bool:
    return new in table.get(old, frozenset())


def _check(table: Mapping[S, frozenset[S]], olds: Iterable[S], new: S) -> None:
    for old in olds:
        if not allowed(table, old, new):
            raise IllegalTransition(f"{old.value} -> {new.value}")


# --- Pure decisions ----------------------------------------------------------------------


def wave_size(*, emergency: bool, routine: int, for_emergency: int) -> int:
    """How many volunteers the next wave asks: wider for an emergency."""
    return for_emergency if emergency else routine


def fired_early(now: datetime, due: datetime) -> bool:
    """A timer that ran before its due time (beyond the slack) must come back later."""
    return now + TIMER_SLACK < due


def can_offer_wave(status: RequestStatus, wave: int, waves_sent: int) -> bool:
    """Wave `wave` goes only once, and only while nobody has the request."""
    return waves_sent == wave - 1 and status in (RS.OPEN, RS.OFFERING)


def can_advance(status: RequestStatus, wave: int, waves_sent: int) -> bool:
    """The wave after `wave` goes only while wave `wave` is the one out and unanswered."""
    return status == RS.OFFERING and waves_sent == wave


def after_opening(*, has_place: bool, emergency: bool) -> tuple[RequestStatus, bool]:
    """A new request's state and whether to ask where: a place, or an emergency, is enough
    to offer at once (an emergency is asked where all the same)."""
    if has_place:
        return RS.OPEN, False
    return (RS.OPEN if emergency else RS.NEEDS_INFO), True


def whole_wave_declined(status: RequestStatus, still_waiting: int) -> bool:
    """Everyone in the wave said NO: the next wave need not wait for the timer."""
    return status == RS.OFFERING and still_waiting == 0


def on_claim(status: OfferStatus, *, winner: bool) -> OfferStatus | None:
    """What an offer becomes when a claim wins, or None if it stays: the winner's is claimed,
    an unanswered one to anyone else is taken, an answered one keeps its answer."""
    if winner:
        return None if status == OS.CLAIMED else OS.CLAIMED
    return OS.TAKEN if status == OS.OFFERED else None


def assignable(*, active: bool, opted_out: bool) -> bool:
    """On the roster and still taking texts: the details of a claim go out by SMS."""
    return active and not opted_out


def may_claim(offer_status: OfferStatus) -> bool:
    """A YES can win unless the offer was withdrawn (or is already this volunteer's)."""
    return offer_status in ANSWERABLE


class ClaimCheck(StrEnum):
    """What the stale-claim timer does now."""

    WAIT = "wait"  # fired early: come back at `due`
    PROMPT = "prompt"  # ask the volunteer how it is going
    ALERT = "alert"  # tell the dispatchers
    NOTHING = "nothing"  # both already done


@dataclass(frozen=True)
class ClaimCheckStep:
    action: ClaimCheck
    due: datetime | None = None  # when to look again, if at all


def claim_check(
    now: datetime,
    *,
    claimed_at: datetime | None,
    prompted_at: datetime | None,
    alerted_at: datetime | None,
    stale_after: timedelta,
    alert_after: timedelta,
) -> ClaimCheckStep:
    """A claim with no DONE: prompt the volunteer once when it goes stale, alert later."""
    if prompted_at is None:
        if claimed_at and fired_early(now, claimed_at + stale_after):
            return ClaimCheckStep(ClaimCheck.WAIT, claimed_at + stale_after)
        return ClaimCheckStep(ClaimCheck.PROMPT, now + alert_after)
    if alerted_at is None:
        if fired_early(now, prompted_at + alert_after):
            return ClaimCheckStep(ClaimCheck.WAIT, prompted_at + alert_after)
        return ClaimCheckStep(ClaimCheck.ALERT)
    return ClaimCheckStep(ClaimCheck.NOTHING)


# --- Writes to a row this unit of work holds ----------------------------------------------


def _move(request: HelpRequest, new: RequestStatus) -> None:
    _check(TRANSITIONS, [request.status or RS.NEW], new)
    request.status = new


def _answer(offer: Offer, new: OfferStatus, now: datetime | None) -> None:
    _check(OFFER_TRANSITIONS, [offer.status or OS.OFFERED], new)
    offer.status = new
    if now is not None:
        offer.answered_at = now


def open_for_offers(request: HelpRequest) -> None:
    """Ready to be offered: from new, from waiting for a place, or again after escalating.
    A request being offered, or open already, stays so (its wave is under way or due)."""
    if request.status not in (RS.OPEN, RS.OFFERING):
        _move(request, RS.OPEN)


def wait_for_place(request: HelpRequest, now: datetime) -> None:
    _move(request, RS.NEEDS_INFO)
    request.location_asked_at = now


def opened(request: HelpRequest, now: datetime, *, has_place: bool, emergency: bool) -> bool:
    """Give a new request its first state; True if the neighbour is to be asked where."""
    status, ask = after_opening(has_place=has_place, emergency=emergency)
    if status == RS.NEEDS_INFO:
        wait_for_place(request, now)
    else:
        if ask:
            request.location_asked_at = now
        _move(request, status)
    return ask


def offering(request: HelpRequest, next_wave_at: datetime) -> None:
    """A wave is out; the next is due at `next_wave_at` unless someone claims first."""
    _move(request, RS.OFFERING)
    request.next_wave_at = next_wave_at


def escalated(request: HelpRequest, now: datetime) -> None:
    """Nobody is left to ask; a claimed request keeps its claimant but is flagged all the same."""
    if request.status in UNCLAIMED_STATUSES:
        _move(request, RS.ESCALATED)
    request.escalated_at = request.escalated_at or now
    request.next_wave_at = None


def reopened(request: HelpRequest) -> None:
    """Done, but the neighbour still needs help: back to open, nobody holding it."""
    _move(request, RS.OPEN)
    request.claimed_by_id = None
    request.claimed_at = None
    request.done_at = None
    request.closed_at = None


def offer_to(
    session: Session, request: HelpRequest, volunteer_id: int, wave: int, now: datetime
) -> Offer:
    offer = Offer(
        request_id=request.id,
        volunteer_id=volunteer_id,
        wave=wave,
        offered_at=now,
        status=OS.OFFERED,
    )
    session.add(offer)
    return offer


def declined(offer: Offer, now: datetime) -> None:
    _answer(offer, OS.DECLINED, now)


def lost(offer: Offer, now: datetime) -> None:
    """A YES that came too late: a still-open offer is marked taken."""
    if offer.status == OS.OFFERED:
        _answer(offer, OS.TAKEN, now)


def withdrawn(offer: Offer | None) -> None:
    """The request left this volunteer's hands (released, reassigned)."""
    if offer is not None:
        _answer(offer, OS.WITHDRAWN, None)


# --- Conditional UPDATEs: the row count decides -------------------------------------------


def _race(
    session: Session,
    request: HelpRequest,
    olds: Iterable[RequestStatus],
    new: RequestStatus,
    only_if: ColumnElement[bool],
    **values: object,
) -> bool:
    """One conditional UPDATE from any of `olds` to `new`; True if this one made it."""
    olds = tuple(olds)
    _check(TRANSITIONS, olds, new)
    won = (
        changed(
            session,
            update(HelpRequest)
            .where(HelpRequest.id == request.id, HelpRequest.status.in_(olds), only_if)
            .values(status=new, **values)
            .execution_options(synchronize_session=False),
        )
        == 1
    )
    session.refresh(request)
    return won


def _claim_values(volunteer_id: int, now: datetime) -> dict[str, object]:
    return {
        "claimed_by_id": volunteer_id,
        "claimed_at": now,
        "next_wave_at": None,
        "stale_prompted_at": None,
        "stale_alerted_at": None,
        "updated_at": now,
    }


def claim(session: Session, request: HelpRequest, volunteer_id: int, now: datetime) -> bool:
    """Give `request` to the volunteer if nobody has it yet. True for the one winner."""
    return _race(
        session,
        request,
        UNCLAIMED_STATUSES,
        RS.CLAIMED,
        HelpRequest.id.is_not(None),
        **_claim_values(volunteer_id, now),
    )


def reassign(
    session: Session, request: HelpRequest, volunteer_id: int, previous_id: int, now: datetime
) -> bool:
    """Move a claim from `previous_id` to the volunteer, if `previous_id` still holds it."""
    return _race(
        session,
        request,
        (RS.CLAIMED,),
        RS.CLAIMED,
        HelpRequest.claimed_by_id == previous_id,
        **_claim_values(volunteer_id, now),
    )


def close_offers_after_claim(
    session: Session, request: HelpRequest, volunteer_id: int, now: datetime
) -> None:
    """The winner's offer is claimed; every offer still out to others is taken."""
    # One UPDATE for the others, so a NO arriving at the same moment keeps its answer.
    for status in OfferStatus:
        if (new := on_claim(status, winner=False)) is not None:
            _check(OFFER_TRANSITIONS, (status,), new)
            session.execute(
                update(Offer)
                .where(
                    Offer.request_id == request.id,
                    Offer.volunteer_id != volunteer_id,
                    Offer.status == status,
                )
                .values(status=new, answered_at=now)
                .execution_options(synchronize_session=False)
            )
    offer = offer_for(session, volunteer_id, request)
    if offer is not None:
        session.refresh(offer)
        if (mine := on_claim(offer.status, winner=True)) is not None:
            _answer(offer, mine, now)


def finish(session: Session, request: HelpRequest, volunteer_id: int, now: datetime) -> bool:
    """DONE: only the volunteer holding the claim can finish it; True if they did."""
    return _end_claim(
        session, request, volunteer_id, RS.DONE, done_at=now, closed_at=now, updated_at=now
    )


def release(session: Session, request: HelpRequest, volunteer_id: int, now: datetime) -> bool:
    """RELEASE: the claimant gives it back, to be offered again; their offer is withdrawn."""
    released = _end_claim(
        session,
        request,
        volunteer_id,
        RS.OPEN,
        claimed_by_id=None,
        claimed_at=None,
        updated_at=now,
    )
    if released:
        withdrawn(offer_for(session, volunteer_id, request))
    return released


def _end_claim(
    session: Session,
    request: HelpRequest,
    volunteer_id: int,
    new: RequestStatus,
    **values: object,
) -> bool:
    return _race(
        session,
        request,
        (RS.CLAIMED,),
        new,
        HelpRequest.claimed_by_id == volunteer_id,
        **values,
    )


def cancel(session: Session, request: HelpRequest, now: datetime) -> bool:
    """Cancel an active request and withdraw its unanswered offers; True if it was active."""
    cancelled = _race(
        session,
        request,
        ACTIVE_STATUSES,
        RS.CANCELLED,
        HelpRequest.id.is_not(None),
        closed_at=now,
        next_wave_at=None,
        updated_at=now,
    )
    if cancelled:
        _check(OFFER_TRANSITIONS, (OS.OFFERED,), OS.WITHDRAWN)
        session.execute(
            update(Offer)
            .where(Offer.request_id == request.id, Offer.status == OS.OFFERED)
            .values(status=OS.WITHDRAWN, answered_at=now)
            .execution_options(synchronize_session=False)
        )
    return cancelled


# --- Reading offers and claims ------------------------------------------------------------


def open_offers(session: Session, volunteer_id: int) -> list[Offer]:
    """The offers a volunteer can still answer, oldest first."""
    return list(
        session.scalars(
            select(Offer)
            .join(HelpRequest, Offer.request_id == HelpRequest.id)
            .where(
                Offer.volunteer_id == volunteer_id,
                Offer.status == OS.OFFERED,
                HelpRequest.status.in_(CLAIMABLE),
            )
            .order_by(Offer.offered_at)
        )
    )


def offer_for(session: Session, volunteer_id: int, request: HelpRequest | None) -> Offer | None:
    if request is None:
        return None
    return session.scalar(
        select(Offer).where(Offer.volunteer_id == volunteer_id, Offer.request_id == request.id)
    )


def claims_of(session: Session, volunteer_id: int) -> list[HelpRequest]:
    """The requests a volunteer holds now, oldest claim first."""
    return list(
        session.scalars(
            select(HelpRequest)
            .where(HelpRequest.claimed_by_id == volunteer_id, HelpRequest.status == RS.CLAIMED)
            .order_by(HelpRequest.claimed_at)
        )
    )


def open_claims_per_volunteer(group_id: int) -> Select[int | None, int]:
    """(volunteer id, how many requests they hold now) in a group: for ranking and the roster."""
    return (
        select(HelpRequest.claimed_by_id, func.count().label("n"))
        .where(HelpRequest.status == RS.CLAIMED, HelpRequest.group_id == group_id)
        .group_by(HelpRequest.claimed_by_id)
    )


def waiting_in_wave(session: Session, request: HelpRequest) -> int:
    """How many of the current wave's offers are still unanswered."""
    return int(
        session.scalar(
            select(func.count()).where(
                Offer.request_id == request.id,
                Offer.wave == request.wave,
                Offer.status == OS.OFFERED,
            )
        )
        or 0
    )
