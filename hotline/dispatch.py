"""Matching requests to volunteers: offer waves, the claim race, done/release, escalation, timers.

This module decides when to act and who is told; the state itself changes only in
`hotline.lifecycle`, whose conditional UPDATEs let a job run twice, or two volunteers answer
at once, without two outcomes.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from hotline import lifecycle, people
from hotline.lifecycle import ClaimCheck, fired_early
from hotline.messages import dispatchers as dispatchers_told
from hotline.messages import neighbours as neighbours_told
from hotline.messages import volunteers as volunteers_told
from hotline.models import Contact, Group, HelpRequest, Offer, RequestStatus, Urgency, Volunteer
from hotline.needs import SYSTEM, Actor, record_event
from hotline.ranking import Candidate, Need, rank
from hotline.runtime.queues import DispatchJob
from hotline.runtime.services import Hotline, Work

log = logging.getLogger(__name__)

# Also read from here by the pages: a volunteer is labelled as the alerts label them.
volunteer_label = people.volunteer_label


def volunteer_actor(volunteer: Volunteer) -> Actor:
    return Actor("volunteer", volunteer.id, volunteer_label(volunteer))


# --- Offer waves -------------------------------------------------------------------------


def schedule_timer(
    hotline: Hotline, work: Work, due: datetime, job: DispatchJob, *args: Any
) -> None:
    """Run the dispatch job `job(*args)` at `due`, once this unit of work has committed."""
    work.after_commit(lambda: hotline.queues.dispatch_at(due, job, *args))


def schedule_offers(hotline: Hotline, work: Work, request: HelpRequest) -> None:
    """Ask the dispatch worker to send the next wave for this request once we commit."""
    request_id, wave = request.id, request.wave + 1
    work.after_commit(lambda: hotline.queues.dispatch(DispatchJob.OFFER_REQUEST, request_id, wave))


def offer_request(hotline: Hotline, request_id: int, wave: int) -> None:
    """Send wave `wave` of offers; a no-op unless the request is still waiting for that wave."""
    with hotline.work() as work:
        request = work.session.get(HelpRequest, request_id, with_for_update=True)
        if request is None or not lifecycle.can_offer_wave(request.status, wave, request.wave):
            return
        _send_wave(hotline, work, request, wave)


def advance_wave(hotline: Hotline, request_id: int, wave: int) -> None:
    """The wave timer: nobody claimed wave `wave` in time, so the next one goes."""
    _advance(hotline, request_id, wave, on_time=True)


def advance_wave_now(hotline: Hotline, request_id: int, wave: int) -> None:
    """Everyone in wave `wave` declined: do not wait for the timer."""
    _advance(hotline, request_id, wave, on_time=False)


def _advance(hotline: Hotline, request_id: int, wave: int, *, on_time: bool) -> None:
    """Send the wave after `wave`, unless that already happened; `on_time` waits for its due."""
    now = hotline.clock.now()
    with hotline.work() as work:
        request = work.session.get(HelpRequest, request_id, with_for_update=True)
        if request is None or not lifecycle.can_advance(request.status, wave, request.wave):
            return
        if on_time and request.next_wave_at and fired_early(now, request.next_wave_at):
            # The clock moved differently: come back when it is due.
            schedule_timer(
                hotline, work, request.next_wave_at, DispatchJob.ADVANCE_WAVE, request.id, wave
            )
            return
        _send_wave(hotline, work, request, wave + 1)


def _send_wave(hotline: Hotline, work: Work, request: HelpRequest, wave: int) -> None:
    session, now = work.session, hotline.clock.now()
    group = session.get_one(Group, request.group_id)
    emergency = request.urgency == Urgency.EMERGENCY
    size = lifecycle.wave_size(
        emergency=emergency,
        routine=group.config.wave_size,
        for_emergency=group.config.emergency_wave_size,
    )
    chosen = rank(_candidates(session, group, request), _need_of(request))[:size]
    request.wave = wave
    if not chosen:
        escalate(hotline, work, group, request, reason="no volunteers left to ask")
        return
    # _candidates loaded these volunteers: get() finds them in the session, with no query.
    volunteers = {c.volunteer_id: session.get_one(Volunteer, c.volunteer_id) for c in chosen}
    for candidate in chosen:
        volunteer = volunteers[candidate.volunteer_id]
        lifecycle.offer_to(session, request, volunteer.id, wave, now)
        volunteer.last_offered_at = now
        volunteers_told.offer(hotline, work, group, request, volunteer)
    due = now + group.config.wave_timeout
    lifecycle.offering(request, due)
    record_event(
        session,
        request,
        SYSTEM,
        "offered",
        now,
        wave=wave,
        volunteers=[volunteer_label(volunteers[c.volunteer_id]) for c in chosen],
    )
    schedule_timer(hotline, work, due, DispatchJob.ADVANCE_WAVE, request.id, wave)


def _need_of(request: HelpRequest) -> Need:
    return Need(zone=request.zone, categories=tuple(request.categories), language=request.language)


def _candidates(session: Session, group: Group, request: HelpRequest) -> list[Candidate]:
    already = select(Offer.volunteer_id).where(Offer.request_id == request.id)
    claims = lifecycle.open_claims_per_volunteer(group.id).subquery()
    rows = session.execute(
        select(Volunteer, func.coalesce(claims.c.n, 0))
        .join(Contact, Volunteer.contact_id == Contact.id)
        .options(contains_eager(Volunteer.contact))  # the wave texts them next
        .outerjoin(claims, claims.c.claimed_by_id == Volunteer.id)
        .where(
            Volunteer.group_id == group.id,
            Volunteer.active.is_(True),
            Volunteer.on_call.is_(True),
            Contact.opted_out.is_(False),
            Contact.id != request.contact_id,  # never offer someone their own request
            Volunteer.id.not_in(already),
        )
    ).all()
    return [
        Candidate(
            volunteer_id=v.id,
            zones=tuple(v.zones),
            skills=tuple(v.skills),
            languages=tuple(v.languages),
            open_claims=int(n),
            last_offered_at=v.last_offered_at,
        )
        for v, n in rows
    ]


def escalate(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, *, reason: str
) -> None:
    """Nobody is left to ask: mark the request escalated and text the dispatchers on duty."""
    now = hotline.clock.now()
    lifecycle.escalated(request, now)
    record_event(work.session, request, SYSTEM, "escalated", now, reason=reason)
    dispatchers_told.escalated(hotline, work, group, request)


def became_emergency(hotline: Hotline, work: Work, group: Group, request: HelpRequest) -> None:
    """A request raised to emergency after it opened: alert the dispatchers, tell a volunteer
    who has it, and while nobody has it offer it now to a wider emergency wave instead of
    waiting out the current one."""
    dispatchers_told.emergency(hotline, work, group, request)
    if request.status == RequestStatus.CLAIMED and request.claimed_by is not None:
        # The volunteer on the way may be bringing water to someone who now needs an ambulance.
        volunteers_told.now_an_emergency(hotline, work, group, request, request.claimed_by)
    if request.status == RequestStatus.NEEDS_INFO:
        # As for an emergency text: ask where, but do not wait for the answer to offer.
        lifecycle.open_for_offers(request)
    if request.status in (RequestStatus.OPEN, RequestStatus.OFFERING):
        schedule_offers(hotline, work, request)


# --- The claim race and what follows ---------------------------------------------------


def claim(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    volunteer: Volunteer,
    actor: Actor,
) -> bool:
    """Give `request` to `volunteer` if nobody has it yet. True for the one winner."""
    won = lifecycle.claim(work.session, request, volunteer.id, hotline.clock.now())
    if won:
        _claimed(hotline, work, group, request, volunteer, actor, "claimed")
    return won


def can_be_assigned(volunteer: Volunteer) -> bool:
    """On the roster and still taking texts: the details of a claim go out by SMS."""
    return lifecycle.assignable(active=volunteer.active, opted_out=volunteer.contact.opted_out)


def assign(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    volunteer: Volunteer,
    actor: Actor,
) -> bool:
    """A dispatcher gives the request to a volunteer, taking it from another claimant if any."""
    if not can_be_assigned(volunteer):
        return False
    if request.status != RequestStatus.CLAIMED or request.claimed_by_id is None:
        return claim(hotline, work, group, request, volunteer, actor)
    if request.claimed_by_id == volunteer.id:
        return True
    previous = work.session.get_one(Volunteer, request.claimed_by_id)
    now = hotline.clock.now()
    if not lifecycle.reassign(work.session, request, volunteer.id, previous.id, now):
        return False
    lifecycle.withdrawn(lifecycle.offer_for(work.session, previous.id, request))
    volunteers_told.taken_away(hotline, work, group, request, previous)
    _claimed(hotline, work, group, request, volunteer, actor, "reassigned")
    return True


def _claimed(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    volunteer: Volunteer,
    actor: Actor,
    action: str,
) -> None:
    """What follows a claim: other offers are closed, the winner and the neighbour are told."""
    session, now = work.session, hotline.clock.now()
    lifecycle.close_offers_after_claim(session, request, volunteer.id, now)
    volunteer.last_answer_at = now
    record_event(session, request, actor, action, now, volunteer=volunteer_label(volunteer))
    neighbour = session.get_one(Contact, request.contact_id)
    volunteers_told.claim_details(hotline, work, group, request, volunteer, neighbour)
    neighbours_told.claimed(hotline, work, group, neighbour, request, volunteer, now)
    due = now + group.config.stale_claim
    schedule_timer(hotline, work, due, DispatchJob.CHECK_CLAIM, request.id)


def decline(hotline: Hotline, work: Work, offer: Offer) -> None:
    """NO: mark the offer declined; when the whole wave has said no, the next wave goes now."""
    session, now = work.session, hotline.clock.now()
    lifecycle.declined(offer, now)
    request = session.get_one(HelpRequest, offer.request_id)
    volunteer = session.get_one(Volunteer, offer.volunteer_id)
    volunteer.last_answer_at = now
    record_event(
        session,
        request,
        volunteer_actor(volunteer),
        "declined",
        now,
    )
    session.flush()
    if lifecycle.whole_wave_declined(request.status, lifecycle.waiting_in_wave(session, request)):
        rid, wave = request.id, request.wave
        work.after_commit(lambda: hotline.queues.dispatch(DispatchJob.ADVANCE_WAVE_NOW, rid, wave))


def finish(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer
) -> bool:
    """DONE: only the volunteer holding the claim can finish it."""
    return _end_claim(hotline, work, group, request, volunteer, done=True)


def release(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer
) -> bool:
    """RELEASE: the volunteer gives the request back; it is offered again to others."""
    return _end_claim(hotline, work, group, request, volunteer, done=False)


def _end_claim(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    volunteer: Volunteer,
    *,
    done: bool,
) -> bool:
    """DONE or RELEASE by the volunteer holding the claim; the neighbour hears which."""
    session, now = work.session, hotline.clock.now()
    end = lifecycle.finish if done else lifecycle.release
    if not end(session, request, volunteer.id, now):
        return False
    if done:
        volunteer.last_answer_at = now
    action = "done" if done else "released"
    record_event(session, request, volunteer_actor(volunteer), action, now)
    neighbour = session.get_one(Contact, request.contact_id)
    neighbours_told.claim_ended(hotline, work, group, neighbour, request, now, done=done)
    if not done:
        schedule_offers(hotline, work, request)
    return True


def close(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    actor: Actor,
    *,
    action: str,
    **detail: Any,
) -> bool:
    """Cancel or close an active request; withdraw its offers and tell a claimant not to go.
    The audit event is `action`, with `detail`."""
    session, now = work.session, hotline.clock.now()
    claimant_id = request.claimed_by_id if request.status == RequestStatus.CLAIMED else None
    if not lifecycle.cancel(session, request, now):
        return False
    record_event(session, request, actor, action, now, **detail)
    if claimant_id is not None:
        claimant = session.get_one(Volunteer, claimant_id)
        volunteers_told.cancelled(hotline, work, group, request, claimant)
    return True


def reopen(hotline: Hotline, work: Work, request: HelpRequest, actor: Actor) -> None:
    """The neighbour still needs help after DONE: back to the queue, offered afresh."""
    now = hotline.clock.now()
    lifecycle.reopened(request)
    record_event(work.session, request, actor, "reopened", now)
    schedule_offers(hotline, work, request)


# --- Timers ----------------------------------------------------------------------------


def check_claim(hotline: Hotline, request_id: int) -> None:
    """A claim with no DONE: prompt the volunteer once, later alert the dispatchers."""
    now = hotline.clock.now()
    with hotline.work() as work:
        session = work.session
        request = session.get(HelpRequest, request_id, with_for_update=True)
        if (
            request is None
            or request.status != RequestStatus.CLAIMED
            or request.claimed_by_id is None
        ):
            return
        group = session.get_one(Group, request.group_id)
        volunteer = session.get_one(Volunteer, request.claimed_by_id)
        step = lifecycle.claim_check(
            now,
            claimed_at=request.claimed_at,
            prompted_at=request.stale_prompted_at,
            alerted_at=request.stale_alerted_at,
            stale_after=group.config.stale_claim,
            alert_after=group.config.stale_alert,
        )
        if step.due is not None:
            schedule_timer(hotline, work, step.due, DispatchJob.CHECK_CLAIM, request.id)
        if step.action == ClaimCheck.PROMPT:
            request.stale_prompted_at = now
            record_event(session, request, SYSTEM, "stale_prompted", now)
            volunteers_told.still_on_it(hotline, work, group, request, volunteer)
        elif step.action == ClaimCheck.ALERT:
            request.stale_alerted_at = now
            record_event(session, request, SYSTEM, "stale_alerted", now)
            dispatchers_told.stale_claim(hotline, work, group, request, volunteer, now)


def location_timeout(hotline: Hotline, request_id: int) -> None:
    """The neighbour did not say where they are: start offering with what we have."""
    with hotline.work() as work:
        request = work.session.get(HelpRequest, request_id, with_for_update=True)
        if request is None or request.status != RequestStatus.NEEDS_INFO:
            return
        lifecycle.open_for_offers(request)
        record_event(work.session, request, SYSTEM, "location_not_given", hotline.clock.now())
        schedule_offers(hotline, work, request)
