"""Inbound texts whose handling raised: retried with growing waits, then set aside for a person.

A text that always fails (a bug, a value the database refuses) must not be retried forever nor
hold up the texts behind it. Each failure is written down in its own transaction, since the
handling's transaction rolled back; after the last attempt the text is kept as failed, shown
on the dashboard, the on-duty dispatchers get one SMS, and a dispatcher can try it again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hotline.intake.inbound import handle_inbound
from hotline.messages import dispatchers as dispatchers_told
from hotline.models import Group, InboundMessage
from hotline.phones import mask
from hotline.runtime.services import Hotline, Work

log = logging.getLogger(__name__)

# Wait before attempt 2, 3, 4, ...; the last wait repeats if more attempts are allowed.
BACKOFF = (timedelta(seconds=10), timedelta(seconds=60), timedelta(minutes=5))
# At most one SMS about failed texts per group in this period, however many fail.
ALERT_PERIOD = timedelta(hours=1)


def handle(hotline: Hotline, inbound_id: int, *, inline: bool = False) -> list[str]:
    """Handle a stored text; if that raises, note the failure instead of failing the job.

    The failure is not lost by not re-raising: the row holds it, the sweeper retries it when
    due and a dispatcher sees it once set aside. Re-raising would let RQ retry it as well.
    """
    try:
        return handle_inbound(hotline, inbound_id, inline=inline)
    except Exception as exc:  # any failure is written down, see above
        note_failure(hotline, inbound_id, exc)
        return []


def backoff(attempts: int) -> timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def note_failure(hotline: Hotline, inbound_id: int, exc: BaseException) -> None:
    now = hotline.clock.now()
    reason = _reason(exc)
    with hotline.work() as work:
        message = work.session.get(InboundMessage, inbound_id, with_for_update=True)
        if message is None or message.processed_at is not None:
            return
        message.attempts += 1
        message.failure = reason
        if message.attempts < hotline.settings.inbound_attempts:
            message.next_attempt_at = now + backoff(message.attempts)
            log.warning(
                "text %s failed (attempt %d, %s); tried again later",
                inbound_id,
                message.attempts,
                type(exc).__name__,
            )
            return
        message.next_attempt_at = None
        message.failed_at = now
        log.error(
            "text %s from %s set aside after %d attempts: %s",
            inbound_id,
            mask(message.from_number),
            message.attempts,
            type(exc).__name__,
        )
        if message.group_id is not None:
            _alert(hotline, work, work.session.get_one(Group, message.group_id), now)


def _reason(exc: BaseException) -> str:
    """The error's type and first line: the driver's own words for a database error.

    SQLAlchemy's message starts with notes about autoflush; the statement and its values
    (words and numbers) are never included, the engine hides parameters.
    """
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first}"[:300]


def _alert(hotline: Hotline, work: Work, group: Group, now: datetime) -> None:
    slot = int(now.timestamp() // ALERT_PERIOD.total_seconds())
    count = work.session.scalar(
        select(func.count(InboundMessage.id)).where(
            InboundMessage.group_id == group.id,
            InboundMessage.failed_at.is_not(None),
            InboundMessage.processed_at.is_(None),
        )
    )
    dispatchers_told.texts_failed(hotline, work, group, count or 1, slot)


def failed_texts(session: Session, group: Group, limit: int = 200) -> Sequence[InboundMessage]:
    """The group's texts set aside after failing, newest first."""
    return session.scalars(
        select(InboundMessage)
        .where(
            InboundMessage.group_id == group.id,
            InboundMessage.failed_at.is_not(None),
            InboundMessage.processed_at.is_(None),
        )
        .order_by(InboundMessage.failed_at.desc(), InboundMessage.id.desc())
        .limit(limit)
    ).all()


def retry(hotline: Hotline, work: Work, group: Group, inbound_id: int) -> bool:
    """A dispatcher tries a failed text again: it gets a fresh set of attempts, now."""
    message = work.session.scalar(
        select(InboundMessage).where(
            InboundMessage.id == inbound_id,
            InboundMessage.group_id == group.id,
            InboundMessage.failed_at.is_not(None),
            InboundMessage.processed_at.is_(None),
        )
    )
    if message is None:
        return False
    message.failed_at = None
    message.attempts = 0
    message.next_attempt_at = None
    attempt = f"d{int(hotline.clock.now().timestamp() * 1000)}"
    work.after_commit(lambda: hotline.queues.handle_inbound(inbound_id, attempt=attempt))
    return True
