"""The RQ queues and how work is put on them: by id, after the database commit."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

log = logging.getLogger(__name__)

INBOUND = "hotline-inbound"
DISPATCH = "hotline-dispatch"
# One outbound queue per priority, so a backlog drains lives-first (see models.Priority).
OUTBOUND = tuple(f"hotline-outbound-{p}" for p in range(5))
ALL_QUEUES = (INBOUND, DISPATCH, *OUTBOUND)


class Queues:
    """Typed entry points for enqueueing the hotline's jobs."""

    def __init__(self, redis: Redis[bytes]) -> None:
        self.redis = redis
        self._queues = {name: Queue(name, connection=redis) for name in ALL_QUEUES}

    def queue(self, name: str) -> Queue:
        return self._queues[name]

    def handle_inbound(self, inbound_id: int) -> bool:
        return self._enqueue(INBOUND, "workers.inbound.handle_inbound", inbound_id)

    def send_sms(self, outbound_id: int, priority: int) -> bool:
        queue = OUTBOUND[max(0, min(priority, len(OUTBOUND) - 1))]
        return self._enqueue(queue, "workers.outbound.send_sms", outbound_id)

    def sweep_now(self) -> bool:
        """Ask a worker to sweep at once (a channel came back: drain what waited)."""
        return self._enqueue(DISPATCH, "workers.sweeper.sweep")

    def dispatch(self, func: str, *args: Any) -> bool:
        return self._enqueue(DISPATCH, f"workers.dispatch.{func}", *args)

    def dispatch_at(self, when: datetime, func: str, *args: Any) -> bool:
        """Run a dispatch job at `when` (RQ's scheduler, run by the workers, moves it)."""
        try:
            self._queues[DISPATCH].enqueue_at(when, f"workers.dispatch.{func}", *args)
        except RedisError:
            log.warning("redis unavailable: timer %s%r left for the sweeper", func, args)
            return False
        return True

    def dispatch_in(self, delay: timedelta, func: str, *args: Any) -> bool:
        try:
            self._queues[DISPATCH].enqueue_in(delay, f"workers.dispatch.{func}", *args)
        except RedisError:
            log.warning("redis unavailable: timer %s%r left for the sweeper", func, args)
            return False
        return True

    def _enqueue(self, name: str, func: str, *args: Any) -> bool:
        # The database already holds the work; if Redis[bytes] is down the sweeper re-enqueues it.
        try:
            self._queues[name].enqueue(func, *args)
        except RedisError:
            log.warning("redis unavailable: %s%r left for the sweeper", func, args)
            return False
        return True
