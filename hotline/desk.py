"""The dispatcher's desk, for the dashboard and for SMS commands alike: what a dispatcher can
do to a request, each step in the audit trail, and one set of refusals for both.

The work itself is dispatch's (claim, close, release, schedule_offers); this module adds the
dispatcher as the actor, the checks both faces share, and the steps only the dashboard takes
(triage edits, merges, notes). A refusal names its kind, so SMS answers it from a template
in the dispatcher's language and the dashboard shows its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import update

from hotline import dispatch, lifecycle
from hotline.messages import neighbours as neighbours_told
from hotline.models import (
    ACTIVE_STATUSES,
    UNCLAIMED_STATUSES,
    AidOffer,
    Contact,
    Group,
    HelpRequest,
    InboundMessage,
    RequestStatus,
    Urgency,
    VoiceCall,
    Volunteer,
)
from hotline.needs import Actor, record_event
from hotline.people import volunteer_label
from hotline.runtime.db import changed
from hotline.runtime.services import Hotline, Work
from hotline.triage_record import record_edit

NOTE_LIMIT = 60  # the {detail} placeholder's limit: a longer note would be clipped unseen


class Refusal(StrEnum):
    """Refusals both faces give; each is answered by SMS with the template `dispatcher_<kind>`."""

    CANNOT_ASSIGN = "cannot_assign"  # {assignee}
    ALREADY_WITH = "already_with"  # {code} {assignee}
    NOT_ASSIGNABLE = "not_assignable"  # {code} {status}
    ALREADY_CLOSED = "already_closed"  # {code} {status}


class ActionRefused(ValueError):
    """The action cannot be done to this request now; the message says why, for a flash."""

    def __init__(self, text: str, kind: Refusal | None = None, **values: str) -> None:
        super().__init__(text)
        self.kind = kind
        self.values = values

    @property
    def template(self) -> str | None:
        """The SMS answering this refusal, if both faces give it."""
        return f"dispatcher_{self.kind.value}" if self.kind else None


@dataclass(frozen=True)
class TriageEdit:
    categories: list[str]
    urgency: Urgency
    location: str | None
    zone: str | None
    people: int | None


def edit_triage(
    h: Hotline, work: Work, group: Group, request: HelpRequest, actor: Actor, edit: TriageEdit
) -> dict[str, Any]:
    """Correct what triage read; the event lists each changed field as [before, after].

    Raising a request to emergency does what an emergency text does: while nobody has it,
    a wider wave of emergency offers goes out now (and dispatchers not watching are texted).
    """
    was_emergency = request.urgency == Urgency.EMERGENCY
    changes: dict[str, Any] = {}
    for field, value in (
        ("categories", edit.categories),
        ("urgency", edit.urgency),
        ("location", edit.location),
        ("zone", edit.zone),
        ("people", edit.people),
    ):
        before = getattr(request, field)
        if before != value:
            changes[field] = [_plain(before), _plain(value)]
            setattr(request, field, value)
    if changes:
        request.updated_at = h.clock.now()
        record_edit(request, actor.label)
        record_event(work.session, request, actor, "triage_edited", h.clock.now(), **changes)
    if request.urgency == Urgency.EMERGENCY and not was_emergency:
        dispatch.became_emergency(h, work, group, request)
    return changes


def _plain(value: object) -> object:
    return value.value if isinstance(value, Urgency) else value


def offer_again(h: Hotline, work: Work, request: HelpRequest, actor: Actor) -> None:
    """Send a new wave now, also for an escalated request that had run out of volunteers."""
    if request.status not in UNCLAIMED_STATUSES:
        raise ActionRefused(f"#{request.code} is {request.status.value}: nothing to offer")
    lifecycle.open_for_offers(request)
    request.updated_at = h.clock.now()
    record_event(
        work.session, request, actor, "offered_again", h.clock.now(), wave=request.wave + 1
    )
    dispatch.schedule_offers(h, work, request)


def assign(
    h: Hotline, work: Work, group: Group, request: HelpRequest, volunteer: Volunteer, actor: Actor
) -> None:
    """Give the request to a named volunteer, taking it back from another claimant first."""
    label = volunteer_label(volunteer)
    if not dispatch.can_be_assigned(volunteer):
        raise ActionRefused(
            f"{label} has opted out of texts (or left the roster) and cannot be assigned",
            Refusal.CANNOT_ASSIGN,
            assignee=label,
        )
    if request.status == RequestStatus.CLAIMED and request.claimed_by_id == volunteer.id:
        raise ActionRefused(
            f"#{request.code} is already with {label}",
            Refusal.ALREADY_WITH,
            code=request.code,
            assignee=label,
        )
    if not dispatch.assign(h, work, group, request, volunteer, actor):
        status = request.status.value
        raise ActionRefused(
            f"#{request.code} is {status}: it cannot be assigned",
            Refusal.NOT_ASSIGNABLE,
            code=request.code,
            status=status,
        )


def text_neighbour(
    h: Hotline, work: Work, group: Group, request: HelpRequest, actor: Actor, note: str
) -> None:
    note = " ".join(note.split())
    if not note:
        raise ActionRefused("write the text first")
    if len(note) > NOTE_LIMIT:
        raise ActionRefused(f"keep it to {NOTE_LIMIT} characters so it fits one text")
    neighbour = work.session.get_one(Contact, request.contact_id)
    sent = neighbours_told.note(h, work, group, neighbour, request, note)
    record_event(
        work.session,
        request,
        actor,
        "texted_neighbour",
        h.clock.now(),
        text=sent.body if sent else note,
        blocked=bool(neighbour.opted_out),
    )


def merge(
    h: Hotline, work: Work, group: Group, kept: HelpRequest, duplicate: HelpRequest, actor: Actor
) -> int:
    """Close the duplicate as merged and move its texts and calls onto the kept request."""
    session, now = work.session, h.clock.now()
    if duplicate.id == kept.id:
        raise ActionRefused("a request cannot be merged with itself")
    if kept.status not in ACTIVE_STATUSES:
        raise ActionRefused(
            f"#{kept.code} is {kept.status.value}: reopen it or merge the other way"
        )
    # A refusal below rolls the moves back with the rest of the unit of work.
    moved = changed(
        session,
        update(InboundMessage)
        .where(InboundMessage.request_id == duplicate.id)
        .values(request_id=kept.id)
        .execution_options(synchronize_session=False),
    )
    session.execute(
        update(VoiceCall)
        .where(VoiceCall.request_id == duplicate.id)
        .values(request_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    closed = dispatch.close(
        h, work, group, duplicate, actor, action="merged", into=kept.code, texts_moved=moved
    )
    if not closed:
        raise ActionRefused(f"#{duplicate.code} is {duplicate.status.value}: it cannot be merged")
    kept.updated_at = now
    record_event(session, kept, actor, "merged", now, duplicate=duplicate.code, texts_moved=moved)
    return moved


def close(
    h: Hotline, work: Work, group: Group, request: HelpRequest, actor: Actor, *, reason: str
) -> None:
    if reason not in {"closed", "cancelled"}:
        raise ActionRefused("choose closed or cancelled")
    if not dispatch.close(h, work, group, request, actor, action=reason):
        status = request.status.value
        raise ActionRefused(
            f"#{request.code} is already {status}",
            Refusal.ALREADY_CLOSED,
            code=request.code,
            status=status,
        )


def match_offer(
    h: Hotline, work: Work, offer: AidOffer, request: HelpRequest, actor: Actor
) -> None:
    """Pair something a neighbour offered with a request that needs it."""
    if offer.status != "open":
        raise ActionRefused(f"that offer is already {offer.status}")
    if request.status not in ACTIVE_STATUSES:
        raise ActionRefused(f"#{request.code} is {request.status.value}: nothing to match")
    offer.status, offer.matched_request_id = "matched", request.id
    request.updated_at = h.clock.now()
    record_event(
        work.session,
        request,
        actor,
        "aid_offer_matched",
        h.clock.now(),
        offer=offer.id,
        summary=offer.body[:80],
    )
