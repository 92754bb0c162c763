"""The quick start as a newcomer runs it: `hotline run` in a fresh folder with nothing set up
(SQLite, the embedded Redis, a worker, the phone simulator), walked end to end over HTTP and
in Debian's Chromium, then stopped with no process left behind."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
from browser import ARTIFACTS, chromium_context

from hotline import demo

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], T], timeout: float = 60.0) -> T:
    """Poll a condition until it holds; the hotline runs in other processes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@dataclass
class QuickStart:
    """A running `hotline run`, started the way the README's quick start starts it."""

    process: subprocess.Popen[str]
    folder: Path
    web: str
    sim: str
    gateway: str
    banner: str

    def inbox(self, phone: str) -> list[str]:
        """What the phone received from the hotline (and from the carrier), oldest first."""
        messages = requests.get(
            f"{self.sim}/_sim/conversation.json", params={"phone": phone}, timeout=5
        ).json()["messages"]
        return [m["body"] for m in messages if not m["sent"]]

    def text(self, phone: str, body: str) -> None:
        sent = requests.post(
            f"{self.sim}/_sim/text",
            data={"from": phone, "body": body},
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert sent.json() == {"ok": True, "error": None}

    def family(self) -> set[int]:
        """Every process this run started: its session, and the embedded Redis server, which
        daemonizes out of it (found by the socket the worker was given)."""
        pids = {pid for pid in _pids() if _session_of(pid) == self.process.pid}
        sockets = {
            url.removeprefix("unix://").split("?")[0]
            for pid in pids
            if (url := _environ(pid).get("REDIS_URL", "")).startswith("unix://")
        }
        for pid in _pids():
            if any(path in _cmdline(pid) for path in sockets):
                pids.add(pid)
        return pids


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _session_of(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[3]) if fields[0] != "Z" else None  # a zombie has already exited


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if item)
    return {key: value for key, _, value in pairs}


def _alive(pid: int) -> bool:
    return _session_of(pid) is not None or bool(_cmdline(pid))


@pytest.fixture
def quick_start(tmp_path: Path) -> Iterator[QuickStart]:
    port, sim_port, gateway_port = free_port(), free_port(), free_port()
    # A newcomer's shell: nothing of the hotline's configured.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_", "HOTLINE_", "GATEWAY_"))
    }
    hotline_command = Path(sys.executable).with_name("hotline")  # .venv/bin/hotline run
    process = subprocess.Popen(
        [
            str(hotline_command),
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
        start_new_session=True,
    )
    assert process.stdout is not None
    banner = "".join(iter(process.stdout.readline, "Press Ctrl-C to stop.\n"))
    run = QuickStart(
        process,
        tmp_path,
        f"http://127.0.0.1:{port}",
        f"http://127.0.0.1:{sim_port}",
        f"http://127.0.0.1:{gateway_port}",
        banner,
    )
    try:
        yield run
    finally:
        if process.poll() is None:
            process.kill()
            for pid in run.family():
                os.kill(pid, signal.SIGKILL)
        process.communicate(timeout=30)


def test_the_banner_says_what_to_open_and_how_to_sign_in(quick_start: QuickStart) -> None:
    banner = quick_start.banner
    assert f"Phone simulator: {quick_start.sim}/" in banner
    assert f"Dashboard:       {quick_start.web}/" in banner
    assert "(617) 555-0199" in banner and '"Text me a code"' in banner
    assert f'"{demo.DEE.label}" phone' in banner
    assert quick_start.gateway in banner


def test_the_quick_start_walks_the_whole_story_in_a_browser(quick_start: QuickStart) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    run = quick_start
    assert requests.get(f"{run.web}/healthz", timeout=5).json() == {
        "database": "ok",
        "redis": "ok",
    }
    assert (run.folder / "instance" / "hotline.sqlite").exists()
    with chromium_context(1000, 900) as context:
        _walk(sync_api, context, run)

    # Ctrl-C, as the banner says: every process the run started is gone.
    family = run.family()
    assert len(family) >= 4  # web, worker, its sweeper and RQ scheduler, the embedded Redis
    run.process.send_signal(signal.SIGINT)
    assert run.process.wait(timeout=30) == 0
    wait_for(lambda: not any(_alive(pid) for pid in family), timeout=15)


def _sign_in_with_a_texted_code(expect: Any, dashboard: Any, phones: Any, run: QuickStart) -> None:
    """What the banner tells a newcomer: Dee's number, "Text me a code", the code on Dee's phone."""
    dashboard.goto(f"{run.web}/")
    dashboard.get_by_label("Your phone number").fill("617 555 0199")
    dashboard.get_by_role("button", name="Text me a code").click()
    expect(dashboard.get_by_role("heading", name="Enter the code")).to_be_visible()
    dee = phones.locator(f'section.phone[data-number="{demo.DEE.number}"]')
    expect(dee.locator(".screen")).to_contain_text("sign-in code", timeout=20_000)
    texted = next(m for m in run.inbox(demo.DEE.number) if "sign-in code" in m)
    found = re.search(r"\b(\d{6})\b", texted)
    assert found, texted
    dashboard.get_by_label("Code").fill(found.group(1))
    dashboard.get_by_role("button", name="Sign in").click()
    expect(dashboard.get_by_role("heading", name="Open requests")).to_be_visible()
    expect(dashboard.locator("#queue-rows")).to_contain_text("Nothing waiting")


def _walk(sync_api: object, context: object, run: QuickStart) -> None:
    expect = sync_api.expect  # type: ignore[attr-defined]
    phones = context.new_page()  # type: ignore[attr-defined]
    dashboard = context.new_page()  # type: ignore[attr-defined]
    phones.goto(f"{run.sim}/")

    _sign_in_with_a_texted_code(expect, dashboard, phones, run)
    dashboard.evaluate("window.stillTheSamePage = true")  # gone if the page reloads

    # A neighbour texts from the phone simulator's Neighbour card.
    neighbour = phones.locator(f'section.phone[data-number="{demo.NEIGHBOUR.number}"]')
    neighbour.get_by_label("Message", exact=True).fill("we need water for 4 at 12 Elm St 02145")
    neighbour.get_by_role("button", name="Send").click()
    expect(neighbour.locator(".screen")).to_contain_text("#", timeout=20_000)
    code = re.search(r"#(\d{4,})", run.inbox(demo.NEIGHBOUR.number)[0])
    assert code, run.inbox(demo.NEIGHBOUR.number)
    request_code = code.group(1)

    # The dashboard shows it without a reload.
    row = dashboard.locator("#queue-rows tr").filter(has_text=request_code)
    expect(row).to_contain_text("water", timeout=20_000)

    # The volunteers in the neighbour's zone are offered it, without the house number.
    ana = phones.locator(f'section.phone[data-number="{demo.ANA.number}"]')
    expect(ana.locator(".screen")).to_contain_text(f"#{request_code}", timeout=20_000)
    offer = wait_for(lambda: run.inbox(demo.ANA.number))[0]
    assert "Elm" in offer and "12 Elm" not in offer

    # Ana takes it from her phone: she gets the details, the neighbour hears who is coming,
    # and the request leaves the queue of open requests by itself.
    ana.get_by_label("Message", exact=True).fill("YES")
    ana.get_by_role("button", name="Send").click()
    expect(ana.locator(".screen")).to_contain_text("12 Elm", timeout=20_000)
    expect(neighbour.locator(".screen")).to_contain_text("Ana", timeout=20_000)
    expect(row).to_have_count(0, timeout=20_000)
    assert dashboard.evaluate("window.stillTheSamePage") is True  # live, never reloaded
    dashboard.screenshot(path=str(ARTIFACTS / "quick-start-dashboard.png"), full_page=True)

    # The request's page says who has it; DONE closes it and the neighbour hears.
    dashboard.goto(f"{run.web}/dashboard/")
    dashboard.get_by_label("Status").select_option("claimed")
    dashboard.get_by_role("button", name="Filter").click()
    dashboard.get_by_role("link", name=re.compile(request_code)).click()
    expect(dashboard.get_by_role("heading", level=1)).to_contain_text("claimed")
    expect(dashboard.locator("main")).to_contain_text("Ana")
    told = len(run.inbox(demo.NEIGHBOUR.number))
    ana.get_by_label("Message", exact=True).fill(f"DONE {request_code}")
    ana.get_by_role("button", name="Send").click()
    wait_for(lambda: len(run.inbox(demo.NEIGHBOUR.number)) > told)
    dashboard.reload()
    expect(dashboard.get_by_role("heading", level=1)).to_contain_text("done")
    phones.screenshot(path=str(ARTIFACTS / "quick-start-phones.png"), full_page=True)
