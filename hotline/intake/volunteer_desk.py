"""What a volunteer can do by SMS: YES (the claim race), NO, DONE, RELEASE, MINE, ON, OFF,
and an emergency on a job they hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from hotline import dispatch, lifecycle
from hotline.intake.conversation import Conversation
from hotline.intake.neighbour_desk import add_need
from hotline.messages import dispatchers as dispatchers_told
from hotline.messages import volunteers as volunteers_told
from hotline.models import (
    Contact,
    Group,
    HelpRequest,
    Offer,
    OfferStatus,
    RequestStatus,
    Urgency,
    Volunteer,
)
from hotline.needs import Actor, by_code, record_event
from hotline.runtime.services import Hotline, Work
from hotline.sms.commands import Command, Verb
from hotline.triage import TriageResult

# dispatch.finish or dispatch.release: ends a volunteer's claim, True if it was theirs to end.
ClaimEnder = Callable[[Hotline, Work, Group, HelpRequest, Volunteer], bool]
# A bare YES just after someone else won is told so, not shown an empty menu.
RECENTLY_TAKEN = timedelta(hours=6)


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
        add_need(request, text, triage)
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
                Offer.offered_at >= talk.hotline.clock.now() - RECENTLY_TAKEN,
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
