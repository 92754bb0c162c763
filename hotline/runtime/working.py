"""Starting an RQ worker with the scheduler on the hotline's queues, in priority order."""

from __future__ import annotations

import logging

from rq import SimpleWorker

from hotline.runtime import logs
from hotline.runtime.queues import ALL_QUEUES
from hotline.runtime.services import build, install
from hotline.runtime.settings import Settings
from hotline.sweeper import start_process

log = logging.getLogger(__name__)


def run_worker(settings: Settings, *, burst: bool = False) -> bool:
    settings.require("REDIS_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "HOTLINE_PUBLIC_URL")
    logs.configure(settings.log_level, settings.library_log_level)
    sweeper = None if burst else start_process(settings)  # before any thread exists here
    hotline = build(settings)
    hotline.warm_up()
    install(hotline)
    worker = SimpleWorker(list(ALL_QUEUES), connection=hotline.redis)
    log.info("worker %s started on %s", worker.name, ", ".join(ALL_QUEUES))
    try:
        # RQ sets its own loggers' level from this: its per-job lines are library chatter.
        level = settings.library_log_level
        return bool(worker.work(burst=burst, with_scheduler=True, logging_level=level))
    finally:
        if sweeper is not None:
            sweeper.terminate()
