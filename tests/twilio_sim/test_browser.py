"""The phone simulator in a real (headless Chromium) browser: opt-out shown, nothing missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import chromium_context

from hotline.simulators.twilio_sim.server import SimServer
from hotline.simulators.twilio_sim.state import CARRIER_CONFIRMATIONS

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def browser_page() -> Iterator[sync_api.Page]:
    with chromium_context() as context:
        yield context.new_page()


def test_a_phone_that_texts_stop_is_shown_opted_out_until_start(
    browser_page: sync_api.Page, sim: SimServer
) -> None:
    p, expect = browser_page, sync_api.expect
    missing: list[str] = []
    p.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    p.goto(sim.url + "/")
    card = p.locator('.phone[data-number="+12025550101"]')
    opt_out = card.locator(".opt-out")
    expect(opt_out).to_be_hidden()

    card.get_by_label("Message", exact=True).fill("STOP")
    card.get_by_role("button", name="Send").click()
    expect(opt_out).to_be_visible()
    expect(opt_out).to_contain_text(f"Opted out (texted STOP to {sim.hotline_number})")
    # Twilio's own reply arrives on the phone, from the carrier rather than the hotline.
    confirmation = card.locator(".msg.received").last
    expect(confirmation).to_contain_text(CARRIER_CONFIRMATIONS["STOP"])
    expect(confirmation.locator(".meta")).to_contain_text("From Twilio (carrier)")

    card.get_by_label("Message", exact=True).fill("start")
    card.get_by_role("button", name="Send").click()
    expect(card.locator(".msg.received").last).to_contain_text("successfully been re-subscribed")
    expect(opt_out).to_be_hidden()

    # A reload draws the same card from the server (no script state).
    card.get_by_label("Message", exact=True).fill("unsubscribe")
    card.get_by_role("button", name="Send").click()
    expect(opt_out).to_be_visible()
    p.reload()
    expect(opt_out).to_contain_text("Opted out")
    assert missing == []
    # A browser asks for the page's icon outside what the page reports: check it is there.
    icon = p.request.get(p.evaluate("document.querySelector('link[rel=icon]').href"))
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
