"""Starting an RQ worker with the scheduler on the hotline's queues, in priority order."""

from __future__ import annotations

import logging

from rq import Worker

from hotline.queues import ALL_QUEUES
from hotline.services import build, install
from hotline.settings import Settings
from hotline.sweeper import start_process


def run_worker(settings: Settings, *, burst: bool = False) -> bool:
    settings.require("REDIS_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "HOTLINE_PUBLIC_URL")
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    sweeper = None if burst else start_process(settings)  # before any thread exists here
    hotline = build(settings)
    hotline.warm_up()
    install(hotline)
    worker = Worker(list(ALL_QUEUES), connection=hotline.redis)
    try:
        return bool(worker.work(burst=burst, with_scheduler=True, logging_level=settings.log_level))
    finally:
        if sweeper is not None:
            sweeper.terminate()
