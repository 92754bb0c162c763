"""What anyone in need can do by SMS: a need in their own words, more detail, STATUS, CANCEL,
and OFFER (mutual aid goes both ways). A neighbour's words are never dropped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from hotline import dispatch, lifecycle
from hotline.intake.conversation import Conversation
from hotline.intake.opening import apply_triage, open_need
from hotline.models import AidOffer, HelpRequest, Priority, RequestStatus, Urgency
from hotline.needs import Actor, active_requests, more_urgent, neighbour_actor, record_event
from hotline.people import first_name
from hotline.triage import TriageResult
from hotline.triage_record import record_added_triage

# A reply to a finished request within this time reopens it rather than opening a new one.
REOPEN_WINDOW = timedelta(hours=48)


@dataclass
class NeighbourDesk:
    talk: Conversation

    def need(self, text: str, triage: TriageResult | None = None) -> None:
        """Free text from a neighbour: detail for their open request, a reopen, or a new need.
        `triage` is what was already read from `text`, if anything was."""
        talk = self.talk
        text = text.strip()
        if not text:
            talk.outcome("empty")
            return talk.reply("help", group=talk.group.name)
        now = talk.hotline.clock.now()
        triage = triage or talk.triaged(text)
        if talk.contact.language is None and triage.language in talk.hotline.templates.languages():
            talk.contact.language = triage.language
        actor = neighbour_actor(talk.contact.id)
        current = active_requests(talk.session, talk.contact)
        if current:
            return self.add_detail(current[0], text, triage, actor)
        recent = talk.session.scalar(
            select(HelpRequest)
            .where(
                HelpRequest.contact_id == talk.contact.id,
                HelpRequest.status.in_((RequestStatus.DONE, RequestStatus.CANCELLED)),
                HelpRequest.closed_at >= now - REOPEN_WINDOW,
            )
            .order_by(HelpRequest.closed_at.desc())
        )
        if recent is not None and triage.kind == "other":
            # "Thank you!" after a request is over is not a new need: keep it on the thread.
            talk.message.request_id = recent.id
            talk.outcome("after_closed")
            return talk.limited_reply("after_closed", code=recent.code)
        if recent is not None and recent.status == RequestStatus.DONE:
            talk.message.request_id = recent.id
            recent.need = _joined(recent.need, text)
            dispatch.reopen(talk.hotline, talk.work, recent, actor)
            talk.outcome("reopened")
            return talk.reply("reopened", request=recent, code=recent.code)
        if triage.kind == "offer":
            return self.aid_offer(text)
        self.open(text, triage)

    def open(self, text: str, triage: TriageResult) -> None:
        talk = self.talk
        request, ask_where = open_need(
            talk.hotline,
            talk.work,
            talk.group,
            talk.contact,
            need=text,
            language=triage.language,
            fill=lambda request: apply_triage(request, triage),
        )
        talk.message.request_id = request.id
        talk.outcome("new_request")
        emergency = request.urgency == Urgency.EMERGENCY
        if emergency:
            talk.call_for_help("ack_emergency", request)
        else:
            talk.reply(
                "ack",
                request=request,
                priority=Priority.ACK,
                group=talk.group.name,
                code=request.code,
            )
        if ask_where:
            # For an emergency too: offers went out already, and a place helps whoever goes.
            talk.reply(
                "ask_location",
                request=request,
                priority=Priority.EMERGENCY if emergency else Priority.ACK,
                code=request.code,
            )

    def add_detail(
        self, request: HelpRequest, text: str, triage: TriageResult, actor: Actor
    ) -> None:
        talk = self.talk
        now = talk.hotline.clock.now()
        talk.message.request_id = request.id
        was_emergency = request.urgency == Urgency.EMERGENCY

        def became_emergency() -> bool:
            return request.urgency == Urgency.EMERGENCY and not was_emergency

        if request.status == RequestStatus.NEEDS_INFO or (
            request.location_asked_at and not request.location
        ):
            # The answer to "where are you?": all of it is the location.
            request.location = triage.location or text
            request.zone = request.zone or triage.zone
            record_event(talk.session, request, actor, "location_given", now)
            if triage.urgency == Urgency.EMERGENCY.value:
                # "12 Elm St, my mother stopped breathing": a place and an emergency. Only an
                # emergency is read from a place answer: "by the hospital" is not a need.
                add_need(request, text, triage)
            if request.status == RequestStatus.NEEDS_INFO and not became_emergency():
                # An emergency's offers go out below, from dispatch.became_emergency.
                lifecycle.open_for_offers(request)
                dispatch.schedule_offers(talk.hotline, talk.work, request)
        else:
            add_need(request, text, triage)
            request.location = request.location or triage.location
            request.zone = request.zone or triage.zone
            request.people = request.people or triage.people
            record_event(talk.session, request, actor, "detail_added", now)
        record_added_triage(request, triage, text, raised=became_emergency())
        talk.outcome("detail_added")
        if became_emergency():
            talk.call_for_help("detail_emergency", request)
            dispatch.became_emergency(talk.hotline, talk.work, talk.group, request)
        else:
            talk.reply("detail_added", request=request, code=request.code)

    def status(self) -> None:
        talk = self.talk
        talk.outcome("status")
        current = active_requests(talk.session, talk.contact)
        if not current:
            return talk.reply("status_none", group=talk.group.name)
        request = current[0]
        if request.status == RequestStatus.CLAIMED and request.claimed_by is not None:
            return talk.reply(
                "status_claimed",
                request=request,
                code=request.code,
                volunteer=first_name(request.claimed_by.contact),
            )
        return talk.reply("status_open", request=request, code=request.code)

    def cancel(self, code: str | None) -> None:
        talk = self.talk
        current = active_requests(talk.session, talk.contact)
        target = next((r for r in current if r.code == code), None) if code else None
        if code is None and len(current) == 1:
            target = current[0]
        if target is None:
            talk.outcome("cancel_unknown")
            return talk.reply("cancel_unknown", codes=" ".join(r.code for r in current) or "-")
        actor = neighbour_actor(talk.contact.id)
        dispatch.close(talk.hotline, talk.work, talk.group, target, actor, action="cancelled")
        talk.message.request_id = target.id
        talk.outcome("cancelled")
        talk.reply("cancelled", request=target, code=target.code)

    def aid_offer(self, text: str) -> None:
        talk = self.talk
        if not text.strip():
            return talk.reply("help", group=talk.group.name)
        triage = talk.triaged(text)
        talk.session.add(
            AidOffer(
                group_id=talk.group.id,
                contact_id=talk.contact.id,
                body=text,
                categories=[c for c in triage.categories if c != "other"],
                created_at=talk.hotline.clock.now(),
            )
        )
        talk.outcome("aid_offer")
        talk.reply("aid_offer_recorded", summary=text)


def add_need(request: HelpRequest, text: str, triage: TriageResult) -> None:
    """Fold a later text's need into the request: its words, categories and urgency."""
    request.need = _joined(request.need, text)
    added = [c for c in triage.categories if c != "other"]
    if added:
        known = [c for c in request.categories if c != "other"]
        request.categories = list(dict.fromkeys([*known, *added]))
    request.urgency = more_urgent(request.urgency, Urgency(triage.urgency))


def _joined(existing: str, more: str) -> str:
    return f"{existing} / {more}" if existing else more
