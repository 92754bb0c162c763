"""A burst of requests during an outage, then the link comes back: how the backlog drains.

Runs the hotline for real on loopback: PostgreSQL, Redis, the web app, two `hotline worker`
processes (with their sweepers) and the project's Twilio-compatible server. Twilio's REST
API is taken down (connections refused), neighbours text in a burst (some emergencies), the
link is restored, and the script prints the send rate per number over time and when the
emergency offers went out relative to the rest.

    python benchmarks/outage.py [--requests 500] [--rate 20] [--write-readme README.md]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import ColumnElement, func, select
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme import write_section
from webhook import claimed_redis, free_port, fresh_database

from hotline import create_app
from hotline.channels.twilio import TwilioChannel, twilio_client
from hotline.groups import add_group
from hotline.models import (
    HelpRequest,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    Priority,
    RequestStatus,
)
from hotline.people import add_dispatcher, add_volunteer
from hotline.runtime.migrate import upgrade
from hotline.runtime.services import Hotline, build
from hotline.runtime.settings import Settings
from hotline.simulators.twilio_sim.server import SimServer

ROOT = Path(__file__).resolve().parents[1]
SID, TOKEN, NUMBER = "AC" + "c" * 32, "outage-token", "+16175550100"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--emergencies", type=float, default=0.1, help="share of emergencies")
    parser.add_argument("--rate", type=float, default=20.0, help="messages/s per sending number")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379",
        help="a server: the run claims an empty database",
    )
    parser.add_argument("--write-readme", type=Path)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    database_url = fresh_database(args.postgres, "hotline_bench_outage").replace(
        "postgresql://", "postgresql+psycopg://"
    )
    args.redis = claimed_redis(args.redis)
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    sim = SimServer(SID, TOKEN, hotline_url=public_url, hotline_number=NUMBER).start()
    settings = Settings.from_env({}).with_overrides(
        database_url=database_url,
        redis_url=args.redis,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        twilio_api_url=sim.url,
        hotline_number=NUMBER,
        public_url=public_url,
        secret_key="bench",
        log_level="WARNING",
    )
    hotline = build(settings, channel=TwilioChannel(twilio_client(SID, TOKEN, sim.url)))
    upgrade(hotline.engine)
    with hotline.sessions.begin() as session:
        group = add_group(
            session, "Bench Mutual Aid", NUMBER, zones=[{"name": "02145", "aliases": []}]
        )
        group.settings = {
            "sends_per_second": args.rate,
            "send_burst": max(1, int(args.rate)),
            "wave_size": 2,
            "emergency_wave_size": 4,
        }
        for n in range(20):
            add_volunteer(
                session,
                group,
                f"+161755520{n:02d}",
                name=f"Volunteer {n}",
                zones=["02145"],
                on_call=True,
            )
        add_dispatcher(session, group, "+16175550199", name="Dee")
    server = make_server("127.0.0.1", port, create_app(hotline=hotline), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_URL": sim.url,
        "HOTLINE_PUBLIC_URL": public_url,
        "SECRET_KEY": "bench",
        "HOTLINE_LOG_LEVEL": "ERROR",
    }
    workers = [
        subprocess.Popen([sys.executable, "-m", "hotline.cli", "worker"], env=env, cwd=ROOT)
        for _ in range(2)
    ]
    try:
        report = run(hotline, sim, args)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(20)
        server.shutdown()
        sim.stop()
    print(report)
    if args.write_readme:
        write_section(args.write_readme, "outage", report)


def run(hotline: Hotline, sim: SimServer, args: argparse.Namespace) -> str:
    sim.set_fault("refuse")  # the internet link to Twilio's REST API is gone
    emergencies = int(args.requests * args.emergencies)

    def text(n: int) -> None:
        body = (
            f"people trapped under the rubble at {n} Elm St 02145"
            if n < emergencies
            else f"need water and food for 3 at {n} Elm St 02145"
        )
        sim.text_hotline(f"+1617556{n:04d}", NUMBER, body)

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(text, range(args.requests)))
    burst_seconds = time.monotonic() - started
    wait_until(lambda: waiting(hotline) > 0 and processing_done(hotline), 300)
    queued = waiting(hotline)
    inline = count(hotline, OutboundMessage.channel == "inline")

    restored = datetime.now(UTC)
    sim.set_fault(None)
    wait_until(lambda: waiting(hotline) == 0, 1800)
    drained = (datetime.now(UTC) - restored).total_seconds()

    with hotline.sessions() as session:
        rows = session.execute(
            select(
                OutboundMessage.sent_at, OutboundMessage.priority, OutboundMessage.from_number
            ).where(OutboundMessage.sent_at >= restored, OutboundMessage.channel == "twilio")
        ).all()
    per_second = Counter((r.from_number, int((r.sent_at - restored).total_seconds())) for r in rows)
    busiest = max(per_second.values(), default=0)
    drain_rates = [c for (_n, s), c in per_second.items() if s < drained - 1]
    emergency = sorted(
        (r.sent_at - restored).total_seconds() for r in rows if r.priority == Priority.EMERGENCY
    )
    others = sorted(
        (r.sent_at - restored).total_seconds() for r in rows if r.priority != Priority.EMERGENCY
    )
    median_rate = statistics.median(drain_rates) if drain_rates else 0
    first_out = min((r.sent_at - restored).total_seconds() for r in rows) if rows else 0.0
    buckets = Counter(int((r.sent_at - restored).total_seconds() // 10) * 10 for r in rows)
    timeline = ", ".join(f"{b}s: {buckets[b]}" for b in sorted(buckets))

    lines = [
        "| measure | value |",
        "|---|---|",
        f"| requests texted during the outage (emergencies) | {args.requests} ({emergencies}) |",
        f"| webhooks answered during the outage | {args.requests} in {burst_seconds:.1f} s, "
        f"{inline} acknowledgements inline in the TwiML answer |",
        f"| SMS waiting in the database when the link came back | {queued} |",
        f"| configured rate per sending number | {args.rate:g}/s |",
        f"| highest sends in any one second, one number | {busiest} |",
        f"| median sends per second while draining | {median_rate:g} |",
        f"| link restored -> first SMS out / backlog drained | {first_out:.1f} s / "
        f"{drained:.0f} s |",
        f"| emergency SMS sent after restore: first / last | {emergency[0]:.1f} s / "
        f"{emergency[-1]:.1f} s |"
        if emergency
        else "| emergency SMS | none |",
        f"| other SMS sent after restore: first / median / last | {others[0]:.1f} s / "
        f"{statistics.median(others):.1f} s / {others[-1]:.1f} s |"
        if others
        else "| other SMS | none |",
        f"| lost messages | {count(hotline, OutboundMessage.status == OutboundStatus.QUEUED)} |",
    ]
    return "\n".join(lines) + f"\n\nSends per 10 s after the link came back: {timeline}."


def count(hotline: Hotline, condition: ColumnElement[bool]) -> int:
    with hotline.sessions() as session:
        return int(
            session.scalar(select(func.count()).select_from(OutboundMessage).where(condition)) or 0
        )


def waiting(hotline: Hotline) -> int:
    return count(
        hotline, OutboundMessage.status.in_([OutboundStatus.QUEUED, OutboundStatus.SENDING])
    )


def processing_done(hotline: Hotline) -> bool:
    with hotline.sessions() as session:
        unprocessed = session.scalar(
            select(func.count()).where(InboundMessage.processed_at.is_(None))
        )
        unoffered = session.scalar(
            select(func.count()).where(HelpRequest.status == RequestStatus.OPEN)
        )
    return not unprocessed and not unoffered


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise SystemExit("timed out waiting for the hotline")


if __name__ == "__main__":
    main()
