"""An inbound text becomes a compliance action, a command, a new request or added detail.

Carrier keywords (STOP, START, HELP) come before anything else; then the sender's role
decides which commands apply. A neighbour's words are never dropped: only replies are limited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hotline import dispatch, lifecycle
from hotline.board import open_queue, queue_line
from hotline.messages import dispatchers as dispatchers_told
from hotline.messages import replies
from hotline.messages import volunteers as volunteers_told
from hotline.models import (
    AidOffer,
    Contact,
    Dispatcher,
    Group,
    HelpRequest,
    InboundMessage,
    Offer,
    OfferStatus,
    Priority,
    RequestStatus,
    Urgency,
    Volunteer,
)
from hotline.needs import (
    LANGUAGE_NAMES,
    Actor,
    active_requests,
    by_code,
    full_address,
    more_urgent,
    neighbour_actor,
    open_request,
    record_event,
)
from hotline.outbound import OPT_OUT_CONFIRMATION
from hotline.people import (
    contact_for,
    dispatcher_of,
    find_volunteer,
    first_name,
    volunteer_label,
    volunteer_of,
)
from hotline.phones import display, mask
from hotline.runtime import logs
from hotline.runtime.db import changed
from hotline.runtime.queues import DispatchJob
from hotline.runtime.services import Hotline, Work
from hotline.sms.commands import (
    LOCAL_STOP_WORDS,
    Command,
    Verb,
    compliance_keyword,
    parse_command,
)
from hotline.triage import TriageResult
from hotline.triage_record import record_added_triage, record_triage

log = logging.getLogger(__name__)

VOLUNTEER_VERBS = {Verb.YES, Verb.NO, Verb.DONE, Verb.RELEASE, Verb.MINE, Verb.ON, Verb.OFF}
DISPATCHER_VERBS = {Verb.Q, Verb.SHOW, Verb.ASSIGN, Verb.CLOSE}
# A reply to a finished request within this time reopens it rather than opening a new one.
REOPEN_WINDOW = timedelta(hours=48)
# Added to a text's outcome when its menu reply was held back; outcomes fit the column with it.
MENU_LIMITED = ":menu_limited"
# dispatch.finish or dispatch.release: ends a volunteer's claim, True if it was theirs to end.
ClaimEnder = Callable[[Hotline, Work, Group, HelpRequest, Volunteer], bool]


OPT_OUT_TYPE_LENGTH = 16  # Contact.opt_out_type


def handle_inbound(hotline: Hotline, inbound_id: int, *, inline: bool = False) -> list[str]:
    """Process one stored inbound message, exactly once (a second run finds it processed).

    With `inline`, replies to the sender are not sent by the API but returned, for the webhook
    to answer with (Twilio's REST API is down, but Twilio can still reach us).
    """
    now = hotline.clock.now()
    with hotline.work() as work:
        session = work.session
        first = changed(
            session,
            update(InboundMessage)
            .where(InboundMessage.id == inbound_id, InboundMessage.processed_at.is_(None))
            .values(processed_at=now)
            .execution_options(synchronize_session=False),
        )
        if not first:
            return []
        message = session.get_one(InboundMessage, inbound_id)
        if message.group_id is None:
            message.outcome = "unknown_hotline_number"
            log.warning("text %s to unknown number %s", inbound_id, mask(message.to_number))
            return []
        if not message.from_number:
            # A provider sent a text without a sender: kept, but there is nobody to answer.
            message.outcome = "no_sender"
            return []
        if _is_own_number(hotline, session, message.from_number):
            # A gateway or carrier set up to text the hotline itself: answering would loop.
            message.outcome = "from_own_number"
            log.warning("text %s came from the hotline's own number: no reply", inbound_id)
            return []
        if inline:
            work.inline_to = message.from_number
        group = session.get_one(Group, message.group_id)
        contact = contact_for(session, group, message.from_number)
        message.contact_id = contact.id
        Conversation(hotline, work, group, contact, message).handle()
        line = f"text {message.id} from {mask(message.from_number)}: {message.outcome or 'kept'}"
        logs.on_commit(session, line)
    return work.inline_replies


def _is_own_number(hotline: Hotline, session: Session, number: str) -> bool:
    own = {hotline.settings.hotline_number, hotline.settings.gateway_number}
    if number in own:
        return True
    return session.scalar(select(Group.id).where(Group.hotline_number == number)) is not None


@dataclass
class Conversation:
    hotline: Hotline
    work: Work
    group: Group
    contact: Contact
    message: InboundMessage

    @property
    def session(self) -> Session:
        return self.work.session

    def reply(
        self,
        template: str,
        /,
        *,
        priority: int = Priority.REPLY,
        request: HelpRequest | None = None,
        **values: str,
    ) -> None:
        replies.reply(
            self.hotline,
            self.work,
            self.group,
            self.contact,
            self.message.id,
            template,
            priority=priority,
            request=request,
            **values,
        )

    def outcome(self, text: str) -> None:
        self.message.outcome = text

    # --- routing ---

    def handle(self) -> None:
        body = self.message.body or ""
        keyword = compliance_keyword(body)
        if (keyword is not None or self.message.opt_out_type) and self.compliance(keyword):
            return
        command = parse_command(body)
        volunteer = volunteer_of(self.session, self.contact)
        dispatcher = dispatcher_of(self.session, self.contact)
        if command is not None and command.verb == Verb.LANG:
            return self.set_language(command.arg or "")
        if command is not None and command.verb in DISPATCHER_VERBS and dispatcher is not None:
            self.reset_menu_limit()
            return DispatcherDesk(self, dispatcher).run(command)
        if command is not None and command.verb in VOLUNTEER_VERBS:
            if volunteer is None:
                # Someone who is not (or no longer) a volunteer learns nothing about any request.
                self.outcome("non_volunteer_command")
                return self.limited_reply("no_offer")
            return VolunteerDesk(self, volunteer).run(command)
        if command is not None and command.verb == Verb.OFFER:
            return self.aid_offer(command.arg or "")
        if command is not None and command.verb == Verb.NEED:
            # "Necesito agua en ..." is all of it the need, the keyword included.
            return self.need(body)
        if command is not None and command.verb == Verb.STATUS:
            return self.status()
        if command is not None and command.verb == Verb.CANCEL:
            return self.cancel(command.code)
        if volunteer is None and dispatcher is None:
            return self.need(body)
        # A volunteer's or dispatcher's other words get a menu, with two exceptions: more words
        # about a request they opened themselves, and an emergency, which never gets a menu.
        if active_requests(self.session, self.contact):
            return self.need(body)
        triage = self.triaged(body)
        if triage.urgency == Urgency.EMERGENCY.value:
            claims = lifecycle.claims_of(self.session, volunteer.id) if volunteer else []
            if volunteer is not None and claims:
                # On a job, it is most likely about the job: tell the dispatchers, not a wave.
                return VolunteerDesk(self, volunteer).report_emergency(claims[-1], body, triage)
            return self.need(body, triage)  # their own: a volunteer's house floods too
        if volunteer is not None:
            self.outcome("volunteer_menu")
            return VolunteerDesk(self, volunteer).menu()
        self.outcome("dispatcher_menu")
        return self.limited_reply("dispatcher_menu")

    def triaged(self, text: str) -> TriageResult:
        """What triage reads in a text from this contact, with the group's zones and lexicons."""
        triager = self.hotline.triager_for(self.group.zones, self.group.default_language)
        return triager.triage(text, language_hint=self.contact.language)

    # --- STOP / START / HELP ---

    def compliance(self, keyword: Command | None) -> bool:
        now = self.hotline.clock.now()
        opt_out_type = (self.message.opt_out_type or "").upper()
        verb = (
            keyword.verb
            if keyword
            else {"STOP": Verb.STOP, "START": Verb.START, "HELP": Verb.HELP}.get(opt_out_type)
        )
        if verb == Verb.STOP:
            self.contact.opted_out, self.contact.opted_out_at = True, now
            # "NO ME ESCRIBAN MAS" is longer than the column: kept as far as it fits.
            word = opt_out_type or (keyword.word if keyword else "STOP")
            self.contact.opt_out_type = word[:OPT_OUT_TYPE_LENGTH]
            self.outcome("opted_out")
            self.session.execute(
                update(Volunteer)
                .where(Volunteer.contact_id == self.contact.id)
                .values(on_call=False)
            )
            self.give_back_claims()
            actor = neighbour_actor(self.contact.id)
            for request in active_requests(self.session, self.contact):
                dispatch.close(
                    self.hotline, self.work, self.group, request, actor, action="opted_out"
                )
                dispatchers_told.neighbour_opted_out(self.hotline, self.work, self.group, request)
            if keyword is not None and keyword.word in LOCAL_STOP_WORDS:
                # Twilio confirms only its own words; these it passed on as ordinary texts, so
                # the one confirmation is ours, in the language the word was written in.
                self.contact.language = self.contact.language or LOCAL_STOP_WORDS[keyword.word]
                self.reply(OPT_OUT_CONFIRMATION, priority=Priority.CLAIM, group=self.group.name)
            # Twilio (or the carrier) confirms its own opt-out words; we may not text them now.
            return True
        if verb == Verb.START:
            self.contact.opted_out, self.contact.opted_out_at, self.contact.opt_out_type = (
                False,
                None,
                None,
            )
            self.outcome("opted_in")
            self.reply("started", group=self.group.name)
            return True
        if verb == Verb.HELP:
            self.outcome("help")
            self.reply("help", group=self.group.name)
            return True
        return False

    def give_back_claims(self) -> None:
        """A volunteer who opts out can no longer be texted the details: every claim they hold
        goes back to be offered again now, and the dispatchers hear why."""
        volunteers = self.session.scalars(
            select(Volunteer).where(Volunteer.contact_id == self.contact.id)
        ).all()
        for volunteer in volunteers:
            for request in lifecycle.claims_of(self.session, volunteer.id):
                if dispatch.release(self.hotline, self.work, self.group, request, volunteer):
                    dispatchers_told.volunteer_opted_out(
                        self.hotline, self.work, self.group, request, volunteer
                    )

    def set_language(self, language: str) -> None:
        language = language.lower()[:8]
        if language not in self.hotline.templates.languages():
            self.outcome("language_unknown")
            self.reply(
                "language_set",
                language=LANGUAGE_NAMES.get(
                    self.contact.language or self.group.default_language, "English"
                ),
            )
            return
        self.contact.language = language
        self.outcome("language_set")
        self.reply("language_set", language=LANGUAGE_NAMES.get(language, language))

    # --- neighbours ---

    def need(self, text: str, triage: TriageResult | None = None) -> None:
        """Free text from a neighbour: detail for their open request, a reopen, or a new need.
        `triage` is what was already read from `text`, if anything was."""
        text = text.strip()
        if not text:
            self.outcome("empty")
            return self.reply("help", group=self.group.name)
        now = self.hotline.clock.now()
        triage = triage or self.triaged(text)
        if self.contact.language is None and triage.language in self.hotline.templates.languages():
            self.contact.language = triage.language
        actor = neighbour_actor(self.contact.id)
        current = active_requests(self.session, self.contact)
        if current:
            return self.add_detail(current[0], text, triage, actor)
        recent = self.session.scalar(
            select(HelpRequest)
            .where(
                HelpRequest.contact_id == self.contact.id,
                HelpRequest.status.in_((RequestStatus.DONE, RequestStatus.CANCELLED)),
                HelpRequest.closed_at >= now - REOPEN_WINDOW,
            )
            .order_by(HelpRequest.closed_at.desc())
        )
        if recent is not None and triage.kind == "other":
            # "Thank you!" after a request is over is not a new need: keep it on the thread.
            self.message.request_id = recent.id
            self.outcome("after_closed")
            return self.limited_reply("after_closed", code=recent.code)
        if recent is not None and recent.status == RequestStatus.DONE:
            self.message.request_id = recent.id
            recent.need = _joined(recent.need, text)
            dispatch.reopen(self.hotline, self.work, recent, actor)
            self.outcome("reopened")
            return self.reply("reopened", request=recent, code=recent.code)
        if triage.kind == "offer":
            return self.aid_offer(text)
        request = open_request(
            self.session, self.group, self.contact, need=text, now=now, language=triage.language
        )
        _apply_triage(request, triage)
        self.message.request_id = request.id
        record_event(
            self.session,
            request,
            actor,
            "opened",
            now,
            categories=list(request.categories),
            urgency=request.urgency.value,
        )
        self.outcome("new_request")
        emergency = request.urgency == Urgency.EMERGENCY
        if emergency:
            self.call_for_help("ack_emergency", request)
            dispatchers_told.emergency(self.hotline, self.work, self.group, request)
        else:
            self.reply(
                "ack",
                request=request,
                priority=Priority.ACK,
                group=self.group.name,
                code=request.code,
            )
        has_place = bool(request.location or request.zone)
        if not lifecycle.opened(request, now, has_place=has_place, emergency=emergency):
            dispatch.schedule_offers(self.hotline, self.work, request)
            return
        self.reply(
            "ask_location",
            request=request,
            priority=Priority.EMERGENCY if emergency else Priority.ACK,
            code=request.code,
        )
        if emergency:
            # A life may be at risk: ask where, but do not wait for the answer to offer.
            dispatch.schedule_offers(self.hotline, self.work, request)
            return
        due = now + self.group.config.wave_timeout
        dispatch.schedule_timer(
            self.hotline, self.work, due, DispatchJob.LOCATION_TIMEOUT, request.id
        )

    def add_detail(
        self, request: HelpRequest, text: str, triage: TriageResult, actor: Actor
    ) -> None:
        now = self.hotline.clock.now()
        self.message.request_id = request.id
        was_emergency = request.urgency == Urgency.EMERGENCY

        def became_emergency() -> bool:
            return request.urgency == Urgency.EMERGENCY and not was_emergency

        if request.status == RequestStatus.NEEDS_INFO or (
            request.location_asked_at and not request.location
        ):
            # The answer to "where are you?": all of it is the location.
            request.location = triage.location or text
            request.zone = request.zone or triage.zone
            record_event(self.session, request, actor, "location_given", now)
            if triage.urgency == Urgency.EMERGENCY.value:
                # "12 Elm St, my mother stopped breathing": a place and an emergency. Only an
                # emergency is read from a place answer: "by the hospital" is not a need.
                _add_need(request, text, triage)
            if request.status == RequestStatus.NEEDS_INFO and not became_emergency():
                # An emergency's offers go out below, from dispatch.became_emergency.
                lifecycle.open_for_offers(request)
                dispatch.schedule_offers(self.hotline, self.work, request)
        else:
            _add_need(request, text, triage)
            request.location = request.location or triage.location
            request.zone = request.zone or triage.zone
            request.people = request.people or triage.people
            record_event(self.session, request, actor, "detail_added", now)
        record_added_triage(request, triage, text, raised=became_emergency())
        self.outcome("detail_added")
        if became_emergency():
            self.call_for_help("detail_emergency", request)
            dispatch.became_emergency(self.hotline, self.work, self.group, request)
        else:
            self.reply("detail_added", request=request, code=request.code)

    def call_for_help(self, template: str, request: HelpRequest) -> None:
        """An emergency's reply, first in the queue: call the local emergency number."""
        self.reply(
            template,
            request=request,
            priority=Priority.EMERGENCY,
            code=request.code,
            emergency=self.group.emergency_number,
        )

    def status(self) -> None:
        self.outcome("status")
        current = active_requests(self.session, self.contact)
        if not current:
            return self.reply("status_none", group=self.group.name)
        request = current[0]
        if request.status == RequestStatus.CLAIMED and request.claimed_by is not None:
            return self.reply(
                "status_claimed",
                request=request,
                code=request.code,
                volunteer=first_name(request.claimed_by.contact),
            )
        return self.reply("status_open", request=request, code=request.code)

    def cancel(self, code: str | None) -> None:
        current = active_requests(self.session, self.contact)
        target = next((r for r in current if r.code == code), None) if code else None
        if code is None and len(current) == 1:
            target = current[0]
        if target is None:
            self.outcome("cancel_unknown")
            return self.reply("cancel_unknown", codes=" ".join(r.code for r in current) or "-")
        actor = neighbour_actor(self.contact.id)
        dispatch.close(self.hotline, self.work, self.group, target, actor, action="cancelled")
        self.message.request_id = target.id
        self.outcome("cancelled")
        self.reply("cancelled", request=target, code=target.code)

    def aid_offer(self, text: str) -> None:
        if not text.strip():
            return self.reply("help", group=self.group.name)
        triage = self.triaged(text)
        self.session.add(
            AidOffer(
                group_id=self.group.id,
                contact_id=self.contact.id,
                body=text,
                categories=[c for c in triage.categories if c != "other"],
                created_at=self.hotline.clock.now(),
            )
        )
        self.outcome("aid_offer")
        self.reply("aid_offer_recorded", summary=text)

    # --- rate-limited menus ---

    def limited_reply(self, template: str, /, **values: str) -> None:
        """At most one menu a minute and a few in a row to a number; a working command resets."""
        in_a_row = self.group.config.menu_limit_in_a_row
        now = self.hotline.clock.now()
        if not self.hotline.menu_limit.allow(
            self.group.id, self.contact.phone_number, now, in_a_row
        ):
            self.outcome((self.message.outcome or "") + MENU_LIMITED)
            return
        self.reply(template, priority=Priority.REPLY, request=None, **values)

    def reset_menu_limit(self) -> None:
        self.hotline.menu_limit.reset(self.group.id, self.contact.phone_number)


def _add_need(request: HelpRequest, text: str, triage: TriageResult) -> None:
    """Fold a later text's need into the request: its words, categories and urgency."""
    request.need = _joined(request.need, text)
    added = [c for c in triage.categories if c != "other"]
    if added:
        known = [c for c in request.categories if c != "other"]
        request.categories = list(dict.fromkeys([*known, *added]))
    request.urgency = more_urgent(request.urgency, Urgency(triage.urgency))


def _joined(existing: str, more: str) -> str:
    return f"{existing} / {more}" if existing else more


def _apply_triage(request: HelpRequest, triage: TriageResult) -> None:
    request.categories = [c for c in triage.categories if c != "other"] or ["other"]
    request.urgency = Urgency(triage.urgency)
    request.kind = triage.kind
    request.location = triage.location
    request.zone = triage.zone
    request.people = triage.people
    record_triage(request, triage, request.need)


@dataclass
class VolunteerDesk:
    """What a volunteer can do by SMS."""

    talk: Conversation
    volunteer: Volunteer

    def run(self, command: Command) -> None:
        talk = self.talk
        handlers = {
            Verb.YES: self.yes,
            Verb.NO: self.no,
            Verb.DONE: self.done,
            Verb.RELEASE: self.release,
            Verb.MINE: self.mine,
            Verb.ON: self.on,
            Verb.OFF: self.off,
        }
        talk.outcome(f"volunteer_{command.verb.value}")
        handlers[command.verb](command)

    def actor(self) -> Actor:
        return dispatch.volunteer_actor(self.volunteer)

    def codes(self) -> str:
        session = self.talk.session
        offered = [o.request.code for o in lifecycle.open_offers(session, self.volunteer.id)]
        claimed = [r.code for r in lifecycle.claims_of(session, self.volunteer.id)]
        return " ".join(dict.fromkeys([*claimed, *offered])) or "-"

    def menu(self) -> None:
        self.talk.limited_reply("volunteer_menu", codes=self.codes())

    def report_emergency(self, request: HelpRequest, text: str, triage: TriageResult) -> None:
        """An emergency texted by the volunteer holding `request`: it goes on the request,
        which becomes an emergency, and dispatchers are alerted; nobody else is offered it."""
        talk, now = self.talk, self.talk.hotline.clock.now()
        talk.message.request_id = request.id
        was_emergency = request.urgency == Urgency.EMERGENCY
        _add_need(request, text, triage)
        record_event(talk.session, request, self.actor(), "detail_added", now)
        talk.outcome("volunteer_emergency")
        talk.call_for_help("detail_emergency", request)
        if not was_emergency:
            dispatchers_told.emergency(talk.hotline, talk.work, talk.group, request)

    def target(self, command: Command) -> HelpRequest | None:
        return by_code(self.talk.session, self.talk.group, command.code)

    def yes(self, command: Command) -> None:
        talk, session = self.talk, self.talk.session
        if command.code is None:
            offers = lifecycle.open_offers(session, self.volunteer.id)
            if len(offers) > 1:
                talk.reset_menu_limit()
                codes = [o.request.code for o in offers]
                return talk.reply("which_code", codes=" ".join(codes), example=codes[0])
            if not offers:
                return self.too_late_or_nothing()
            request: HelpRequest | None = offers[0].request
        else:
            request = self.target(command)
        offer = lifecycle.offer_for(session, self.volunteer.id, request)
        if request is None or offer is None:
            # An unknown code, or one never offered to this volunteer: reveal nothing.
            return talk.limited_reply("no_offer")
        talk.reset_menu_limit()
        talk.message.request_id = request.id
        if request.status == RequestStatus.CLAIMED and request.claimed_by_id == self.volunteer.id:
            return volunteers_told.claim_details(
                talk.hotline,
                talk.work,
                talk.group,
                request,
                self.volunteer,
                session.get_one(Contact, request.contact_id),
            )
        if lifecycle.may_claim(offer.status) and dispatch.claim(
            talk.hotline, talk.work, talk.group, request, self.volunteer, self.actor()
        ):
            talk.outcome("claim_won")
            return
        talk.outcome("claim_lost")
        lifecycle.lost(offer, talk.hotline.clock.now())
        talk.reply("claim_taken", request=request, code=request.code)

    def too_late_or_nothing(self) -> None:
        """A bare YES with no open offer: if one was just taken by someone else, say so kindly."""
        talk = self.talk
        recent = talk.session.scalar(
            select(Offer)
            .where(
                Offer.volunteer_id == self.volunteer.id,
                Offer.status == OfferStatus.TAKEN,
                Offer.offered_at >= talk.hotline.clock.now() - timedelta(hours=6),
            )
            .order_by(Offer.offered_at.desc())
        )
        if recent is not None:
            talk.reset_menu_limit()
            return talk.reply("claim_taken", request=recent.request, code=recent.request.code)
        talk.limited_reply("no_offer")

    def no(self, command: Command) -> None:
        talk, session = self.talk, self.talk.session
        offers = lifecycle.open_offers(session, self.volunteer.id)
        if command.code is not None:
            offers = [o for o in offers if o.request.code == command.code]
        if len(offers) != 1:
            if not offers:
                return talk.limited_reply("no_offer")
            talk.reset_menu_limit()
            return talk.reply("volunteer_menu", codes=self.codes())
        talk.reset_menu_limit()
        talk.message.request_id = offers[0].request_id
        dispatch.decline(talk.hotline, talk.work, offers[0])
        talk.reply("declined")

    def _claimed(self, command: Command) -> HelpRequest | None:
        claims = lifecycle.claims_of(self.talk.session, self.volunteer.id)
        if command.code is not None:
            return next((r for r in claims if r.code == command.code), None)
        return claims[0] if len(claims) == 1 else None

    def done(self, command: Command) -> None:
        self._end_claim(command, dispatch.finish, "done_thanks")

    def release(self, command: Command) -> None:
        self._end_claim(command, dispatch.release, "released")

    def _end_claim(self, command: Command, end: ClaimEnder, reply: str) -> None:
        """DONE or RELEASE: the one claim the text names (or the only one), else the menu."""
        talk = self.talk
        request = self._claimed(command)
        if request is None:
            return self.menu()
        talk.reset_menu_limit()
        talk.message.request_id = request.id
        end(talk.hotline, talk.work, talk.group, request, self.volunteer)
        talk.reply(reply, request=request, code=request.code)

    def mine(self, command: Command) -> None:
        talk = self.talk
        talk.reset_menu_limit()
        claims = lifecycle.claims_of(talk.session, self.volunteer.id)
        if not claims:
            return talk.reply("mine_none")
        listed = "; ".join(f"#{r.code} {', '.join(r.categories)}" for r in claims)
        talk.reply("mine", claims=listed)

    def on(self, command: Command) -> None:
        self.talk.reset_menu_limit()
        self.volunteer.on_call = True
        self.talk.reply("on_call")

    def off(self, command: Command) -> None:
        self.talk.reset_menu_limit()
        self.volunteer.on_call = False
        self.talk.reply("off_call")


@dataclass
class DispatcherDesk:
    """Running the queue by SMS when the internet is down."""

    talk: Conversation
    dispatcher: Dispatcher

    def actor(self) -> Actor:
        return Actor("dispatcher", self.dispatcher.id, self.dispatcher.contact.name or "dispatcher")

    def run(self, command: Command) -> None:
        self.talk.outcome(f"dispatcher_{command.verb.value}")
        if command.verb == Verb.Q:
            return self.queue()
        request = by_code(self.talk.session, self.talk.group, command.code)
        if request is None:
            return self.talk.reply("dispatcher_unknown_code", code=command.code or "?")
        self.talk.message.request_id = request.id
        if command.verb == Verb.SHOW:
            return self.show(request)
        if command.verb == Verb.ASSIGN:
            return self.assign(request, command.arg or "")
        if command.verb == Verb.CLOSE:
            return self.close(request)

    def queue(self) -> None:
        talk = self.talk
        requests = open_queue(talk.session, talk.group)
        if not requests:
            return talk.reply("dispatcher_queue_empty")
        lines = "; ".join(queue_line(r, talk.hotline.clock.now()) for r in requests)
        talk.reply("dispatcher_queue", count=str(len(requests)), lines=lines)

    def show(self, request: HelpRequest) -> None:
        talk = self.talk
        neighbour = talk.session.get_one(Contact, request.contact_id)
        talk.reply(
            "dispatcher_show",
            request=request,
            code=request.code,
            status=request.status.value,
            urgency=request.urgency.value,
            need=request.need,
            address=full_address(request),
            phone=display(neighbour.phone_number),
            volunteer=volunteer_label(request.claimed_by) if request.claimed_by else "-",
        )

    def assign(self, request: HelpRequest, who: str) -> None:
        talk = self.talk
        volunteer = find_volunteer(talk.session, talk.group, who) if who else None
        if volunteer is None:
            return talk.reply("dispatcher_unknown_volunteer", assignee=who or "?")
        if not dispatch.can_be_assigned(volunteer):
            return talk.reply("dispatcher_cannot_assign", assignee=volunteer_label(volunteer))
        if dispatch.assign(talk.hotline, talk.work, talk.group, request, volunteer, self.actor()):
            return talk.reply(
                "dispatcher_assigned",
                code=request.code,
                assignee=volunteer_label(volunteer),
            )
        talk.reply(
            "dispatcher_show",
            request=request,
            code=request.code,
            status=request.status.value,
            urgency=request.urgency.value,
            need=request.need,
            address="-",
            phone="-",
            volunteer=volunteer_label(request.claimed_by) if request.claimed_by else "-",
        )

    def close(self, request: HelpRequest) -> None:
        talk = self.talk
        dispatch.close(talk.hotline, talk.work, talk.group, request, self.actor(), action="closed")
        talk.reply("dispatcher_closed", code=request.code)
