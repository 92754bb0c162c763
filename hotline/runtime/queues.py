"""The RQ queues and how work is put on them: by id, after the database commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from redis import Redis
from redis.client import Pipeline
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

log = logging.getLogger(__name__)

INBOUND = "hotline-inbound"
DISPATCH = "hotline-dispatch"
# One outbound queue per priority, so a backlog drains lives-first (see models.Priority).
OUTBOUND = tuple(f"hotline-outbound-{p}" for p in range(5))
# Texts whose handling failed before wait here, after all other work: a flood of failing
# texts is retried only when the new texts, the offers and the replies are through.
INBOUND_RETRY = "hotline-inbound-retry"
ALL_QUEUES = (INBOUND, DISPATCH, *OUTBOUND, INBOUND_RETRY)


# How long the id of the latest job for an inbound text is remembered, and how long a started
# one may run before it is taken for lost (handling a text takes well under a second).
LATEST_TTL_SECONDS = 24 * 3600
STARTED_LOST_SECONDS = 60


class DispatchJob(StrEnum):
    """The dispatch jobs: offer waves, their timers, stale-claim checks, location timeouts."""

    OFFER_REQUEST = "offer_request"
    ADVANCE_WAVE = "advance_wave"
    ADVANCE_WAVE_NOW = "advance_wave_now"
    CHECK_CLAIM = "check_claim"
    LOCATION_TIMEOUT = "location_timeout"


# Jobs are handed to RQ as function references. The entry points in `workers/` import the
# domain, which holds a Queues, so they are imported when a job is enqueued, not before.
def _dispatch_entry(job: DispatchJob) -> Callable[..., None]:
    return _dispatch_entries()[job]


@cache
def _dispatch_entries() -> dict[DispatchJob, Callable[..., None]]:
    from workers import dispatch as entries

    return {
        DispatchJob.OFFER_REQUEST: entries.offer_request,
        DispatchJob.ADVANCE_WAVE: entries.advance_wave,
        DispatchJob.ADVANCE_WAVE_NOW: entries.advance_wave_now,
        DispatchJob.CHECK_CLAIM: entries.check_claim,
        DispatchJob.LOCATION_TIMEOUT: entries.location_timeout,
    }


def _latest_inbound(inbound_id: int) -> str:
    return f"hotline:inbound-job:{inbound_id}"


_PENDING = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED})


class Queues:
    """Typed entry points for enqueueing the hotline's jobs."""

    def __init__(self, redis: Redis[bytes]) -> None:
        self.redis = redis
        self._queues = {name: Queue(name, connection=redis) for name in ALL_QUEUES}

    def queue(self, name: str) -> Queue:
        return self._queues[name]

    # `attempt` names one attempt at a piece of work: 0 right after the commit, something
    # else when the sweeper recovers it. A job stuck "started" (its worker was killed) keeps
    # its id for minutes, so a recovery must not reuse the id.

    def handle_inbound(self, inbound_id: int, attempt: str = "0", *, retry: bool = False) -> bool:
        from workers.inbound import handle_inbound

        job_id = f"inbound-{inbound_id}-{attempt}"
        queue = INBOUND_RETRY if retry else INBOUND
        # Without the note of the latest job the sweeper may queue a second copy (handling
        # twice is safe); it rides in the enqueue's own transaction, one round trip in all.
        # Attempt "0" follows the row's first commit: no job for it can exist yet, so the
        # webhook skips the look-up of a pending one.
        return self._enqueue(
            queue,
            handle_inbound,
            inbound_id,
            job_id=job_id,
            check_pending=attempt != "0",
            also=lambda pipe: pipe.set(_latest_inbound(inbound_id), job_id, ex=LATEST_TTL_SECONDS),
        )

    def inbound_waiting(self, inbound_id: int, now: datetime) -> bool:
        """Whether a job for this text is queued, or running and not yet given up for lost.

        A job whose worker was killed reads "started" for minutes: past STARTED_LOST it is
        taken for lost, so the text gets a job of its own again.
        """
        latest = self.redis.get(_latest_inbound(inbound_id))
        if latest is None:
            return False
        try:
            job = Job.fetch(latest.decode(), connection=self.redis)
        except NoSuchJobError:
            return False
        status = job.get_status(refresh=False)
        if status == JobStatus.STARTED:
            started = job.started_at
            if started is None:
                return True
            if started.tzinfo is None:  # RQ writes UTC; older versions without the zone
                started = started.replace(tzinfo=UTC)
            return (now - started).total_seconds() < STARTED_LOST_SECONDS
        return status in _PENDING

    def send_sms(self, outbound_id: int, priority: int, attempt: str = "0") -> bool:
        from workers.outbound import send_sms

        queue = OUTBOUND[max(0, min(priority, len(OUTBOUND) - 1))]
        return self._enqueue(queue, send_sms, outbound_id, job_id=f"send-{outbound_id}-{attempt}")

    def sweep_now(self) -> bool:
        """Ask a worker to sweep at once (a channel came back: drain what waited)."""
        from workers.sweeper import sweep

        return self._enqueue(DISPATCH, sweep, job_id="sweep-now")

    def dispatch(self, job: DispatchJob, *args: Any, attempt: str = "0") -> bool:
        job_id = "-".join([job.value, *map(str, args), attempt])
        return self._enqueue(DISPATCH, _dispatch_entry(job), *args, job_id=job_id)

    def dispatch_at(self, when: datetime, job: DispatchJob, *args: Any) -> bool:
        """Run a dispatch job at `when` (RQ's scheduler, run by the workers, moves it)."""
        try:
            self._queues[DISPATCH].enqueue_at(when, _dispatch_entry(job), *args)
        except RedisError:
            log.warning("redis unavailable: timer %s%r left for the sweeper", job.value, args)
            return False
        return True

    def _enqueue(
        self,
        name: str,
        func: Callable[..., None],
        *args: Any,
        job_id: str,
        check_pending: bool = True,
        also: Callable[[Pipeline[bytes]], object] | None = None,
    ) -> bool:
        """Enqueue once: a job with this id still waiting or running is not added again.

        True when a job was added; False when one was already pending or Redis is down.
        `also` adds commands to the enqueue's transaction.

        The same work can be asked for twice (after a commit, and by the sweeper when a queue
        is slow); jobs are safe to run twice, but a busy queue must not fill with copies.
        """
        # The database already holds the work; if Redis is down the sweeper re-enqueues it.
        try:
            if check_pending and self._pending(job_id):
                return False
            with self.redis.pipeline() as pipe:
                self._queues[name].enqueue_call(func, args=args, job_id=job_id, pipeline=pipe)
                if also is not None:
                    also(pipe)
                pipe.execute()
        except RedisError:
            log.warning("redis unavailable: %s%r left for the sweeper", func.__name__, args)
            return False
        return True

    def _pending(self, job_id: str) -> bool:
        try:
            status = Job.fetch(job_id, connection=self.redis).get_status(refresh=False)
        except NoSuchJobError:
            return False
        return status in _PENDING
