"""Outbound SMS: a row is written first (queued), a job sends it, callbacks move it along."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.capacity import Capacity, ChannelKind, kind_of, limits_for
from hotline.channels import ChannelError, DeliveryReport, SendResult, SmsChannel
from hotline.models import Contact, Group, OutboundMessage, OutboundStatus, Priority
from hotline.phones import mask
from hotline.runtime.db import changed
from hotline.runtime.services import Hotline, Work
from hotline.sms.segments import segment_count

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


# The one message an opted-out number may still get: the confirmation of an opt-out word
# Twilio does not know (and so neither confirmed nor blocked).
OPT_OUT_CONFIRMATION = "stopped"


def _blocked(opted_out: bool, template: str) -> bool:
    return opted_out and template != OPT_OUT_CONFIRMATION


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
    message = _write(
        hotline, work, group, contact, template, priority, request_id, dedupe_key, values
    )
    if message is not None and message.status is OutboundStatus.QUEUED:
        message_id, message_priority = message.id, message.priority
        work.after_commit(lambda: hotline.queues.send_sms(message_id, message_priority))
    return message


def record_inline(
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
    """Write one templated SMS that rides on the webhook's answer: sent as soon as written.

    While Twilio's REST API is down, Twilio can still reach us, and the answer is the way out.
    """
    return _write(
        hotline,
        work,
        group,
        contact,
        template,
        priority,
        request_id,
        dedupe_key,
        values,
        inline=True,
    )


def _write(
    hotline: Hotline,
    work: Work,
    group: Group,
    contact: Contact,
    template: str,
    priority: int,
    request_id: int | None,
    dedupe_key: str | None,
    values: dict[str, Any],
    *,
    inline: bool = False,
) -> OutboundMessage | None:
    session = work.session
    if dedupe_key and session.scalar(
        select(OutboundMessage.id).where(OutboundMessage.dedupe_key == dedupe_key)
    ):
        return None
    rendered = hotline.templates.render(
        template, contact.language, fallback=group.default_language, **values
    )
    blocked = _blocked(contact.opted_out, template)
    now = hotline.clock.now()
    status = OutboundStatus.BLOCKED if blocked else OutboundStatus.QUEUED
    if inline and not blocked:
        status = OutboundStatus.SENT
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
        status=status,
        channel="inline" if status is OutboundStatus.SENT else None,
        sent_at=now if status is OutboundStatus.SENT else None,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        # Another worker wrote the same dedupe key between our check and our insert.
        return None
    return message


# Growing waits after a failed attempt: the message waits in the database, never lost.
BACKOFF_SECONDS = (5, 15, 45, 120, 300, 600)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


def send_outbound(hotline: Hotline, outbound_id: int) -> None:
    """Send one queued row through the first channel that is up, within that channel's capacity.

    Safe to run twice: only a row this job moves from `queued` to `sending` goes out. When no
    channel could take it, the row goes back to `queued` with a later `next_attempt_at`, and
    the sweeper brings it back, most important first.
    """
    now = hotline.clock.now()
    with hotline.sessions() as session:
        message = session.get(OutboundMessage, outbound_id)
        if message is None or message.status is not OutboundStatus.QUEUED:
            return
        if message.next_attempt_at and message.next_attempt_at > now + timedelta(seconds=1):
            return  # not due yet: the sweeper sends it when it is
        group = session.get_one(Group, message.group_id)
        blocked = _blocked(_opted_out(session, message), message.template)
        to, body, hotline_number = message.to_number, message.body, message.from_number
        template = message.template
        config = group.config
        chain = hotline.channel_chain(group.name)
    if blocked:
        _set_status(hotline, outbound_id, OutboundStatus.BLOCKED)
        return

    tried = False
    capacity = Capacity(hotline.redis, hotline.settings.secret_key or "")
    attempt = f"{outbound_id}:{now.timestamp()}"
    for channel in chain:
        breaker = hotline.breaker(channel.name)
        if not breaker.allow(now):
            continue
        sender = channel.sender(hotline_number)
        kind = kind_of(channel.name, sender)
        # Carriers count segments; Android's monitor counts messages.
        cost = 1 if kind is ChannelKind.ANDROID else segment_count(body)
        wait = capacity.take(channel.name, sender, limits_for(kind, config), now, attempt, cost)
        if wait > 0:
            # The channel is at its limit: wait in the database, in priority order, never
            # spilling onto a scarcer channel; the sweeper brings it back when there is room.
            log.info("sms %s waits %.0fs for room on %s", outbound_id, wait, channel.name)
            _defer(hotline, outbound_id, now + timedelta(seconds=wait))
            return
        if not _start_sending(hotline, outbound_id, now):
            capacity.give_back(channel.name, sender, attempt)
            return  # another worker has it
        tried = True
        try:
            result = channel.send(
                to=to,
                from_=sender,
                body=body,
                status_callback=hotline.status_callback_url(outbound_id),
            )
        except ChannelError as exc:
            if not exc.unreachable:
                # Refused, so it never left. An unreachable channel (a timeout, a 5xx) may
                # still have sent it: that one keeps counting, the safe side of a phone's cap.
                capacity.give_back(channel.name, sender, attempt)
            if exc.unreachable and breaker.failed(now):
                log.warning("channel %s marked down after repeated failures", channel.name)
            _record_failure(hotline, outbound_id, exc, channel.name)
            if exc.permanent:
                return
            continue
        if breaker.succeeded():
            log.warning("channel %s is back: draining waiting messages", channel.name)
            hotline.queues.sweep_now()
        _record_sent(hotline, outbound_id, result, channel.name, sender)
        log.info("sms %s (%s) sent to %s via %s", outbound_id, template, mask(to), channel.name)
        return
    _defer(hotline, outbound_id, _next_attempt(hotline, chain, now, tried, outbound_id))


def _next_attempt(
    hotline: Hotline, chain: tuple[SmsChannel, ...], now: datetime, tried: bool, outbound_id: int
) -> datetime:
    """After a failed attempt, back off; while every channel is known down, wait for a probe."""
    reopen = [hotline.breaker(c.name).closed_again_at(now) for c in chain]
    if chain and all(reopen):
        return max(min(t for t in reopen if t), now + backoff(1))
    with hotline.sessions() as session:
        attempts = session.get_one(OutboundMessage, outbound_id).attempts
    return now + backoff(attempts if tried else 1)


def _start_sending(hotline: Hotline, outbound_id: int, now: datetime) -> bool:
    with hotline.sessions.begin() as session:
        return (
            changed(
                session,
                update(OutboundMessage)
                .where(
                    OutboundMessage.id == outbound_id,
                    OutboundMessage.status == OutboundStatus.QUEUED,
                )
                .values(
                    status=OutboundStatus.SENDING,
                    attempts=OutboundMessage.attempts + 1,
                    next_attempt_at=None,
                    updated_at=now,
                ),
            )
            == 1
        )


def _defer(hotline: Hotline, outbound_id: int, when: datetime) -> None:
    with hotline.sessions.begin() as session:
        session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.id == outbound_id,
                OutboundMessage.status.in_([OutboundStatus.QUEUED, OutboundStatus.SENDING]),
            )
            .values(
                status=OutboundStatus.QUEUED, next_attempt_at=when, updated_at=hotline.clock.now()
            )
        )


def _set_status(hotline: Hotline, outbound_id: int, status: OutboundStatus) -> None:
    with hotline.sessions.begin() as session:
        session.get_one(OutboundMessage, outbound_id).status = status


def _record_sent(
    hotline: Hotline, outbound_id: int, result: SendResult, channel: str, sender: str
) -> None:
    with hotline.sessions.begin() as session:
        message = session.get_one(OutboundMessage, outbound_id)
        message.provider_sid = message.provider_sid or result.provider_sid
        message.channel = channel
        message.from_number = sender
        message.sent_at = message.sent_at or hotline.clock.now()
        status = result.reached
        # A delivery callback may already have moved the row further than the API answer says.
        if message.status is OutboundStatus.SENDING or _RANK[status] > _RANK[message.status]:
            message.status = max(status, OutboundStatus.SENT, key=_RANK.__getitem__)


def _opted_out(session: Session, message: OutboundMessage) -> bool:
    return bool(
        session.scalar(
            select(Contact.opted_out).where(
                Contact.group_id == message.group_id, Contact.phone_number == message.to_number
            )
        )
    )


def _record_failure(hotline: Hotline, outbound_id: int, exc: ChannelError, channel: str) -> None:
    with hotline.sessions.begin() as session:
        message = session.get_one(OutboundMessage, outbound_id)
        message.error_code = exc.code
        message.error_message = f"{channel}: {exc}"[:500]
        message.status = OutboundStatus.FAILED if exc.permanent else OutboundStatus.QUEUED
        if exc.opted_out:
            _carrier_opted_out(hotline, session, message)
    log.warning(
        "sms %s to %s failed on %s (%s, code %s)",
        outbound_id,
        mask(message.to_number),
        channel,
        "permanent" if exc.permanent else "will retry",
        exc.code,
    )


def _carrier_opted_out(hotline: Hotline, session: Session, message: OutboundMessage) -> None:
    """The carrier knows better than we do: remember it so nothing else is attempted."""
    session.execute(
        update(Contact)
        .where(Contact.group_id == message.group_id, Contact.phone_number == message.to_number)
        .values(opted_out=True, opted_out_at=hotline.clock.now(), opt_out_type="carrier")
    )


def record_status(hotline: Hotline, report: DeliveryReport) -> bool:
    """Apply a delivery report. Returns False when the message is unknown."""
    with hotline.sessions.begin() as session:
        query = select(OutboundMessage).with_for_update()
        if report.outbound_id is not None:
            query = query.where(OutboundMessage.id == report.outbound_id)
        else:
            query = query.where(OutboundMessage.provider_sid == report.provider_sid)
        message = session.scalar(query)
        if message is None:
            return False
        if message.provider_sid is None:
            message.provider_sid = report.provider_sid
        status = report.status
        if status is not None and _RANK[status] > _RANK[message.status]:
            message.status = status
        if report.error_code:
            message.error_code = report.error_code
        if report.opted_out:
            _carrier_opted_out(hotline, session, message)
    return True
