"""Helpers that drive a story through the hotline: text, run the worker, read the phones."""

from __future__ import annotations

from dataclasses import dataclass

from rq import SimpleWorker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from hotline import demo
from hotline.runtime.queues import ALL_QUEUES
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
HOTLINE_NUMBER = demo.HOTLINE_NUMBER


def run_jobs(h: Hotline, *, max_rounds: int = 50) -> None:
    """Run every queued job through a real RQ worker until the queues are empty."""
    worker = SimpleWorker(list(ALL_QUEUES), connection=h.redis)
    worker.work(burst=True, max_jobs=10_000, logging_level="WARNING")
    failed = FailedJobRegistry(queue=h.queues.queue(ALL_QUEUES[0]), connection=h.redis)
    for name in ALL_QUEUES:
        registry = FailedJobRegistry(queue=h.queues.queue(name), connection=h.redis)
        for job_id in registry.get_job_ids():
            job = h.queues.queue(name).fetch_job(job_id)
            raise AssertionError(
                f"job {job_id} failed:\n{job.latest_result().exc_string if job else ''}"
            )
    del failed, max_rounds


def run_due_timers(h: Hotline) -> int:
    """Move scheduled jobs due by the test clock onto their queues, as RQ's scheduler does."""
    moved = 0
    for name in ALL_QUEUES:
        queue = h.queues.queue(name)
        registry = ScheduledJobRegistry(queue=queue, connection=h.redis)
        due = registry.get_jobs_to_schedule(int(h.clock.now().timestamp()) + 1)
        for job_id in due:
            job = queue.fetch_job(job_id)
            registry.remove(job_id)
            if job is not None:
                queue._enqueue_job(job)  # what rq's scheduler does for a due job
                moved += 1
    return moved


@dataclass
class Story:
    """Texts between phones and the hotline, with the worker run after each."""

    h: Hotline
    sim: SimServer
    number: str = HOTLINE_NUMBER

    def text(self, phone: str, body: str) -> None:
        result = self.sim.text_hotline(phone, self.number, body)
        assert result.status_code == 200, result.response_text
        self.settle()

    def settle(self) -> None:
        run_jobs(self.h)
        self.sim.wait_for_callbacks(10)

    def inbox(self, phone: str) -> list[str]:
        """Every text the phone has received from the hotline, oldest first."""
        return [m.body for m in self.sim.messages_to(phone)]

    def last(self, phone: str) -> str:
        received = self.inbox(phone)
        assert received, f"{phone} received nothing"
        return received[-1]

    def new_for(self, phone: str, since: int) -> list[str]:
        return self.inbox(phone)[since:]
