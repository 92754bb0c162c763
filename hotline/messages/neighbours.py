"""What a neighbour is told about their request: acknowledged, claimed (by first name only),
done, given back, and a dispatcher's note."""

from __future__ import annotations

from datetime import datetime

from hotline.messages.outbox import write
from hotline.models import (
    Contact,
    Group,
    HelpRequest,
    OutboundMessage,
    Priority,
    Urgency,
    Volunteer,
)
from hotline.people import first_name
from hotline.runtime.services import Hotline, Work


def call_acknowledged(
    hotline: Hotline, work: Work, group: Group, contact: Contact, request: HelpRequest
) -> None:
    """A call's request, acknowledged in writing too, so the caller has the code."""
    dedupe = f"voice-ack:{request.id}"
    if request.urgency == Urgency.EMERGENCY:
        write(
            hotline,
            work,
            group,
            contact,
            "ack_emergency",
            request=request,
            priority=Priority.EMERGENCY,
            dedupe=dedupe,
            code=request.code,
            emergency=group.emergency_number,
        )
    else:
        write(
            hotline,
            work,
            group,
            contact,
            "ack",
            request=request,
            priority=Priority.ACK,
            dedupe=dedupe,
            group=group.name,
            code=request.code,
        )


def claimed(
    hotline: Hotline,
    work: Work,
    group: Group,
    neighbour: Contact,
    request: HelpRequest,
    volunteer: Volunteer,
    now: datetime,
) -> None:
    """Someone is coming: the neighbour learns the volunteer's first name, nothing more."""
    write(
        hotline,
        work,
        group,
        neighbour,
        "neighbour_claimed",
        request=request,
        priority=Priority.CLAIM,
        dedupe=f"claimed:{request.id}:{volunteer.id}:{now.timestamp()}",
        code=request.code,
        volunteer=first_name(volunteer.contact),
    )


def claim_ended(
    hotline: Hotline,
    work: Work,
    group: Group,
    neighbour: Contact,
    request: HelpRequest,
    now: datetime,
    *,
    done: bool,
) -> None:
    """DONE (is it sorted?) or RELEASE (someone else will be asked)."""
    kind = "done" if done else "released"
    write(
        hotline,
        work,
        group,
        neighbour,
        f"neighbour_{kind}",
        request=request,
        priority=Priority.REPLY,
        dedupe=f"{kind}:{request.id}:{now.timestamp()}",
        code=request.code,
    )


def note(
    hotline: Hotline, work: Work, group: Group, neighbour: Contact, request: HelpRequest, text: str
) -> OutboundMessage | None:
    """A dispatcher's own words to the neighbour, inside the group's frame."""
    return write(
        hotline,
        work,
        group,
        neighbour,
        "note_to_neighbour",
        request=request,
        priority=Priority.REPLY,
        dedupe=None,  # a dispatcher may well send the same note twice on purpose
        group=group.name,
        detail=text,
    )
