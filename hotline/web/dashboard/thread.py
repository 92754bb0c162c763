"""A request's whole story for its page: texts both ways, calls, recordings and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.models import (
    Contact,
    HelpRequest,
    InboundMessage,
    OutboundMessage,
    RequestEvent,
    VoiceCall,
    Volunteer,
)


@dataclass(frozen=True)
class ThreadItem:
    at: datetime
    direction: str  # in | out | call
    who: str
    text: str
    note: str = ""  # the template key or the delivery status, for the dispatcher's eye
    recording: int | None = None  # index into recordings(), for the audio player


def recordings(request: HelpRequest, calls: list[VoiceCall]) -> list[str]:
    """The request's recording URLs, each once, in a stable order the page refers to by index."""
    urls = [request.recording_url] + [c.recording_url for c in calls]
    return list(dict.fromkeys(u for u in urls if u))


def calls_of(session: Session, request: HelpRequest) -> list[VoiceCall]:
    return list(
        session.scalars(
            select(VoiceCall).where(VoiceCall.request_id == request.id).order_by(VoiceCall.id)
        )
    )


def thread_of(session: Session, request: HelpRequest) -> list[ThreadItem]:
    """Everything said about the request, oldest first."""
    inbound = list(
        session.scalars(select(InboundMessage).where(InboundMessage.request_id == request.id))
    )
    outbound = list(
        session.scalars(select(OutboundMessage).where(OutboundMessage.request_id == request.id))
    )
    calls = calls_of(session, request)
    callers = {call.id: _contact_for(session, call) for call in calls}
    names = _names(
        session,
        request.group_id,
        {m.contact_id or 0 for m in inbound}
        | {m.contact_id or 0 for m in outbound}
        | set(callers.values()),
    )
    items = [
        ThreadItem(
            m.received_at, "in", names.get(m.contact_id or 0, "neighbour"), m.body, m.outcome or ""
        )
        for m in inbound
    ]
    items += [
        ThreadItem(
            m.created_at,
            "out",
            names.get(m.contact_id or 0, "someone"),
            m.body,
            f"{m.template}, {m.status}",
        )
        for m in outbound
    ]
    urls = recordings(request, calls)
    for call in calls:
        index = urls.index(call.recording_url) if call.recording_url in urls else None
        who = names.get(callers[call.id], "caller")
        text = f"call, menu choice: {call.need or '-'}"
        items.append(ThreadItem(call.created_at, "call", who, text, call.status, index))
    if request.recording_url and not any(c.recording_url == request.recording_url for c in calls):
        items.append(ThreadItem(request.created_at, "call", "caller", "voice message", "", 0))
    return sorted(items, key=lambda item: item.at)


def _names(session: Session, group_id: int, contact_ids: set[int]) -> dict[int, str]:
    """How the page names each contact: a volunteer by name and role, else the neighbour."""
    volunteers = set(
        session.scalars(
            select(Volunteer.contact_id).where(
                Volunteer.group_id == group_id, Volunteer.contact_id.in_(contact_ids)
            )
        )
    )
    names = {}
    for contact_id, name in session.execute(
        select(Contact.id, Contact.name).where(Contact.id.in_(contact_ids))
    ):
        role = "volunteer" if contact_id in volunteers else "neighbour"
        names[contact_id] = f"{name} ({role})" if name else role
    return names


def _contact_for(session: Session, call: VoiceCall) -> int:
    contact_id = session.scalar(
        select(Contact.id).where(
            Contact.group_id == call.group_id, Contact.phone_number == call.from_number
        )
    )
    return contact_id or 0


def events_of(session: Session, request: HelpRequest) -> list[RequestEvent]:
    return list(
        session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.at, RequestEvent.id)
        )
    )
