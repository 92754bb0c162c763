"""What a volunteer is told: an offer written from the triage result (never the neighbour's
words), and only after claiming the neighbour's name, number, address and words."""

from __future__ import annotations

from hotline.messages.outbox import write
from hotline.models import Contact, Group, HelpRequest, Priority, Urgency, Volunteer
from hotline.needs import LANGUAGE_NAMES, full_address, offer_need, rough_area
from hotline.phones import display
from hotline.runtime.services import Hotline, Work


def offer(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer
) -> None:
    """What is needed, for how many, roughly where: enough to say YES or NO, no more."""
    emergency = request.urgency == Urgency.EMERGENCY
    write(
        hotline,
        work,
        group,
        volunteer.contact,
        "offer_emergency" if emergency else "offer",
        request=request,
        priority=Priority.EMERGENCY if emergency else Priority.OFFER,
        dedupe=f"offer:{request.id}:{volunteer.id}",
        code=request.code,
        need=offer_need(request),
        area=rough_area(request),
    )


def claim_details(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    volunteer: Volunteer,
    neighbour: Contact,
) -> None:
    """What the winner, and only the winner, learns: who, where, what, in which language."""
    template = "call_back_details" if request.callback_by == "call" else "claim_details"
    claimed_at = request.claimed_at.timestamp() if request.claimed_at else 0
    write(
        hotline,
        work,
        group,
        volunteer.contact,
        template,
        request=request,
        priority=Priority.CLAIM,
        dedupe=f"details:{request.id}:{volunteer.id}:{claimed_at}",
        code=request.code,
        name=neighbour.name or "Neighbour",
        phone=display(neighbour.phone_number),
        address=full_address(request),
        need=request.need,
        language=LANGUAGE_NAMES.get(request.language, request.language),
    )
    if request.recording_url:
        # A link cut short is useless: it goes in a message of its own.
        write(
            hotline,
            work,
            group,
            volunteer.contact,
            "recording_link",
            request=request,
            priority=Priority.CLAIM,
            dedupe=f"recording:{request.id}:{volunteer.id}:{claimed_at}",
            code=request.code,
            link=request.recording_url,
        )


def now_an_emergency(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer
) -> None:
    """The request the volunteer holds became an emergency: call the emergency number."""
    write(
        hotline,
        work,
        group,
        volunteer.contact,
        "claim_emergency",
        request=request,
        priority=Priority.EMERGENCY,
        dedupe=f"claim-emergency:{request.id}:{volunteer.id}",
        code=request.code,
        need=offer_need(request),
        emergency=group.emergency_number,
    )


def taken_away(
    hotline: Hotline,
    work: Work,
    group: Group,
    request: HelpRequest,
    volunteer: Volunteer,
) -> None:
    """A dispatcher gave the volunteer's claim to someone else (at `request.claimed_at`)."""
    write(
        hotline,
        work,
        group,
        volunteer.contact,
        "volunteer_cancelled",
        request=request,
        priority=Priority.CLAIM,
        dedupe=f"reassigned:{request.id}:{volunteer.id}:{request.claimed_at}",
        code=request.code,
    )


def cancelled(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer
) -> None:
    """The request the volunteer holds was cancelled or closed: do not go."""
    write(
        hotline,
        work,
        group,
        volunteer.contact,
        "volunteer_cancelled",
        request=request,
        priority=Priority.CLAIM,
        dedupe=f"cancelled:{request.id}:{volunteer.id}",
        code=request.code,
    )


def still_on_it(
    hotline: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer
) -> None:
    """A claim with no DONE for a while: a gentle prompt, once per claim."""
    write(
        hotline,
        work,
        group,
        volunteer.contact,
        "stale_prompt",
        request=request,
        priority=Priority.REPLY,
        dedupe=f"stale:{request.id}:{volunteer.id}:{request.claimed_at}",
        code=request.code,
    )
