"""Signed inbound SMS against the web app (gunicorn, PostgreSQL, Redis) vs the tutorial pattern.

The reference is `tutorial_app.py` (Flask, Twilio's RequestValidator, one RQ enqueue, no
database); a bare Flask endpoint shows what the server and the clients cost alone. Starts
each under gunicorn on loopback, drives them from concurrent client processes for a
fixed time, and prints requests/s with p50/p99 latency. Afterwards it checks that every
accepted webhook is a row in the database and a job in Redis: speed that loses texts is no
speed at all.

    python benchmarks/webhook.py [--seconds 10] [--clients 2] [--threads 8] \
        [--write-readme README.md]
"""

from __future__ import annotations

import argparse
import atexit
import multiprocessing
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests
from redis import Redis
from rq import Queue
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "tests"))
from backends import ClaimedRedis  # the databases a run owns, as in the tests
from readme import write_section

ROOT = Path(__file__).resolve().parents[1]
SID = "AC" + "b" * 32
TOKEN = "benchmark-token"
NUMBER = "+16175550100"


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_database(admin_url: str, name: str) -> str:
    """A PostgreSQL database made for this run and dropped when it ends (never another's)."""
    name = f"{name}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def claimed_redis(server_url: str) -> str:
    """An empty Redis database claimed for this run (as the tests do), released at the end."""
    claimed = ClaimedRedis(server_url)
    url = claimed.claim()
    atexit.register(claimed.release)
    return url


def gunicorn(
    app: str, port: int, env: dict[str, str], workers: int, worker_class: str, threads: int
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn for {app} did not start")


def client(
    url: str, public_url: str, seconds: float, threads: int, out: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    """One load process: `threads` keep-alive sessions posting signed, unique webhooks."""
    validator = RequestValidator(TOKEN)
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def run() -> None:
        session = requests.Session()
        mine: list[float] = []
        ok = errors = 0
        while time.monotonic() < deadline:
            params = {
                "MessageSid": "SM" + secrets.token_hex(16),
                "AccountSid": SID,
                "From": f"+1617555{secrets.randbelow(10000):04d}",
                "To": NUMBER,
                "Body": "we need water for 4 people at 12 Elm St 02145",
                "NumMedia": "0",
            }
            signature = validator.compute_signature(public_url + "/twilio/sms", params)
            started = time.perf_counter()
            response = session.post(
                url + "/twilio/sms",
                data=params,
                headers={"X-Twilio-Signature": signature},
                timeout=30,
            )
            mine.append((time.perf_counter() - started) * 1000)
            if response.status_code == 200:
                ok += 1
            else:
                errors += 1
        with lock:
            latencies.extend(mine)
            counts["ok"] += ok
            counts["errors"] += errors

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((counts["ok"], counts["errors"], latencies))


def drive(
    name: str, url: str, public_url: str, seconds: float, clients: int, threads: int
) -> Result:
    out: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    started = time.monotonic()
    procs = [
        multiprocessing.Process(target=client, args=(url, public_url, seconds, threads, out))
        for _ in range(clients)
    ]
    for p in procs:
        p.start()
    parts = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.monotonic() - started
    return Result(
        name,
        sum(p[0] for p in parts),
        sum(p[1] for p in parts),
        elapsed,
        [x for p in parts for x in p[2]],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=2, help="load processes")
    parser.add_argument("--threads", type=int, default=8, help="connections per process")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--server-threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379",
        help="a server: the run claims an empty database",
    )
    parser.add_argument("--write-readme", type=Path)
    args = parser.parse_args()

    database_url = fresh_database(args.postgres, "hotline_bench")
    args.redis = claimed_redis(args.redis)
    redis = Redis.from_url(args.redis)
    port, bare_port, tutorial_port = free_port(), free_port(), free_port()
    public_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "HOTLINE_NUMBER": NUMBER,
        "HOTLINE_PUBLIC_URL": public_url,
        "SECRET_KEY": "bench",
        "HOTLINE_LOG_LEVEL": "WARNING",
        "TWILIO_API_URL": "http://127.0.0.1:9",
    }
    subprocess.run(
        [sys.executable, "-m", "hotline.cli", "db", "upgrade"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )

    results = []
    for name, app, app_port in (
        ("bare Flask endpoint", "benchmarks.bare_flask:app", bare_port),
        ("tutorial pattern (validate + enqueue)", "benchmarks.tutorial_app:app", tutorial_port),
        ("hotline /twilio/sms", "hotline:create_app()", port),
    ):
        server = gunicorn(app, app_port, env, args.workers, args.worker_class, args.server_threads)
        try:
            url = f"http://127.0.0.1:{app_port}"
            drive(name, url, public_url, 1.0, 1, 2)  # warm up
            redis.flushdb()  # the database claimed for this run
            with psycopg.connect(database_url, autocommit=True) as conn:
                conn.execute("TRUNCATE inbound_messages")
            results.append(drive(name, url, public_url, args.seconds, args.clients, args.threads))
        finally:
            server.terminate()
            server.wait(10)

    with psycopg.connect(database_url, autocommit=True) as conn:
        stored = conn.execute("SELECT count(*) FROM inbound_messages").fetchone()[0]  # type: ignore[index]
    queued = Queue("hotline-inbound", connection=redis).count
    tutorial, hotline = results[1], results[2]
    lost = hotline.requests - stored

    rows = [
        "| endpoint | requests/s | p50 ms | p99 ms | errors | vs tutorial |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.name} | {r.rate:,.0f} | {r.percentile(50):.1f} "
            f"| {r.percentile(99):.1f} | {r.errors} | {r.rate / tutorial.rate:.2f} |"
        )
    table = "\n".join(rows)
    note = (
        f"{args.clients} client processes x {args.threads} keep-alive connections for "
        f"{args.seconds:.0f} s against gunicorn ({args.workers} {args.worker_class} workers x "
        f"{args.server_threads} threads), "
        f"clients and servers sharing the same {os.cpu_count()} cores; PostgreSQL and Redis "
        f"on loopback. Every accepted webhook was a committed row ({stored:,} rows, "
        f"{lost} missing) and a queued job ({queued:,})."
    )
    print(table)
    print(note)
    print(
        f"hotline / tutorial pattern: {hotline.rate / tutorial.rate:.2f} x the requests/s; "
        f"median overhead {hotline.percentile(50) - tutorial.percentile(50):.1f} ms"
    )
    if args.write_readme:
        write_section(args.write_readme, "webhook", table + "\n\n" + note)
    if lost:
        raise SystemExit(f"{lost} accepted webhooks have no row")


if __name__ == "__main__":
    main()
