"""A dispatcher in a real (headless Chromium) browser: sign in, watch a text arrive, act on it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser import ARTIFACTS, chromium_context
from dashboard.pages import ANA, DEE, NEIGHBOUR, PASSWORD
from story import run_jobs
from werkzeug.serving import BaseWSGIServer

from hotline.models import Urgency
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(hotline: Hotline, web_server: tuple[BaseWSGIServer, object]) -> Iterator[object]:
    app = web_server[1].app  # type: ignore[attr-defined]  # the fixture's late-bound app
    app.config.update(DASHBOARD_STREAM_SECONDS=20.0, DASHBOARD_POLL_SECONDS=0.5)
    with chromium_context() as context:
        yield context.new_page()


# One database is enough here: the same views run on both in the other dashboard tests.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_dispatcher_runs_a_request_from_the_browser(
    page: object, hotline: Hotline, sim: SimServer, people: None
) -> None:
    p: sync_api.Page = page  # type: ignore[assignment]
    expect = sync_api.expect
    base = hotline.settings.public_url
    p.goto(f"{base}/")
    expect(p.get_by_role("heading", name="Dispatcher sign-in")).to_be_visible()
    p.get_by_label("Your phone number").fill(DEE)
    p.get_by_label("Password", exact=True).fill(PASSWORD)
    p.get_by_role("button", name="Sign in", exact=True).click()
    expect(p.get_by_role("heading", name="Open requests")).to_be_visible()
    expect(p.locator("#queue-rows")).to_contain_text("Nothing waiting")
    p.screenshot(path=str(ARTIFACTS / "dashboard-queue-empty.png"), full_page=True)

    # A neighbour texts in; the row appears without a reload.
    sim.text_hotline(
        NEIGHBOUR,
        hotline.settings.hotline_number or "",
        "We need drinking water at 12 Oak St 02145",
    )
    run_jobs(hotline)
    row = p.locator("#queue-rows tr").filter(has_text="water")
    expect(row).to_be_visible(timeout=15_000)
    code = re.sub(r"\D", "", row.get_by_role("link").inner_text())
    assert p.evaluate("performance.getEntriesByType('navigation').length") == 1
    # No horizontal scrolling on a 360px-wide phone.
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    p.screenshot(path=str(ARTIFACTS / "dashboard-queue-live.png"), full_page=True)

    row.get_by_role("link").click()
    expect(p.get_by_role("heading", name=re.compile(f"#{code}"))).to_be_visible()
    expect(p.locator(".thread")).to_contain_text("We need drinking water")
    target = "routine" if p.get_by_label("Urgency").input_value() != "routine" else "urgent"
    p.get_by_label("Urgency").select_option(target)
    p.get_by_role("button", name="Save triage").click()
    expect(p.get_by_role("status").first).to_contain_text("Updated urgency")
    expect(p.locator(".audit")).to_contain_text("triage_edited by dispatcher Dee")

    ana = p.locator("#volunteer option", has_text="Ana Lopez").get_attribute("value")
    p.get_by_label("Assign to a volunteer").select_option(ana)
    # Keyboard only: focus the button and press Enter.
    p.get_by_role("button", name="Assign", exact=True).focus()
    p.keyboard.press("Enter")
    expect(p.get_by_role("status").first).to_contain_text(f"#{code} assigned to Ana Lopez")
    p.screenshot(path=str(ARTIFACTS / "dashboard-request.png"), full_page=True)
    run_jobs(hotline)
    texts = [m.body for m in sim.messages_to(ANA)]
    assert any(f"#{code}" in t and "(617) 555-0111" in t for t in texts), texts
    from dashboard.pages import request_by_code  # noqa: PLC0415

    assert request_by_code(hotline, code).urgency == Urgency(target)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_dashboard_refused_a_stream_still_refreshes(
    page: object,
    hotline: Hotline,
    sim: SimServer,
    people: None,
    web_server: tuple[BaseWSGIServer, object],
) -> None:
    app = web_server[1].app  # type: ignore[attr-defined]  # the fixture's late-bound app
    app.extensions["dashboard_streams"] = None  # as if every stream slot were taken
    p: sync_api.Page = page  # type: ignore[assignment]
    expect = sync_api.expect
    p.goto(f"{hotline.settings.public_url}/")
    p.get_by_label("Your phone number").fill(DEE)
    p.get_by_label("Password", exact=True).fill(PASSWORD)
    p.get_by_role("button", name="Sign in", exact=True).click()
    expect(p.locator("#queue-rows")).to_contain_text("Nothing waiting")
    sim.text_hotline(
        NEIGHBOUR, hotline.settings.hotline_number or "", "We need blankets at 12 Oak St 02145"
    )
    run_jobs(hotline)
    # The 15-second refresh brings it in, without a reload.
    # The row shows the need's gist: what triage recognised, not the words.
    expect(
        p.locator("#queue-rows tr").filter(has_text="clothes or blankets in 02145")
    ).to_be_visible(timeout=25_000)
    assert p.evaluate("performance.getEntriesByType('navigation').length") == 1


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_dashboard_asks_for_nothing_that_is_missing(
    page: object, hotline: Hotline, people: None
) -> None:
    p: sync_api.Page = page  # type: ignore[assignment]
    missing: list[str] = []
    p.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    p.goto(f"{hotline.settings.public_url}/")
    p.get_by_label("Your phone number").fill(DEE)
    p.get_by_label("Password", exact=True).fill(PASSWORD)
    p.get_by_role("button", name="Sign in", exact=True).click()
    sync_api.expect(p.get_by_role("heading", name="Open requests")).to_be_visible()
    assert missing == []
    # A browser asks for the page's icon outside what the page reports: check it is there.
    icon = p.request.get(p.evaluate("document.querySelector('link[rel=icon]').href"))
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
