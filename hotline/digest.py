"""The queue by SMS: every `digest_minutes`, each on-duty dispatcher gets the open requests,
one line each, while nobody has the dashboard open. The sweeper calls it every second."""

from __future__ import annotations

from datetime import datetime

from hotline.board import open_queue
from hotline.messages import dispatchers as dispatchers_told
from hotline.models import Group
from hotline.people import dispatchers_watching
from hotline.runtime.ratelimit import once, spent
from hotline.runtime.services import Hotline


def send_digest(hotline: Hotline, group: Group, now: datetime) -> int:
    """Text this period's digest once, across all sweepers; how many dispatchers got it."""
    period = group.config.digest_minutes * 60
    slot = int(now.timestamp() // period)
    key = f"hotline:swept:digest:{group.id}:{slot}"
    if spent(hotline.redis, key):
        return 0  # the sweep runs every second: skip the queries until the next slot
    with hotline.work() as work:
        session = work.session
        if dispatchers_watching(session, group, now):
            return 0
        requests = open_queue(session, group)
        if not requests or not once(hotline.redis, key, period):
            return 0
        return dispatchers_told.digest(hotline, work, session.merge(group), requests, now, slot)
