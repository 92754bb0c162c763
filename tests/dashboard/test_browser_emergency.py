"""An emergency arriving while a dispatcher watches, in a real (headless Chromium) browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import ARTIFACTS, chromium_context
from dashboard.pages import DEE, NEIGHBOUR, PASSWORD
from story import run_jobs
from werkzeug.serving import BaseWSGIServer

from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(hotline: Hotline, web_server: tuple[BaseWSGIServer, object]) -> Iterator[object]:
    app = web_server[1].app  # type: ignore[attr-defined]  # the fixture's late-bound app
    app.config.update(DASHBOARD_STREAM_SECONDS=20.0, DASHBOARD_POLL_SECONDS=0.5)
    with chromium_context() as context:
        yield context.new_page()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_banner_and_the_row_come_in_live_and_read_as_an_emergency(
    page: object, hotline: Hotline, sim: SimServer, people: None
) -> None:
    p: sync_api.Page = page  # type: ignore[assignment]
    expect = sync_api.expect
    p.goto(f"{hotline.settings.public_url}/")
    p.get_by_label("Your phone number").fill(DEE)
    p.get_by_label("Password", exact=True).fill(PASSWORD)
    p.get_by_role("button", name="Sign in", exact=True).click()
    expect(p.locator("#queue-rows")).to_contain_text("Nothing waiting")
    expect(p.locator("#emergency-banner")).to_have_text("")
    sim.text_hotline(
        NEIGHBOUR,
        hotline.settings.hotline_number or "",
        "my mother is trapped under rubble at 12 Oak St",
    )
    run_jobs(hotline)
    # Without a reload: the banner is an alert a screen reader announces, the row says so.
    expect(p.get_by_role("alert")).to_contain_text("1 emergency waiting", timeout=15_000)
    row = p.locator("#queue-rows tr").filter(has_text="EMERGENCY")
    expect(row).to_contain_text("rescue in Oak St")
    expect(row).not_to_contain_text("mother")
    p.screenshot(path=str(ARTIFACTS / "dashboard-emergency.png"), full_page=True)
    assert p.evaluate("performance.getEntriesByType('navigation').length") == 1
