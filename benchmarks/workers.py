"""How fast the workers turn stored texts into sent SMS, next to RQ's own no-op drain.

Everything runs on loopback: a private Redis server started for the run (so its command
counts are the run's own), a PostgreSQL database made for the run, and the project's
Twilio-compatible server. N neighbours' texts are stored and enqueued as the webhook does;
two `hotline worker --burst` processes then triage them, offer each to volunteers and send
every SMS. In the same run, two `rq worker --burst` processes drain N no-op jobs, once with
RQ's forking Worker and once with its SimpleWorker. Per text it counts jobs, Redis commands
and PostgreSQL transactions.

    python benchmarks/workers.py [--texts 300] [--write-readme README.md]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from redis import Redis
from rq import Queue

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme import write_section
from webhook import free_port, fresh_database

from hotline.channels.twilio import TwilioChannel, twilio_client
from hotline.groups import add_group
from hotline.inbox import record_inbound
from hotline.models import OutboundMessage, OutboundStatus
from hotline.people import add_volunteer
from hotline.runtime.migrate import upgrade
from hotline.runtime.services import build
from hotline.runtime.settings import Settings
from hotline.simulators.twilio_sim.server import SimServer

ROOT = Path(__file__).resolve().parents[1]
SID, TOKEN, NUMBER = "AC" + "d" * 32, "workers-token", "+16175550100"


def private_redis() -> tuple[subprocess.Popen[bytes], str]:
    """A Redis server of this run's own, so that INFO commandstats counts only this run."""
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="hotline-bench-redis-")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            Redis.from_url(url).ping()
            return server, url
        except Exception:
            time.sleep(0.05)
    sys.exit("the private redis-server did not start")


def commands(redis: Redis) -> int:
    stats = redis.info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if k != "cmdstat_info")


def transactions(database_url: str) -> int:
    time.sleep(1.5)  # PostgreSQL publishes other backends' counts about once a second
    with psycopg.connect(database_url.replace("+psycopg", "")) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database"
            " WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


def noop_drain(redis_url: str, jobs: int, worker_class: str) -> float:
    """Jobs per second that two `rq worker --burst` processes drain, doing nothing."""
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    queue = Queue("bench-noop", connection=redis)
    for _ in range(jobs):
        queue.enqueue("noop.noop")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent)}
    command = [sys.executable, "-m", "rq.cli", "worker", "--burst", "-q", "--url", redis_url]
    command += ["--worker-class", worker_class, "bench-noop"]
    start = time.monotonic()
    drains = [subprocess.Popen(command, env=env) for _ in range(2)]
    for drain in drains:
        drain.wait(600)
    return jobs / (time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--write-readme", type=Path)
    args = parser.parse_args()

    redis_server, redis_url = private_redis()
    database_url = fresh_database(args.postgres, "hotline_bench_workers").replace(
        "postgresql://", "postgresql+psycopg://"
    )
    sim = SimServer(SID, TOKEN, hotline_number=NUMBER).start()
    try:
        report = run(args, redis_url, database_url, sim)
    finally:
        sim.stop()
        redis_server.terminate()
        redis_server.wait(10)
    print(report)
    if args.write_readme:
        write_section(args.write_readme, "workers", report)


def run(args: argparse.Namespace, redis_url: str, database_url: str, sim: SimServer) -> str:
    forking = noop_drain(redis_url, 2000, "rq.worker.Worker")
    simple = noop_drain(redis_url, 2000, "rq.worker.SimpleWorker")
    redis = Redis.from_url(redis_url)
    redis.flushdb()

    settings = Settings.from_env({}).with_overrides(
        database_url=database_url,
        redis_url=redis_url,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        twilio_api_url=sim.url,
        hotline_number=NUMBER,
        public_url="http://127.0.0.1:9",  # no webhook is posted in this benchmark
        secret_key="bench",
        log_level="WARNING",
    )
    hotline = build(settings, channel=TwilioChannel(twilio_client(SID, TOKEN, sim.url)))
    upgrade(hotline.engine)
    with hotline.sessions.begin() as session:
        group = add_group(session, "Bench", NUMBER, zones=[{"name": "02145", "aliases": []}])
        group.settings = {"sends_per_second": 1000.0, "send_burst": 1000, "wave_size": 3}
        for n in range(20):
            add_volunteer(
                session, group, f"+161755520{n:02d}", name=f"V{n}", zones=["02145"], on_call=True
            )
    # Stored and enqueued exactly as the webhook does, before any worker runs.
    for n in range(args.texts):
        record_inbound(
            hotline,
            provider="twilio",
            provider_sid=f"SMbench{n:06d}",
            from_number=f"+1617556{n:04d}",
            to_number=NUMBER,
            body=f"we need water for 3 at {n + 1} Elm St 02145",
        )
    hotline.engine.dispose()
    commands_before, xacts_before = commands(redis), transactions(database_url)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_URL": sim.url,
        "HOTLINE_PUBLIC_URL": "http://127.0.0.1:9",
        "SECRET_KEY": "bench",
        "HOTLINE_LOG_LEVEL": "WARNING",
    }
    start = time.monotonic()
    workers = [
        subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker", "--burst"], env=env)
        for _ in range(2)
    ]
    for worker in workers:
        worker.wait(1800)
    seconds = time.monotonic() - start
    # The largest child waited for so far: a hotline worker (the no-op drains are smaller).
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    used_commands = commands(redis) - commands_before
    used_xacts = transactions(database_url) - xacts_before
    jobs = len(redis.keys("rq:job:*"))  # finished jobs are kept for 500 s
    with hotline.sessions() as session:
        sent = session.query(OutboundMessage).filter_by(status=OutboundStatus.SENT).count()
        total = session.query(OutboundMessage).count()
    texts = args.texts
    return "\n".join(
        [
            "| measure | hotline | RQ no-op drain, forking Worker | RQ no-op drain, SimpleWorker |",
            "|---|---|---|---|",
            f"| texts fully processed/s (2 workers) | {texts / seconds:.1f} | | |",
            f"| jobs/s (2 workers) | {jobs / seconds:.1f} | {forking:.0f} | {simple:.0f} |",
            f"| ratio to SimpleWorker's no-op drain | {jobs / seconds / simple:.2f} | | |",
            f"| jobs per text | {jobs / texts:.1f} | | |",
            f"| Redis commands per text | {used_commands / texts:.0f} | | |",
            f"| PostgreSQL transactions per text | {used_xacts / texts:.1f} | | |",
            f"| worker peak RSS | {peak_mb:.0f} MB | | |",
            "",
            f"{texts} stored texts, each acknowledged and offered to 3 of 20 volunteers:"
            f" {sent} of {total} SMS sent to the Twilio-compatible server in {seconds:.1f} s."
            " Everything (workers, sim, PostgreSQL, Redis) shares the machine's 2 cores.",
        ]
    )


if __name__ == "__main__":
    main()
