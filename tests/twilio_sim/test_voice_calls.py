"""The sim's voice calls: the signed webhooks it posts and how it runs the TwiML it gets back."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import requests
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from hotline.simulators.twilio_sim.server import SimServer
from hotline.simulators.twilio_sim.voice import APPLICATION_ERROR, MAX_HOPS, CallOver, Spoken

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "sim-test-token"
HOTLINE_NUMBER = "+12025550100"
NEIGHBOUR = "+12025550101"
GATHER = (
    '<Response><Gather action="/twilio/voice/menu?step=need" numDigits="1" timeout="5"'
    ' actionOnEmptyResult="{empty}"><Say language="es-US">Oprima 1</Say></Gather>'
    '<Say language="en-US">After the gather</Say><Hangup/></Response>'
)
HANG_UP = "<Response><Hangup/></Response>"


@dataclass
class Hook:
    url: str
    params: dict[str, str]
    signed: bool


@dataclass
class ScriptedHotline:
    """Plays the hotline's voice webhooks: a TwiML answer per path, every request recorded."""

    url: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    hooks: list[Hook] = field(default_factory=list)

    def __call__(self, environ: dict[str, object], start_response: Callable[..., object]) -> object:
        request = Request(environ)  # type: ignore[arg-type]
        url = self.url + request.full_path.rstrip("?")
        params = request.form.to_dict()
        signed = RequestValidator(AUTH_TOKEN).validate(
            url, params, request.headers.get("X-Twilio-Signature", "")
        )
        self.hooks.append(Hook(url, params, signed))
        body = self.answers.get(request.path, "")
        response = Response(body, status=200 if body else 204, content_type="text/xml")
        return response(environ, start_response)  # type: ignore[arg-type]

    def paths(self) -> list[str]:
        return [hook.url.removeprefix(self.url) for hook in self.hooks]


@pytest.fixture
def scripted() -> Iterator[ScriptedHotline]:
    app = ScriptedHotline()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield app
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def phone(scripted: ScriptedHotline) -> Iterator[SimServer]:
    with SimServer(
        ACCOUNT_SID, AUTH_TOKEN, hotline_url=scripted.url, hotline_number=HOTLINE_NUMBER
    ) as server:
        yield server


def test_a_call_posts_a_signed_voice_webhook_and_speaks_the_answer(
    phone: SimServer, scripted: ScriptedHotline
) -> None:
    scripted.answers["/twilio/voice"] = GATHER.format(empty="true")
    call = phone.call_hotline(NEIGHBOUR)

    [hook] = scripted.hooks
    assert hook.url == scripted.url + "/twilio/voice" and hook.signed
    assert re.fullmatch(r"CA[0-9a-f]{32}", hook.params["CallSid"])
    assert call.sid == hook.params["CallSid"] and hook.params["AccountSid"] == ACCOUNT_SID
    assert (hook.params["From"], hook.params["To"]) == (NEIGHBOUR, HOTLINE_NUMBER)
    assert hook.params["CallStatus"] == "in-progress" and hook.params["Direction"] == "inbound"
    assert hook.params["ApiVersion"] == "2010-04-01"
    assert call.transcript == [Spoken("Oprima 1", "es-US")]
    assert call.waiting_for == "Gather" and not call.ended


def test_keys_are_posted_to_the_gather_action(phone: SimServer, scripted: ScriptedHotline) -> None:
    scripted.answers["/twilio/voice"] = GATHER.format(empty="true")
    scripted.answers["/twilio/voice/menu"] = "<Response><Say>Thanks</Say></Response>"
    call = phone.call_hotline(NEIGHBOUR)
    call.press("1")

    assert scripted.paths() == [
        "/twilio/voice",
        "/twilio/voice/menu?step=need",
        "/twilio/voice/status",
    ]
    assert all(hook.signed for hook in scripted.hooks)
    assert scripted.hooks[1].params["Digits"] == "1"
    assert call.transcript[-1].text == "Thanks"
    # The document ran out of verbs: the call is over, and the status URL hears of it.
    assert call.ended and scripted.hooks[2].params["CallStatus"] == "completed"


def test_digits_collect_until_the_finish_key(phone: SimServer, scripted: ScriptedHotline) -> None:
    scripted.answers["/twilio/voice"] = (
        '<Response><Gather action="/next"><Say>ZIP?</Say></Gather></Response>'
    )
    scripted.answers["/next"] = HANG_UP
    call = phone.call_hotline(NEIGHBOUR)
    call.press("021")
    call.press("45")
    assert len(scripted.hooks) == 1  # still typing
    call.press("#")
    assert scripted.hooks[1].params["Digits"] == "02145"


def test_a_pause_after_some_digits_sends_them(phone: SimServer, scripted: ScriptedHotline) -> None:
    scripted.answers["/twilio/voice"] = '<Response><Gather action="/next"/></Response>'
    scripted.answers["/next"] = HANG_UP
    call = phone.call_hotline(NEIGHBOUR)
    call.press("021")
    call.wait()
    assert scripted.hooks[1].params["Digits"] == "021"


def test_a_silent_gather_posts_without_digits_when_asked_to(
    phone: SimServer, scripted: ScriptedHotline
) -> None:
    scripted.answers["/twilio/voice"] = GATHER.format(empty="true")
    scripted.answers["/twilio/voice/menu"] = HANG_UP
    call = phone.call_hotline(NEIGHBOUR)
    call.wait()
    assert scripted.paths()[1] == "/twilio/voice/menu?step=need"
    assert "Digits" not in scripted.hooks[1].params


def test_a_silent_gather_otherwise_goes_on_to_the_next_verb(
    phone: SimServer, scripted: ScriptedHotline
) -> None:
    scripted.answers["/twilio/voice"] = GATHER.format(empty="false")
    call = phone.call_hotline(NEIGHBOUR)
    call.wait()
    assert call.transcript[-1] == Spoken("After the gather", "en-US") and call.ended
    assert scripted.paths() == ["/twilio/voice", "/twilio/voice/status"]


def test_a_redirect_is_followed(phone: SimServer, scripted: ScriptedHotline) -> None:
    scripted.answers["/twilio/voice"] = (
        '<Response><Redirect method="POST">/b?x=1</Redirect></Response>'
    )
    scripted.answers["/b"] = "<Response><Say>Here</Say><Gather/></Response>"
    call = phone.call_hotline(NEIGHBOUR)
    assert scripted.paths() == ["/twilio/voice", "/b?x=1"] and scripted.hooks[1].signed
    assert call.said() == "Here" and call.waiting_for == "Gather"


def test_a_redirect_loop_is_cut(phone: SimServer, scripted: ScriptedHotline) -> None:
    scripted.answers["/twilio/voice"] = "<Response><Redirect>/twilio/voice</Redirect></Response>"
    call = phone.call_hotline(NEIGHBOUR)
    assert call.ended and call.transcript[-1].text == APPLICATION_ERROR
    assert len(scripted.hooks) == MAX_HOPS + 1  # the last is the status callback


def test_a_message_is_recorded_and_posted(phone: SimServer, scripted: ScriptedHotline) -> None:
    scripted.answers["/twilio/voice"] = (
        '<Response><Say>Speak</Say><Record action="/rec" maxLength="60"/>'
        "<Redirect>/silent</Redirect></Response>"
    )
    scripted.answers["/rec"] = HANG_UP
    scripted.answers["/silent"] = HANG_UP
    call = phone.call_hotline(NEIGHBOUR)
    assert call.waiting_for == "Record" and call.transcript[-1].text == "[beep]"
    url = call.record()
    assert scripted.paths()[1] == "/rec" and scripted.hooks[1].params["RecordingUrl"] == url
    assert url.startswith(f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE")
    assert scripted.hooks[1].params["RecordingDuration"].isdigit() and call.ended

    silent = phone.call_hotline(NEIGHBOUR)
    silent.wait()  # nothing said: Twilio skips the action and goes on
    assert scripted.paths()[-2:] == ["/silent", "/twilio/voice/status"]


def test_hanging_up_posts_the_status_callback(phone: SimServer, scripted: ScriptedHotline) -> None:
    scripted.answers["/twilio/voice"] = GATHER.format(empty="true")
    call = phone.call_hotline(NEIGHBOUR)
    call.hang_up()
    assert scripted.paths()[-1] == "/twilio/voice/status" and scripted.hooks[-1].signed
    assert scripted.hooks[-1].params["CallStatus"] == "completed"
    assert scripted.hooks[-1].params["CallSid"] == call.sid
    with pytest.raises(CallOver):
        call.press("1")


@pytest.mark.parametrize(
    "twiml",
    [
        "<Response><Say colour='red'>Hi</Say></Response>",  # no such attribute
        "<Response><Dial>+12025550199</Dial></Response>",  # not a verb the sim runs
        "<Response><Gather><Record/></Gather></Response>",  # not allowed inside <Gather>
        "<Response><Say>unclosed</Response>",
        "<Reply><Say>Hi</Say></Reply>",
    ],
)
def test_twiml_twilio_would_refuse_ends_the_call_with_an_application_error(
    phone: SimServer, scripted: ScriptedHotline, twiml: str
) -> None:
    scripted.answers["/twilio/voice"] = twiml
    call = phone.call_hotline(NEIGHBOUR)
    assert call.ended and call.errors
    assert call.transcript[-1].text == APPLICATION_ERROR


def test_the_page_places_calls_and_presses_keys(
    phone: SimServer, scripted: ScriptedHotline
) -> None:
    page = requests.get(phone.url + "/", timeout=5).text
    assert "voice.js" in page
    assert requests.get(phone.url + "/static/voice.js", timeout=5).status_code == 200

    scripted.answers["/twilio/voice"] = GATHER.format(empty="true")
    scripted.answers["/twilio/voice/menu"] = "<Response><Say>Bye</Say><Hangup/></Response>"
    started = requests.post(phone.url + "/_sim/call", data={"from": NEIGHBOUR}, timeout=5).json()
    assert started["waiting_for"] == "Gather"
    assert started["transcript"] == [{"text": "Oprima 1", "language": "es-US"}]
    sid = started["sid"]
    assert requests.get(f"{phone.url}/_sim/call/{sid}.json", timeout=5).json()["sid"] == sid
    press = f"{phone.url}/_sim/call/{sid}/press"
    pressed = requests.post(press, data={"keys": "1"}, timeout=5).json()
    assert pressed["ended"] and pressed["transcript"][-1]["text"] == "Bye"
    assert requests.post(press, data={"keys": "1"}, timeout=5).status_code == 409
    refused = requests.post(phone.url + "/_sim/call", data={"from": "nonsense"}, timeout=5)
    assert refused.status_code == 400
    assert (
        requests.post(press.replace(sid, "CA0"), data={"keys": "1"}, timeout=5).status_code == 404
    )
