"""What dispatchers are told by SMS: alerts about a request (only while nobody watches the
dashboard, where they show anyway), texts that failed, the queue's digest, a sign-in code."""

from __future__ import annotations

from datetime import datetime

from hotline.board import queue_line
from hotline.messages.outbox import write
from hotline.models import Dispatcher, Group, HelpRequest, Priority, Urgency, Volunteer
from hotline.needs import offer_need, rough_area
from hotline.people import dispatchers_watching, on_duty_dispatchers, volunteer_label
from hotline.runtime.services import Hotline, Work


def _alert(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    template: str,
    /,
    *,
    priority: int,
    dedupe: str,
    **values: object,
) -> bool:
    """Text on-duty dispatchers, unless one has the dashboard open (it shows there).

    Returns whether any SMS went out. Either way the request's audit trail has the event.
    """
    if dispatchers_watching(work.session, group, hotline.clock.now()):
        return False
    dispatchers = on_duty_dispatchers(work.session, group)
    for dispatcher in dispatchers:
        write(
            hotline,
            work,
            group,
            dispatcher.contact,
            template,
            request=request,
            priority=priority,
            dedupe=f"{dedupe}:{dispatcher.id}",
            **values,
        )
    return bool(dispatchers)


def escalated(hotline: Hotline, work: Work, group: Group, request: HelpRequest) -> bool:
    """Nobody is left to ask: once per wave, first in the queue for an emergency."""
    emergency = request.urgency == Urgency.EMERGENCY
    return _alert(
        hotline,
        work,
        group,
        request,
        "dispatcher_escalated",
        priority=Priority.EMERGENCY if emergency else Priority.CLAIM,
        dedupe=f"escalated:{request.id}:{request.wave}",
        code=request.code,
        need=offer_need(request),
        area=rough_area(request),
        urgency=request.urgency.value,
    )


def emergency(hotline: Hotline, work: Work, group: Group, request: HelpRequest) -> bool:
    return _alert(
        hotline,
        work,
        group,
        request,
        "dispatcher_emergency",
        priority=Priority.EMERGENCY,
        dedupe=f"emergency:{request.id}",
        code=request.code,
        need=offer_need(request),
        area=rough_area(request),
        emergency=group.emergency_number,
    )


def stale_claim(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    volunteer: Volunteer,
    now: datetime,
) -> bool:
    """A claim still not DONE after the volunteer was prompted."""
    minutes = int((now - (request.claimed_at or now)).total_seconds() // 60)
    return _alert(
        hotline,
        work,
        group,
        request,
        "dispatcher_stale",
        priority=Priority.CLAIM,
        dedupe=f"stale-alert:{request.id}:{request.claimed_at}",
        code=request.code,
        volunteer=volunteer_label(volunteer),
        minutes=str(minutes),
    )


def neighbour_opted_out(hotline: Hotline, work: Work, group: Group, request: HelpRequest) -> bool:
    """The neighbour texted STOP: their request was closed, and we may not text them."""
    return _alert(
        hotline,
        work,
        group,
        request,
        "dispatcher_optout",
        priority=Priority.CLAIM,
        dedupe=f"optout:{request.id}",
        code=request.code,
    )


def volunteer_opted_out(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer
) -> bool:
    """A volunteer holding the request texted STOP: it is being offered again."""
    return _alert(
        hotline,
        work,
        group,
        request,
        "dispatcher_volunteer_optout",
        priority=Priority.CLAIM,
        dedupe=f"volunteer-optout:{request.id}:{volunteer.id}",
        code=request.code,
        volunteer=volunteer_label(volunteer),
    )


def texts_failed(hotline: Hotline, work: Work, group: Group, count: int, slot: int) -> None:
    """Texts set aside after failing: every on-duty dispatcher, once per alert period."""
    for dispatcher in on_duty_dispatchers(work.session, group):
        write(
            hotline,
            work,
            group,
            dispatcher.contact,
            "dispatcher_text_failed",
            priority=Priority.EMERGENCY,
            dedupe=f"text_failed:{group.id}:{slot}:{dispatcher.id}",
            count=str(count or 1),
        )


def digest(
    hotline: Hotline,
    work: Work,
    group: Group,
    requests: list[HelpRequest],
    now: datetime,
    slot: int,
) -> int:
    """The open queue, one line a request, to each on-duty dispatcher; how many were texted."""
    lines = "; ".join(queue_line(r, now) for r in requests)
    sent = 0
    for dispatcher in on_duty_dispatchers(work.session, group):
        write(
            hotline,
            work,
            group,
            dispatcher.contact,
            "dispatcher_queue",
            priority=Priority.DIGEST,
            dedupe=f"digest:{group.id}:{slot}:{dispatcher.id}",
            count=str(len(requests)),
            lines=lines,
        )
        sent += 1
    return sent


def login_code(
    hotline: Hotline, work: Work, group: Group, dispatcher: Dispatcher, code: str
) -> None:
    """The dashboard's sign-in code; never deduplicated, each request gets its own code."""
    write(
        hotline,
        work,
        group,
        dispatcher.contact,
        "login_code",
        priority=Priority.CLAIM,
        dedupe=None,
        group=group.name,
        code=code,
    )
