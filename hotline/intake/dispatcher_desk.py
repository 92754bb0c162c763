"""The dispatcher's desk by SMS, for when the internet is down: Q and SHOW read the queue here;
ASSIGN and CLOSE go to `hotline.desk`, the dashboard's desk, and are refused as it refuses."""

from __future__ import annotations

from dataclasses import dataclass

from hotline import desk
from hotline.board import open_queue, queue_line
from hotline.intake.conversation import Conversation
from hotline.models import Contact, Dispatcher, HelpRequest, Priority
from hotline.needs import Actor, by_code, full_address
from hotline.people import find_volunteer, volunteer_label
from hotline.phones import display
from hotline.sms.commands import Command, Verb


@dataclass
class DispatcherDesk:
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
        try:
            if command.verb == Verb.SHOW:
                self.show(request)
            elif command.verb == Verb.ASSIGN:
                self.assign(request, command.arg or "")
            elif command.verb == Verb.CLOSE:
                self.close(request)
        except desk.ActionRefused as refused:
            self.refused(refused)

    def refused(self, refused: desk.ActionRefused) -> None:
        """The dashboard's refusal, in the dispatcher's language."""
        if refused.template is None:
            raise refused  # a refusal only the dashboard can meet: a bug if it reaches here
        self.talk.reply(refused.template, priority=Priority.REPLY, request=None, **refused.values)

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
        desk.assign(talk.hotline, talk.work, talk.group, request, volunteer, self.actor())
        talk.reply("dispatcher_assigned", code=request.code, assignee=volunteer_label(volunteer))

    def close(self, request: HelpRequest) -> None:
        talk = self.talk
        desk.close(talk.hotline, talk.work, talk.group, request, self.actor(), reason="closed")
        talk.reply("dispatcher_closed", code=request.code)
