"""Answers to an inbound text: one per template per text, so a job that runs twice answers once
(the key `reply:<text id>:<template>` is also how the inbox finds a text's answers)."""

from __future__ import annotations

from hotline.messages.outbox import write
from hotline.models import Contact, Group, HelpRequest, Priority
from hotline.runtime.services import Hotline, Work


def reply(
    hotline: Hotline,
    work: Work,
    group: Group,
    contact: Contact,
    inbound_id: int,
    template: str,
    /,
    *,
    priority: int = Priority.REPLY,
    request: HelpRequest | None = None,
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
        dedupe=f"reply:{inbound_id}:{template}",
        **values,
    )
