"""Odd input at the edges: answered 400 (or, for a caller, the menu again), never a 500."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from story import AUTH_TOKEN, HOTLINE_NUMBER
from twilio.request_validator import RequestValidator

from hotline.models import Group
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer
from hotline.voice.prompts import VoicePrompts

CALLER = "+16175550177"


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [("²", "0" * 64), ("1700000000", "é" * 64), ("\u0661" * 10, "0" * 64)],  # Arabic-Indic digits
)
def test_a_gateway_webhook_with_non_ascii_headers_is_a_bad_request(
    hotline: Hotline, timestamp: str, signature: str
) -> None:
    answer = requests.post(
        f"{hotline.settings.public_url}/gateway/sms",
        data=b"{}",
        headers={"X-Timestamp": timestamp.encode(), "X-Signature": signature.encode()},
        timeout=5,
    )
    assert answer.status_code == 400


def _press(h: Hotline, sid: str, digits: str, step: str = "language") -> requests.Response:
    url = f"{h.settings.public_url}/twilio/voice/menu?step={step}&retry=0"
    params = {
        "CallSid": sid,
        "AccountSid": "AC" + "0" * 31 + "1",
        "From": CALLER,
        "To": HOTLINE_NUMBER,
        "CallStatus": "in-progress",
        "Digits": digits,
    }
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    return requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=5)


@pytest.mark.parametrize("digits", ["²", "\u0663", "1" * 4300, "1" * 4301, "\x00", "1 2", "\uff11"])
def test_odd_keys_hear_the_menu_again(
    hotline: Hotline, sim: SimServer, group: Group, digits: str
) -> None:
    call = sim.call_hotline(CALLER)
    answer = _press(hotline, call.sid, digits)
    assert answer.status_code == 200, answer.text
    spoken = [(s.text or "").strip() for s in ET.fromstring(answer.text).iter("Say")]
    sorry = VoicePrompts(hotline.templates.root).line("not_understood", "en").text
    assert spoken[0] == sorry


def test_a_voice_menu_retry_that_is_not_ascii_is_a_bad_request(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    call = sim.call_hotline(CALLER)
    url = f"{hotline.settings.public_url}/twilio/voice/menu?step=language&retry=%C2%B2"
    params = {"CallSid": call.sid, "From": CALLER, "To": HOTLINE_NUMBER, "Digits": "1"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url.replace("%C2%B2", "²"), params)
    answer = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=5)
    assert answer.status_code in (400, 403)


STEPS = ["language", "need", "where", "reach", "record", "nonsense"]


@settings(
    max_examples=int(os.environ.get("HOTLINE_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(STEPS),
            st.one_of(
                st.text("0123456789*#", max_size=40),
                st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_keys_at_any_step_get_a_spoken_answer(
    hotline: Hotline, sim: SimServer, group: Group, presses: list[tuple[str, str]]
) -> None:
    """A caller mashing keys, at any step of the menu: always TwiML, never a 500."""
    call = sim.call_hotline(CALLER)
    for step, digits in presses:
        answer = _press(hotline, call.sid, digits, step)
        assert answer.status_code in (200, 400), answer.text
        if answer.status_code == 200:
            assert ET.fromstring(answer.text).tag == "Response"
