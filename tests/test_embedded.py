"""`hotline run` on a fresh folder: SQLite, embedded Redis, a worker, the phone simulator."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    """Poll a condition until it holds; the hotline runs in another process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_quick_start_runs_the_whole_hotline_with_nothing_configured(tmp_path: Path) -> None:
    port, sim_port, gateway_port = free_port(), free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_", "HOTLINE_"))
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hotline.cli",
            "run",
            "--port",
            str(port),
            "--sim-port",
            str(sim_port),
            "--gateway-port",
            str(gateway_port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = "".join(iter(process.stdout.readline, "Press Ctrl-C to stop.\n"))  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{sim_port}/" in banner
        assert f"http://127.0.0.1:{gateway_port}" in banner
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json() == {
            "database": "ok",
            "redis": "ok",
        }
        page = requests.get(f"http://127.0.0.1:{sim_port}/", timeout=5)
        assert page.status_code == 200 and "Volunteer Ana" in page.text
        sent = requests.post(
            f"http://127.0.0.1:{sim_port}/_sim/text",
            data={"from": "+16175550111", "body": "we need water at 12 Elm St 02145"},
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert sent.json() == {"ok": True, "error": None}

        def inbox(phone: str) -> list[str]:
            messages = requests.get(
                f"http://127.0.0.1:{sim_port}/_sim/conversation.json",
                params={"phone": phone},
                timeout=5,
            ).json()["messages"]
            return [m["body"] for m in messages if m["kind"] != "inbound"]

        ack = wait_for(lambda: inbox("+16175550111"))
        assert "#" in ack[0]
        offer = wait_for(lambda: inbox("+16175550101"))  # the demo's volunteer Ana in 02145
        assert "Elm" in offer[0] and "12 Elm" not in offer[0]
        assert (tmp_path / "instance" / "hotline.sqlite").exists()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)  # also closes the pipe
