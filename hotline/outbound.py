"""Outbound SMS: a row is written first (queued), a job sends it, callbacks move it along."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.channels import ChannelError
from hotline.channels.twilio import OPTED_OUT
from hotline.db import changed
from hotline.models import Contact, Group, OutboundMessage, OutboundStatus, Priority
from hotline.phones import mask
from hotline.services import Hotline, Work

log = logging.getLogger(__name__)

# Callbacks can arrive out of order; a status only ever moves forward.
_RANK = {
    OutboundStatus.QUEUED: 0,
    OutboundStatus.SENDING: 1,
    OutboundStatus.SENT: 2,
    OutboundStatus.DELIVERED: 3,
    OutboundStatus.UNDELIVERED: 3,
    OutboundStatus.FAILED: 3,
    OutboundStatus.BLOCKED: 3,
}
_PROVIDER_STATUS = {
    "accepted": OutboundStatus.SENDING,
    "queued": OutboundStatus.SENDING,
    "sending": OutboundStatus.SENDING,
    "sent": OutboundStatus.SENT,
    "delivered": OutboundStatus.DELIVERED,
    "undelivered": OutboundStatus.UNDELIVERED,
    "failed": OutboundStatus.FAILED,
}


def queue_sms(
    hotline: Hotline,
    work: Work,
    group: Group,
    contact: Contact,
    template: str,
    /,
    *,
    priority: int = Priority.REPLY,
    request_id: int | None = None,
    dedupe_key: str | None = None,
    **values: Any,
) -> OutboundMessage | None:
    """Write one templated SMS for `contact` and send it once the transaction commits.

    Returns None when `dedupe_key` shows this message was already written (a job ran twice).
    An opted-out contact gets a `blocked` row, for the record, and nothing is sent.
    """
    session = work.session
    if dedupe_key and session.scalar(
        select(OutboundMessage.id).where(OutboundMessage.dedupe_key == dedupe_key)
    ):
        return None
    rendered = hotline.templates.render(
        template, contact.language, fallback=group.default_language, **values
    )
    message = OutboundMessage(
        group_id=group.id,
        contact_id=contact.id,
        request_id=request_id,
        to_number=contact.phone_number,
        from_number=group.hotline_number,
        body=rendered.text,
        template=template,
        language=rendered.language,
        priority=priority,
        dedupe_key=dedupe_key,
        status=OutboundStatus.BLOCKED if contact.opted_out else OutboundStatus.QUEUED,
        created_at=hotline.clock.now(),
        updated_at=hotline.clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        # Another worker wrote the same dedupe key between our check and our insert.
        return None
    if message.status is OutboundStatus.QUEUED:
        message_id, message_priority = message.id, message.priority
        work.after_commit(lambda: hotline.queues.send_sms(message_id, message_priority))
    return message


def send_outbound(hotline: Hotline, outbound_id: int) -> None:
    """Send one queued row through the channel. Safe to run twice: only `queued` rows go out.

    Raises ChannelError for a failure that may pass, so that RQ retries with backoff.
    """
    now = hotline.clock.now()
    with hotline.sessions.begin() as session:
        taken = changed(
            session,
            update(OutboundMessage)
            .where(
                OutboundMessage.id == outbound_id, OutboundMessage.status == OutboundStatus.QUEUED
            )
            .values(
                status=OutboundStatus.SENDING, attempts=OutboundMessage.attempts + 1, updated_at=now
            ),
        )
        if not taken:
            return
        message = session.get_one(OutboundMessage, outbound_id)
        if _opted_out(session, message):
            message.status = OutboundStatus.BLOCKED
            return
        to, from_, body = message.to_number, message.from_number, message.body

    try:
        result = hotline.channel.send(
            to=to, from_=from_, body=body, status_callback=hotline.status_callback_url(outbound_id)
        )
    except ChannelError as exc:
        _record_failure(hotline, outbound_id, exc)
        if not exc.permanent:
            raise
        return

    with hotline.sessions.begin() as session:
        message = session.get_one(OutboundMessage, outbound_id)
        message.provider_sid = message.provider_sid or result.provider_sid
        message.channel = hotline.channel.name
        message.sent_at = message.sent_at or hotline.clock.now()
        status = _PROVIDER_STATUS.get(result.status, OutboundStatus.SENT)
        # A delivery callback may already have moved the row further than the API answer says.
        if _RANK[status] > _RANK[message.status] or message.status is OutboundStatus.SENDING:
            message.status = max(status, OutboundStatus.SENT, key=_RANK.__getitem__)
    log.info("sms %s sent to %s via %s", outbound_id, mask(to), hotline.channel.name)


def _opted_out(session: Session, message: OutboundMessage) -> bool:
    return bool(
        session.scalar(
            select(Contact.opted_out).where(
                Contact.group_id == message.group_id, Contact.phone_number == message.to_number
            )
        )
    )


def _record_failure(hotline: Hotline, outbound_id: int, exc: ChannelError) -> None:
    with hotline.sessions.begin() as session:
        message = session.get_one(OutboundMessage, outbound_id)
        message.error_code = exc.code
        message.error_message = str(exc)[:500]
        message.status = OutboundStatus.FAILED if exc.permanent else OutboundStatus.QUEUED
        if exc.code == OPTED_OUT:
            # The carrier knows better than we do: remember it so nothing else is attempted.
            session.execute(
                update(Contact)
                .where(
                    Contact.group_id == message.group_id, Contact.phone_number == message.to_number
                )
                .values(opted_out=True, opted_out_at=hotline.clock.now(), opt_out_type="carrier")
            )
    log.warning(
        "sms %s to %s failed (%s, code %s, %s)",
        outbound_id,
        mask(message.to_number),
        "permanent" if exc.permanent else "will retry",
        exc.code,
        exc,
    )


def record_status(
    hotline: Hotline,
    outbound_id: int | None,
    provider_sid: str,
    provider_status: str,
    error_code: int | None,
) -> bool:
    """Apply a delivery callback. Returns False when the message is unknown."""
    status = _PROVIDER_STATUS.get(provider_status.lower())
    with hotline.sessions.begin() as session:
        query = select(OutboundMessage).with_for_update()
        if outbound_id is not None:
            query = query.where(OutboundMessage.id == outbound_id)
        else:
            query = query.where(OutboundMessage.provider_sid == provider_sid)
        message = session.scalar(query)
        if message is None:
            return False
        if message.provider_sid is None:
            message.provider_sid = provider_sid
        if status is not None and _RANK[status] > _RANK[message.status]:
            message.status = status
        if error_code:
            message.error_code = error_code
    return True
