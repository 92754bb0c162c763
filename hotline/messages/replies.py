"""Answers to an inbound text, through a sink the conversation is given: the outbox, or the
webhook's own answer while Twilio's REST API is down. One answer per template per text, so
a job that runs twice answers once (the key `reply:<text id>:<template>` is also how the
inbox finds a text's answers when Twilio posts the same text again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from hotline.messages.outbox import write
from hotline.models import Contact, Group, HelpRequest
from hotline.outbound import record_inline
from hotline.runtime.services import Hotline, Work


def reply_key(inbound_id: int, template: str) -> str:
    return f"reply:{inbound_id}:{template}"


class Replies(Protocol):
    """Where the answers to one inbound text go."""

    def reply(
        self,
        hotline: Hotline,
        work: Work,
        group: Group,
        contact: Contact,
        inbound_id: int,
        template: str,
        /,
        *,
        priority: int,
        request: HelpRequest | None,
        **values: str,
    ) -> None: ...


class OutboxReplies:
    """The usual way: each answer is a row in the outbox, sent by a job after the commit."""

    def reply(
        self,
        hotline: Hotline,
        work: Work,
        group: Group,
        contact: Contact,
        inbound_id: int,
        template: str,
        /,
        *,
        priority: int,
        request: HelpRequest | None,
        **values: str,
    ) -> None:
        write(
            hotline,
            work,
            group,
            contact,
            template,
            request=request,
            priority=priority,
            dedupe=reply_key(inbound_id, template),
            **values,
        )


@dataclass
class InlineReplies:
    """Answers that ride on the webhook's TwiML answer; `texts` is what it says, in order.
    Each is still a row, sent at once on the `inline` channel, for the record."""

    texts: list[str] = field(default_factory=list)

    def reply(
        self,
        hotline: Hotline,
        work: Work,
        group: Group,
        contact: Contact,
        inbound_id: int,
        template: str,
        /,
        *,
        priority: int,
        request: HelpRequest | None,
        **values: str,
    ) -> None:
        message = record_inline(
            hotline,
            work,
            group,
            contact,
            template,
            priority=priority,
            request_id=request.id if request else None,
            dedupe_key=reply_key(inbound_id, template),
            **values,
        )
        if message is not None and message.channel == "inline":
            self.texts.append(message.body)
