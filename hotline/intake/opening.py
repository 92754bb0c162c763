"""The one way a request is opened, for a text and a call alike: a fresh code, what was read,
the audit trail, dispatchers alerted to an emergency, and then offers or a wait for a place."""

from __future__ import annotations

from collections.abc import Callable

from hotline import dispatch, lifecycle
from hotline.messages import dispatchers as dispatchers_told
from hotline.models import Contact, Group, HelpRequest, RequestStatus, Urgency
from hotline.needs import neighbour_actor, open_request, record_event
from hotline.runtime.queues import DispatchJob
from hotline.runtime.services import Hotline, Work
from hotline.triage import TriageResult
from hotline.triage_record import record_triage


def apply_triage(request: HelpRequest, triage: TriageResult) -> None:
    """What triage read, onto the request it opens."""
    request.categories = [c for c in triage.categories if c != "other"] or ["other"]
    request.urgency = Urgency(triage.urgency)
    request.kind = triage.kind
    request.location = triage.location
    request.zone = triage.zone
    request.people = triage.people
    record_triage(request, triage, request.need)


def open_need(
    hotline: Hotline,
    work: Work,
    group: Group,
    contact: Contact,
    *,
    need: str,
    fill: Callable[[HelpRequest], None],
    channel: str = "sms",
    language: str | None = None,
    asked_where: bool = False,
) -> tuple[HelpRequest, bool]:
    """Open a request and set it going; `fill` writes what is known of it. Returns the request
    and whether to ask the neighbour where they are (`asked_where`: a call's menu already did).

    With a place, or for an emergency, offers go out at once; otherwise the request waits for
    the answer, and a timer starts offering with what there is if none comes.
    """
    session, now = work.session, hotline.clock.now()
    request = open_request(
        session, group, contact, need=need, now=now, channel=channel, language=language
    )
    fill(request)
    via = {} if channel == "sms" else {"channel": channel}
    record_event(
        session,
        request,
        neighbour_actor(contact.id),
        "opened",
        now,
        categories=list(request.categories),
        urgency=request.urgency.value,
        **via,
    )
    emergency = request.urgency == Urgency.EMERGENCY
    if emergency:
        dispatchers_told.emergency(hotline, work, group, request)
    if asked_where:
        lifecycle.open_for_offers(request)
        ask = False
    else:
        has_place = bool(request.location or request.zone)
        ask = lifecycle.opened(request, now, has_place=has_place, emergency=emergency)
    if request.status == RequestStatus.NEEDS_INFO:  # asked where: wait a while for it
        due = now + group.config.wave_timeout
        dispatch.schedule_timer(hotline, work, due, DispatchJob.LOCATION_TIMEOUT, request.id)
    else:
        dispatch.schedule_offers(hotline, work, request)
    return request, ask
