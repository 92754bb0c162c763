"""The phone simulator page and the JSON it polls."""

from __future__ import annotations

import re
from typing import Any

import requests
from twilio.rest import Client

from hotline.simulators.twilio_sim.server import SimServer
from hotline.simulators.twilio_sim.state import PhonePreset

NEIGHBOUR = "+12025550101"
VOLUNTEER = "+12025550102"


def test_page_shows_the_preset_phones(sim: SimServer) -> None:
    page = requests.get(sim.url + "/", timeout=5)

    assert page.status_code == 200
    for label, number in [("Neighbour", NEIGHBOUR), ("Volunteer Ana", VOLUNTEER)]:
        assert label in page.text and number in page.text
    assert "Dispatcher" in page.text
    assert sim.hotline_number in page.text


def test_page_escapes_message_text(client: Client, sim: SimServer) -> None:
    sim.callbacks_enabled = False
    client.messages.create(
        to=NEIGHBOUR, from_=sim.hotline_number, body="<script>alert('x')</script> & more"
    )

    page = requests.get(sim.url + "/", timeout=5).text

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page


def test_page_loads_nothing_from_elsewhere(sim: SimServer) -> None:
    page = requests.get(sim.url + "/", timeout=5).text

    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(asset.startswith("/") for asset in assets)
    for asset in assets:
        assert requests.get(sim.url + asset, timeout=5).status_code == 200


def test_extra_phones_come_from_the_query(sim: SimServer) -> None:
    page = requests.get(
        sim.url + "/", params=[("phone", "+447700900123"), ("phone", "nonsense")], timeout=5
    ).text

    assert 'data-number="+447700900123"' in page
    assert "nonsense" not in page


def test_presets_are_configurable(receiver: Any) -> None:
    presets = [PhonePreset("Shelter desk", "+12025550150")]
    with SimServer("AC" + "1" * 32, "token", receiver.url, presets=presets) as sim:
        page = requests.get(sim.url + "/", timeout=5).text
    assert "Shelter desk" in page and "Volunteer Ana" not in page


def test_conversation_json_lists_what_a_phone_sent_and_received(
    client: Client, sim: SimServer, receiver: Any
) -> None:
    receiver.reply_with("<Response><Message>Got it</Message></Response>")
    sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water")
    sim.callbacks_enabled = False
    client.messages.create(to=NEIGHBOUR, from_=sim.hotline_number, body="Ana is coming")
    client.messages.create(to=VOLUNTEER, from_=sim.hotline_number, body="Not for the neighbour")

    answer = requests.get(
        sim.url + "/_sim/conversation.json", params={"phone": NEIGHBOUR}, timeout=5
    )

    assert answer.json()["phone"] == NEIGHBOUR
    assert [
        (m["sent"], m["other_number"], m["body"], m["status"]) for m in answer.json()["messages"]
    ] == [
        (True, sim.hotline_number, "Need water", "received"),
        (False, sim.hotline_number, "Got it", "delivered"),
        (False, sim.hotline_number, "Ana is coming", "delivered"),
    ]


def test_conversation_json_needs_a_phone_number(sim: SimServer) -> None:
    answer = requests.get(sim.url + "/_sim/conversation.json", params={"phone": "x"}, timeout=5)
    assert answer.status_code == 400


def test_page_texts_the_hotline(sim: SimServer, receiver: Any) -> None:
    answer = requests.post(
        sim.url + "/_sim/text",
        data={"from": NEIGHBOUR, "to": sim.hotline_number, "body": "Need insulin"},
        headers={"Accept": "application/json"},
        timeout=5,
    )

    assert answer.json() == {"ok": True, "error": None}
    [received] = receiver.received
    assert received.signature_valid
    assert (received.params["From"], received.params["Body"]) == (NEIGHBOUR, "Need insulin")


def test_page_reports_a_hotline_that_refuses_the_text(sim: SimServer, receiver: Any) -> None:
    receiver.answer_status = 500

    answer = requests.post(
        sim.url + "/_sim/text",
        data={"from": NEIGHBOUR, "body": "Need insulin"},
        headers={"Accept": "application/json"},
        timeout=5,
    )

    assert answer.status_code == 502
    assert answer.json() == {"ok": False, "error": "The hotline answered HTTP 500."}


def test_page_works_without_script(sim: SimServer, receiver: Any) -> None:
    answer = requests.post(
        sim.url + "/_sim/text",
        data={"from": "+447700900123", "body": "Need a ride", "shown": "+447700900123"},
        allow_redirects=False,
        timeout=5,
    )

    assert answer.status_code == 303
    assert answer.headers["Location"] == "/?phone=%2B447700900123"
    assert receiver.received[0].params["Body"] == "Need a ride"
    page = requests.get(sim.url + answer.headers["Location"], timeout=5).text
    assert "Need a ride" in page


def test_page_explains_a_bad_number(sim: SimServer, receiver: Any) -> None:
    answer = requests.post(
        sim.url + "/_sim/text", data={"from": "12345", "body": "Hello"}, timeout=5
    )

    assert "E.164" in answer.text
    assert receiver.received == []
