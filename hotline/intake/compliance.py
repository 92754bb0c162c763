"""STOP, START and HELP, before anything else: the carrier keywords, and the opt-outs Twilio
reports on a text. An opted-out number may not be texted, and its claims and requests close."""

from __future__ import annotations

from sqlalchemy import select, update

from hotline import dispatch, lifecycle
from hotline.intake.conversation import Conversation
from hotline.messages import dispatchers as dispatchers_told
from hotline.models import Priority, Volunteer
from hotline.needs import active_requests, neighbour_actor
from hotline.outbound import OPT_OUT_CONFIRMATION
from hotline.sms.commands import LOCAL_STOP_WORDS, Command, Verb, compliance_keyword

OPT_OUT_TYPE_LENGTH = 16  # Contact.opt_out_type
_REPORTED = {"STOP": Verb.STOP, "START": Verb.START, "HELP": Verb.HELP}


def handled(talk: Conversation) -> bool:
    """Act on a compliance keyword or a reported opt-out; True if the text needs nothing more."""
    keyword = compliance_keyword(talk.message.body or "")
    if keyword is None and not talk.message.opt_out_type:
        return False
    opt_out_type = (talk.message.opt_out_type or "").upper()
    verb = keyword.verb if keyword else _REPORTED.get(opt_out_type)
    if verb == Verb.STOP:
        stop(talk, keyword, opt_out_type)
        return True
    if verb == Verb.START:
        talk.contact.opted_out, talk.contact.opted_out_at, talk.contact.opt_out_type = (
            False,
            None,
            None,
        )
        talk.outcome("opted_in")
        talk.reply("started", group=talk.group.name)
        return True
    if verb == Verb.HELP:
        talk.outcome("help")
        talk.reply("help", group=talk.group.name)
        return True
    return False


def stop(talk: Conversation, keyword: Command | None, opt_out_type: str) -> None:
    now = talk.hotline.clock.now()
    talk.contact.opted_out, talk.contact.opted_out_at = True, now
    # "NO ME ESCRIBAN MAS" is longer than the column: kept as far as it fits.
    word = opt_out_type or (keyword.word if keyword else "STOP")
    talk.contact.opt_out_type = word[:OPT_OUT_TYPE_LENGTH]
    talk.outcome("opted_out")
    talk.session.execute(
        update(Volunteer).where(Volunteer.contact_id == talk.contact.id).values(on_call=False)
    )
    give_back_claims(talk)
    actor = neighbour_actor(talk.contact.id)
    for request in active_requests(talk.session, talk.contact):
        dispatch.close(talk.hotline, talk.work, talk.group, request, actor, action="opted_out")
        dispatchers_told.neighbour_opted_out(talk.hotline, talk.work, talk.group, request)
    if keyword is not None and keyword.word in LOCAL_STOP_WORDS:
        # Twilio confirms only its own words; these it passed on as ordinary texts, so the one
        # confirmation is ours, in the language the word was written in.
        talk.contact.language = talk.contact.language or LOCAL_STOP_WORDS[keyword.word]
        talk.reply(OPT_OUT_CONFIRMATION, priority=Priority.CLAIM, group=talk.group.name)
    # Twilio (or the carrier) confirms its own opt-out words; we may not text them now.


def give_back_claims(talk: Conversation) -> None:
    """A volunteer who opts out can no longer be texted the details: every claim they hold
    goes back to be offered again now, and the dispatchers hear why."""
    volunteers = talk.session.scalars(
        select(Volunteer).where(Volunteer.contact_id == talk.contact.id)
    ).all()
    for volunteer in volunteers:
        for request in lifecycle.claims_of(talk.session, volunteer.id):
            if dispatch.release(talk.hotline, talk.work, talk.group, request, volunteer):
                dispatchers_told.volunteer_opted_out(
                    talk.hotline, talk.work, talk.group, request, volunteer
                )
