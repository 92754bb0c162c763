"""Which desk answers a text: a table from (role, verb) to a handler, looked up for the
sender's roles in turn (dispatcher, volunteer, anyone); free text has rules of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hotline import lifecycle
from hotline.intake.conversation import Conversation
from hotline.intake.dispatcher_desk import DispatcherDesk
from hotline.intake.neighbour_desk import NeighbourDesk
from hotline.intake.volunteer_desk import VolunteerDesk
from hotline.models import Dispatcher, Urgency, Volunteer
from hotline.needs import active_requests
from hotline.people import dispatcher_of, volunteer_of
from hotline.sms.commands import Command, Verb, parse_command

VOLUNTEER_VERBS = (Verb.YES, Verb.NO, Verb.DONE, Verb.RELEASE, Verb.MINE, Verb.ON, Verb.OFF)
DISPATCHER_VERBS = (Verb.Q, Verb.SHOW, Verb.ASSIGN, Verb.CLOSE)


@dataclass(frozen=True)
class Turn:
    """One text on its way to a desk: what it says, and who its sender is here."""

    talk: Conversation
    body: str
    command: Command
    volunteer: Volunteer | None
    dispatcher: Dispatcher | None


Handler = Callable[[Turn], None]


def _language(turn: Turn) -> None:
    turn.talk.set_language(turn.command.arg or "")


def _dispatcher(turn: Turn) -> None:
    assert turn.dispatcher is not None  # routed here for the dispatcher role only
    turn.talk.reset_menu_limit()
    DispatcherDesk(turn.talk, turn.dispatcher).run(turn.command)


def _volunteer(turn: Turn) -> None:
    assert turn.volunteer is not None  # routed here for the volunteer role only
    VolunteerDesk(turn.talk, turn.volunteer).run(turn.command)


def _not_a_volunteer(turn: Turn) -> None:
    # Someone who is not (or no longer) a volunteer learns nothing about any request.
    turn.talk.outcome("non_volunteer_command")
    turn.talk.limited_reply("no_offer")


def _aid_offer(turn: Turn) -> None:
    NeighbourDesk(turn.talk).aid_offer(turn.command.arg or "")


def _need(turn: Turn) -> None:
    # "Necesito agua en ..." is all of it the need, the keyword included.
    NeighbourDesk(turn.talk).need(turn.body)


def _status(turn: Turn) -> None:
    NeighbourDesk(turn.talk).status()


def _cancel(turn: Turn) -> None:
    NeighbourDesk(turn.talk).cancel(turn.command.code)


ROUTES: dict[tuple[str, Verb], Handler] = {
    ("anyone", Verb.LANG): _language,
    **{("dispatcher", verb): _dispatcher for verb in DISPATCHER_VERBS},
    **{("volunteer", verb): _volunteer for verb in VOLUNTEER_VERBS},
    **{("anyone", verb): _not_a_volunteer for verb in VOLUNTEER_VERBS},
    ("anyone", Verb.OFFER): _aid_offer,
    ("anyone", Verb.NEED): _need,
    ("anyone", Verb.STATUS): _status,
    ("anyone", Verb.CANCEL): _cancel,
}


def route(talk: Conversation) -> None:
    """Hand the text to the desk its command and its sender's roles call for."""
    body = talk.message.body or ""
    command = parse_command(body)
    volunteer = volunteer_of(talk.session, talk.contact)
    dispatcher = dispatcher_of(talk.session, talk.contact)
    if command is not None:
        turn = Turn(talk, body, command, volunteer, dispatcher)
        roles = [
            role
            for role, present in (("dispatcher", dispatcher), ("volunteer", volunteer))
            if present is not None
        ]
        for role in (*roles, "anyone"):
            if (handler := ROUTES.get((role, command.verb))) is not None:
                return handler(turn)
    free_text(talk, body, volunteer, dispatcher)


def free_text(
    talk: Conversation, body: str, volunteer: Volunteer | None, dispatcher: Dispatcher | None
) -> None:
    """Words that are no command here: a neighbour's need, else a volunteer's or dispatcher's
    menu, with two exceptions: more words about a request they opened themselves, and an
    emergency, which never gets a menu."""
    neighbours = NeighbourDesk(talk)
    if volunteer is None and dispatcher is None:
        return neighbours.need(body)
    if active_requests(talk.session, talk.contact):
        return neighbours.need(body)
    triage = talk.triaged(body)
    if triage.urgency == Urgency.EMERGENCY.value:
        claims = lifecycle.claims_of(talk.session, volunteer.id) if volunteer else []
        if volunteer is not None and claims:
            # On a job, it is most likely about the job: tell the dispatchers, not a wave.
            return VolunteerDesk(talk, volunteer).report_emergency(claims[-1], body, triage)
        return neighbours.need(body, triage)  # their own: a volunteer's house floods too
    if volunteer is not None:
        talk.outcome("volunteer_menu")
        return VolunteerDesk(talk, volunteer).menu()
    talk.outcome("dispatcher_menu")
    talk.limited_reply("dispatcher_menu")
