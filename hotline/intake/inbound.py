"""The inbound job: one stored text, processed exactly once, answered through a reply sink."""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hotline.intake import compliance, router
from hotline.intake.conversation import Conversation
from hotline.messages.replies import InlineReplies, OutboxReplies, Replies
from hotline.models import Group, InboundMessage
from hotline.people import contact_for
from hotline.phones import mask
from hotline.runtime import logs
from hotline.runtime.db import changed
from hotline.runtime.services import Hotline

log = logging.getLogger(__name__)


def handle_inbound(hotline: Hotline, inbound_id: int, *, inline: bool = False) -> list[str]:
    """Process one stored inbound message, exactly once (a second run finds it processed).

    With `inline`, the answers to the sender are not sent by the API but returned, for the
    webhook to answer with (Twilio's REST API is down, but Twilio can still reach us).
    """
    inline_replies = InlineReplies()
    replies: Replies = inline_replies if inline else OutboxReplies()
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
        group = session.get_one(Group, message.group_id)
        contact = contact_for(session, group, message.from_number)
        message.contact_id = contact.id
        talk = Conversation(hotline, work, group, contact, message, replies)
        if not compliance.handled(talk):
            router.route(talk)
        line = f"text {message.id} from {mask(message.from_number)}: {message.outcome or 'kept'}"
        logs.on_commit(session, line)
    return inline_replies.texts


def _is_own_number(hotline: Hotline, session: Session, number: str) -> bool:
    own = {hotline.settings.hotline_number, hotline.settings.gateway_number}
    if number in own:
        return True
    return session.scalar(select(Group.id).where(Group.hotline_number == number)) is not None
