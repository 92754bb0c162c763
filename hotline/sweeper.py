"""Rebuilding pending work from the database, so that Redis is a work list and not the record.

Run every second by one worker (a Redis lock elects it) and on demand (`hotline sweep`). It
re-enqueues what the database says is unfinished: inbound texts not yet processed, outbound
SMS waiting or stuck in `sending` (a worker was killed), offer waves and other timers that
are overdue. Everything it enqueues is safe to run twice. It also drains waiting SMS, most
important first, within each group's send rate, has `hotline.digest` text the queue to
dispatchers when nobody is watching, and once an hour redacts requests past their retention.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import multiprocessing.process
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from hotline.digest import send_digest
from hotline.models import (
    Group,
    HelpRequest,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    RequestStatus,
)
from hotline.retention import redact_closed
from hotline.runtime.db import changed
from hotline.runtime.queues import DispatchJob
from hotline.runtime.ratelimit import once
from hotline.runtime.services import Hotline, build
from hotline.runtime.settings import Settings

log = logging.getLogger(__name__)

# How long work may sit before the sweeper assumes its job was lost. A killed worker's work
# is picked up within GRACE plus one sweep interval.
GRACE = timedelta(seconds=15)
# A send that has been `sending` this long lost its worker (the SMS client times out at 10 s).
# Requeueing it is the one place a duplicate SMS can happen: the worker may have died after
# the provider accepted the message and before the row was marked sent.
STUCK_SENDING = timedelta(seconds=25)
INTERVAL_SECONDS = 1.0
# Inbound rows the sweeper looks at per sweep, from where the last sweep stopped.
INBOUND_BATCH = 1000
INBOUND_CURSOR = "hotline:sweeper:inbound-cursor"
# Work the sweeper let through this period, by kind and key (see `ratelimit.once`).
SWEPT = "hotline:swept"


@dataclass
class SweepReport:
    inbound: int = 0
    outbound: int = 0
    recovered_sending: int = 0
    timers: int = 0
    digests: int = 0
    redacted: int = 0

    def total(self) -> int:
        return (
            self.inbound
            + self.outbound
            + self.recovered_sending
            + self.timers
            + self.digests
            + self.redacted
        )

    def summary(self) -> str:
        """What this sweep did, in words, leaving out what it did not do."""
        done = (
            (self.inbound, "texts re-queued"),
            (self.outbound, "SMS re-queued"),
            (self.recovered_sending, "sends taken back from a lost worker"),
            (self.timers, "timers rebuilt"),
            (self.digests, "dispatcher digests sent"),
            (self.redacted, "closed requests redacted"),
        )
        return ", ".join(f"{what}: {count}" for count, what in done if count) or "nothing to do"


def sweep(hotline: Hotline) -> SweepReport:
    now = hotline.clock.now()
    report = SweepReport()
    with hotline.sessions.begin() as session:
        report.recovered_sending = changed(
            session,
            update(OutboundMessage)
            .where(
                OutboundMessage.status == OutboundStatus.SENDING,
                OutboundMessage.updated_at <= now - STUCK_SENDING,
            )
            # A new attempt time gives the recovered send a job id of its own: the killed job's
            # id still reads "started" in Redis for minutes.
            .values(status=OutboundStatus.QUEUED, next_attempt_at=now, updated_at=now - GRACE),
        )
    if report.recovered_sending:
        log.warning("%d sends lost their worker; they go out again", report.recovered_sending)
    with hotline.sessions() as session:
        report.inbound = _inbound(hotline, session, now)
        groups = list(session.scalars(select(Group).order_by(Group.id)))
        for group in groups:
            report.outbound += _drain(hotline, session, group, now)
            report.timers += _timers(hotline, session, group, now)
    for group in groups:
        report.digests += send_digest(hotline, group, now)
    if _once(hotline, "retention", "all", 3600):
        report.redacted = redact_closed(hotline)
    return report


def _once(hotline: Hotline, kind: str, key: object, seconds: float) -> bool:
    """Enqueue a given piece of work at most once per `seconds`, however often we sweep."""
    return once(hotline.redis, f"{SWEPT}:{kind}:{key}", seconds)


def _inbound(hotline: Hotline, session: Session, now: datetime) -> int:
    """Texts not handled whose job is gone, and texts that failed and are due another try.

    Rows are read in batches from a cursor kept in Redis, so that a thousand texts that keep
    failing or wait in a long queue never hide the one after them; a text whose job is still
    queued (or running) is left alone, so a slow queue never fills with copies.
    """
    cursor = int(hotline.redis.get(INBOUND_CURSOR) or 0)
    rows = session.execute(
        select(InboundMessage.id, InboundMessage.attempts)
        .where(
            InboundMessage.id > cursor,
            InboundMessage.processed_at.is_(None),
            InboundMessage.failed_at.is_(None),
            or_(
                InboundMessage.next_attempt_at <= now,
                and_(
                    InboundMessage.next_attempt_at.is_(None),
                    InboundMessage.received_at <= now - GRACE,
                ),
            ),
        )
        .order_by(InboundMessage.id)
        .limit(INBOUND_BATCH)
    ).all()
    # A short batch reached the end: the next sweep starts again from the first row.
    hotline.redis.set(INBOUND_CURSOR, rows[-1][0] if len(rows) == INBOUND_BATCH else 0)
    count = 0
    attempt = f"s{int(now.timestamp() * 1000)}"
    for inbound_id, attempts in rows:
        if hotline.queues.inbound_waiting(inbound_id, now):
            continue
        if hotline.queues.handle_inbound(inbound_id, attempt=attempt, retry=attempts > 0):
            count += 1
    return count


def _minute(now: datetime) -> str:
    """Recovered work gets at most one new job a minute while its old one may still be queued."""
    return f"r{int(now.timestamp() // 60)}"


def _drain(hotline: Hotline, session: Session, group: Group, now: datetime) -> int:
    """Enqueue waiting SMS in priority order, about as many as the send rate lets out now."""
    chain = hotline.channel_chain(group.name)
    if chain and all(hotline.breaker(c.name).is_open(now) for c in chain):
        return 0  # every channel is known down: messages wait until a probe may go
    rate = group.config.sends_per_second
    # About what the rate lets out before the next sweep: more would only be deferred again.
    budget = math.ceil(rate * INTERVAL_SECONDS) + 1
    rows = session.execute(
        select(
            OutboundMessage.id,
            OutboundMessage.priority,
            OutboundMessage.next_attempt_at,
        )
        .where(
            OutboundMessage.group_id == group.id,
            OutboundMessage.status == OutboundStatus.QUEUED,
            or_(
                OutboundMessage.next_attempt_at <= now,
                and_(
                    OutboundMessage.next_attempt_at.is_(None),
                    OutboundMessage.updated_at <= now - GRACE,
                ),
            ),
        )
        .order_by(OutboundMessage.priority, OutboundMessage.id)
        .limit(budget)
    ).all()
    count = 0
    for outbound_id, priority, attempt_at in rows:
        # Keyed on the scheduled attempt: a row deferred again (or recovered from a killed
        # worker) is a new piece of work with a job of its own; the first attempt is "0", as
        # after the commit, so a slow queue never gets a second copy of it.
        attempt = str(int(attempt_at.timestamp() * 1000)) if attempt_at else "0"
        if hotline.queues.send_sms(outbound_id, priority, attempt=attempt):
            count += 1
    return count


def _timers(hotline: Hotline, session: Session, group: Group, now: datetime) -> int:
    """Overdue timers whose scheduled job is gone (Redis flushed, a worker killed)."""
    wave, stale, alert = (
        group.config.wave_timeout,
        group.config.stale_claim,
        group.config.stale_alert,
    )
    due = now - GRACE
    jobs: list[tuple[DispatchJob, tuple[int, ...]]] = []
    in_group = HelpRequest.group_id == group.id
    for request_id, wave_number in session.execute(
        select(HelpRequest.id, HelpRequest.wave).where(
            in_group, HelpRequest.status == RequestStatus.OFFERING, HelpRequest.next_wave_at <= due
        )
    ):
        jobs.append((DispatchJob.ADVANCE_WAVE, (request_id, wave_number)))
    for request_id, wave_number in session.execute(
        select(HelpRequest.id, HelpRequest.wave).where(
            in_group, HelpRequest.status == RequestStatus.OPEN, HelpRequest.updated_at <= due
        )
    ):
        jobs.append((DispatchJob.OFFER_REQUEST, (request_id, wave_number + 1)))
    for (request_id,) in session.execute(
        select(HelpRequest.id).where(
            in_group,
            HelpRequest.status == RequestStatus.NEEDS_INFO,
            HelpRequest.location_asked_at <= due - wave,
        )
    ):
        jobs.append((DispatchJob.LOCATION_TIMEOUT, (request_id,)))
    for (request_id,) in session.execute(
        select(HelpRequest.id).where(
            in_group,
            HelpRequest.status == RequestStatus.CLAIMED,
            or_(
                and_(
                    HelpRequest.stale_prompted_at.is_(None), HelpRequest.claimed_at <= due - stale
                ),
                and_(
                    HelpRequest.stale_alerted_at.is_(None),
                    HelpRequest.stale_prompted_at <= due - alert,
                ),
            ),
        )
    ):
        jobs.append((DispatchJob.CHECK_CLAIM, (request_id,)))
    count = 0
    for job, args in jobs:
        if _once(hotline, job, ":".join(map(str, args)), GRACE.total_seconds()):
            hotline.queues.dispatch(job, *args, attempt=_minute(now))
            count += 1
    return count


def run_forever(
    hotline: Hotline, keep_going: Callable[[], bool], interval: float = INTERVAL_SECONDS
) -> None:
    """Sweep every `interval` seconds while `keep_going()`, when this process holds the lock."""
    while keep_going():
        try:
            if hotline.redis.set("hotline:sweeper", 1, nx=True, px=int(interval * 1500)):
                report = sweep(hotline)
                if report.total():
                    log.info("sweep: %s", report.summary())
        except RedisError as exc:
            log.warning("sweeper waiting for Redis: %s", type(exc).__name__)
        except Exception:  # a sweep failing must not stop the sweeper; the next one retries
            log.exception("sweep failed")
        time.sleep(interval)


def start_process(settings: Settings) -> multiprocessing.process.BaseProcess:
    """Run the sweeper in a child process of the worker.

    A process, not a thread: RQ forks a work horse for every job, and forking while another
    thread holds a lock (the connection pool's, logging's) leaves the horse stuck on it. It is
    forked before the worker starts, and it stops when the worker is gone, even after SIGKILL.
    """
    parent = os.getpid()
    process = multiprocessing.get_context("fork").Process(
        target=_sweeper_main, args=(settings, parent), name="hotline-sweeper", daemon=True
    )
    process.start()
    return process


def _sweeper_main(settings: Settings, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the worker; we follow it
    hotline = build(settings)  # built here, so nothing is shared with the parent
    run_forever(hotline, keep_going=lambda: os.getppid() == parent)
