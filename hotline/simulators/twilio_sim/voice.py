"""Voice calls in the sim: the phone dials the hotline and the sim runs its TwiML as Twilio does.

The sim posts the signed voice webhook, speaks every <Say> into the call's transcript, waits at
a <Gather> or <Record> for the phone's keys, follows <Redirect>, and posts the call status
callback when the call ends. TwiML with a verb or attribute Twilio does not know ends the call
with Twilio's "application error", and the error is kept on the call.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from hotline.simulators.twilio_sim.carrier import HttpAnswer, Poster, WebhookPostError
from hotline.simulators.twilio_sim.signing import SIGNATURE_HEADER, compute_signature
from hotline.simulators.twilio_sim.state import API_VERSION, SimState, new_sid

VOICE_WEBHOOK_PATH = "/twilio/voice"
# Twilio posts call status changes to the number's "Call status changes" URL.
VOICE_STATUS_PATH = "/twilio/voice/status"
APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye."
# Webhooks one action of the phone may lead to (redirects included) before the sim calls it a
# loop; a real caller would hang up long before.
MAX_HOPS = 25

# Verbs the hotline may answer with, their attributes (per Twilio's TwiML reference) and the
# verbs each may nest.
TWIML_ATTRIBUTES: dict[str, frozenset[str]] = {
    "Response": frozenset(),
    "Say": frozenset({"voice", "language", "loop"}),
    "Play": frozenset({"loop", "digits"}),
    "Pause": frozenset({"length"}),
    "Gather": frozenset(
        {
            "action",
            "actionOnEmptyResult",
            "bargeIn",
            "debug",
            "enhanced",
            "finishOnKey",
            "hints",
            "input",
            "language",
            "maxSpeechTime",
            "method",
            "numDigits",
            "partialResultCallback",
            "partialResultCallbackMethod",
            "profanityFilter",
            "speechModel",
            "speechTimeout",
            "timeout",
        }
    ),
    "Record": frozenset(
        {
            "action",
            "finishOnKey",
            "maxLength",
            "method",
            "playBeep",
            "recordingStatusCallback",
            "recordingStatusCallbackEvent",
            "recordingStatusCallbackMethod",
            "storageUrl",
            "storageUrlMethod",
            "timeout",
            "transcribe",
            "transcribeCallback",
            "trim",
        }
    ),
    "Redirect": frozenset({"method"}),
    "Hangup": frozenset(),
}
TWIML_CHILDREN: dict[str, frozenset[str]] = {
    "Response": frozenset({"Say", "Play", "Pause", "Gather", "Record", "Redirect", "Hangup"}),
    "Gather": frozenset({"Say", "Play", "Pause"}),
}


class TwimlError(ValueError):
    """TwiML that Twilio would refuse (error 12100 and friends)."""


class CallOver(RuntimeError):
    """The phone tried to use a call that has ended."""


def check_twiml(text: str) -> ET.Element:
    """Parse a voice TwiML document and refuse what Twilio would refuse."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise TwimlError(f"the document does not parse: {exc}") from exc
    if root.tag != "Response":
        raise TwimlError(f"the root element is <{root.tag}>, not <Response>")
    _check_element(root)
    return root


def _check_element(element: ET.Element) -> None:
    allowed = TWIML_ATTRIBUTES.get(element.tag)
    if allowed is None:
        raise TwimlError(f"<{element.tag}> is not a voice TwiML verb the sim knows")
    unknown = set(element.attrib) - allowed
    if unknown:
        raise TwimlError(f"<{element.tag}> has unknown attribute {sorted(unknown)[0]}")
    children = TWIML_CHILDREN.get(element.tag, frozenset())
    for child in element:
        if child.tag not in children:
            raise TwimlError(f"<{child.tag}> cannot be inside <{element.tag}>")
        _check_element(child)
    method = element.get("method")
    if method is not None and method not in {"GET", "POST"}:
        raise TwimlError(f"<{element.tag}> method must be GET or POST")


@dataclass(frozen=True)
class Spoken:
    """One thing the caller heard."""

    text: str
    language: str | None = None


@dataclass
class _Waiting:
    """The verb the call is stopped at, and the verbs after it in the same document."""

    verb: ET.Element
    url: str  # the document's URL, against which relative URLs resolve
    rest: list[ET.Element]


@dataclass(eq=False)
class Call:
    """One call from a phone to the hotline, driven by press(), wait(), record() and hang_up()."""

    sid: str
    from_number: str
    to_number: str
    _state: SimState
    _poster: Poster
    transcript: list[Spoken] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # every TwiML answer, in order
    errors: list[str] = field(default_factory=list)
    status: str = "in-progress"
    _waiting: _Waiting | None = None
    _buffer: str = ""
    _hops: int = 0
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- what the phone does ----------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.status != "in-progress"

    @property
    def waiting_for(self) -> str | None:
        """ "Gather", "Record", or None once the call has ended."""
        with self._lock:
            return self._waiting.verb.tag if self._waiting else None

    def said(self) -> str:
        """Everything heard so far, as one text."""
        return " ".join(s.text for s in self.transcript)

    def press(self, keys: str) -> None:
        """Press keys on the keypad, as Twilio's <Gather> collects them."""
        with self._lock:
            waiting = self._require()
            if waiting.verb.tag == "Record":
                # A key that ends a recording before anything was said: nothing was recorded,
                # so Twilio skips the action and goes on (record() leaves a message).
                if any(key in waiting.verb.get("finishOnKey", "1234567890*#") for key in keys):
                    self._continue()
                return
            finish = waiting.verb.get("finishOnKey", "#")
            limit = int(waiting.verb.get("numDigits", "0") or 0)
            for key in keys:
                if key not in "0123456789*#":
                    raise ValueError(f"{key!r} is not a key on a phone")
                if finish and key in finish:
                    return self._gathered(self._take_buffer())
                self._buffer += key
                if limit and len(self._buffer) >= limit:
                    return self._gathered(self._take_buffer())
            # Not finished: Twilio waits for more keys, or for the timeout (wait()).

    def wait(self) -> None:
        """Press nothing until Twilio's timeout: digits typed so far are sent, else silence."""
        with self._lock:
            waiting = self._require()
            if waiting.verb.tag == "Gather":
                digits = self._take_buffer()
                on_empty = waiting.verb.get("actionOnEmptyResult", "false").lower() == "true"
                if digits or on_empty:
                    return self._gathered(digits)
            # A silent <Record> or an unanswered <Gather>: Twilio goes on to the next verb.
            self._continue()

    def record(self, url: str | None = None, duration: int = 7) -> str:
        """Leave a message at the <Record>; returns the RecordingUrl posted to its action."""
        with self._lock:
            waiting = self._require()
            if waiting.verb.tag != "Record":
                raise RuntimeError(f"the call is waiting at <{waiting.verb.tag}>, not <Record>")
            recording_sid = new_sid("RE")
            recording_url = url or (
                f"https://api.twilio.com/{API_VERSION}/Accounts/"
                f"{self._state.account_sid}/Recordings/{recording_sid}"
            )
            self._waiting = None
            self._post(
                self._action(waiting),
                {
                    "RecordingUrl": recording_url,
                    "RecordingDuration": str(duration),
                    "RecordingSid": recording_sid,
                    "Digits": "#",
                },
            )
            return recording_url

    def hang_up(self) -> None:
        """The caller hangs up: Twilio reports the call completed to the status URL."""
        with self._lock:
            if not self.ended:
                self._end("completed")

    # -- running TwiML ----------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            self._post(self._hotline_url(VOICE_WEBHOOK_PATH), {})

    def _require(self) -> _Waiting:
        if self.ended or self._waiting is None:
            raise CallOver(f"call {self.sid} has ended ({self.status})")
        return self._waiting

    def _take_buffer(self) -> str:
        digits, self._buffer = self._buffer, ""
        return digits

    def _action(self, waiting: _Waiting) -> str:
        # Without an action Twilio posts back to the document's own URL.
        return urljoin(waiting.url, waiting.verb.get("action") or waiting.url)

    def _gathered(self, digits: str) -> None:
        waiting = self._require()
        self._waiting = None
        self._post(self._action(waiting), {"Digits": digits} if digits else {})

    def _continue(self) -> None:
        waiting = self._require()
        self._waiting = None
        self._run(waiting.rest, waiting.url)

    def _hotline_url(self, path: str) -> str:
        if not self._state.hotline_url:
            raise RuntimeError("the sim has no hotline_url, so it cannot call the hotline")
        return self._state.hotline_url.rstrip("/") + path

    def _params(self, status: str | None = None) -> dict[str, str]:
        return {
            "CallSid": self.sid,
            "AccountSid": self._state.account_sid,
            "From": self.from_number,
            "To": self.to_number,
            "Caller": self.from_number,
            "Called": self.to_number,
            "CallStatus": status or self.status,
            "Direction": "inbound",
            "ApiVersion": API_VERSION,
        }

    def _send(self, url: str, params: Mapping[str, str]) -> HttpAnswer | None:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "TwilioProxy/1.1",
            SIGNATURE_HEADER: compute_signature(self._state.auth_token, url, params),
        }
        try:
            return self._poster(url, params, headers)
        except WebhookPostError as exc:
            self.errors.append(f"{url}: {exc}")
            return None

    def _post(self, url: str, extra: Mapping[str, str]) -> None:
        """Post to the hotline and run the TwiML it answers."""
        self._hops += 1
        if self._hops > MAX_HOPS:
            self.errors.append(f"more than {MAX_HOPS} webhooks without waiting for the caller")
            return self._fail()
        answer = self._send(url, {**self._params(), **extra})
        if answer is None or not 200 <= answer.status < 300:
            if answer is not None:
                self.errors.append(f"{url}: HTTP {answer.status}")
            return self._fail()
        self.documents.append(answer.text)
        try:
            root = check_twiml(answer.text)
        except TwimlError as exc:
            self.errors.append(f"{url}: {exc}")
            return self._fail()
        self._run(list(root), url)

    def _run(self, verbs: list[ET.Element], url: str) -> None:
        for index, verb in enumerate(verbs):
            if verb.tag in {"Say", "Play", "Pause"}:
                self._speak(verb)
            elif verb.tag == "Gather":
                for child in verb:
                    self._speak(child)
                self._buffer, self._hops = "", 0
                self._waiting = _Waiting(verb, url, verbs[index + 1 :])
                return
            elif verb.tag == "Record":
                self.transcript.append(Spoken("[beep]"))
                self._hops = 0
                self._waiting = _Waiting(verb, url, verbs[index + 1 :])
                return
            elif verb.tag == "Redirect":
                if verb.get("method", "POST") != "POST":
                    self.errors.append("the sim follows only POST redirects")
                    return self._fail()
                return self._post(urljoin(url, (verb.text or "").strip() or url), {})
            elif verb.tag == "Hangup":
                return self._end("completed")
        # Twilio hangs up when a document runs out of verbs.
        self._end("completed")

    def _speak(self, verb: ET.Element) -> None:
        if verb.tag == "Say":
            self.transcript.append(Spoken((verb.text or "").strip(), verb.get("language")))
        elif verb.tag == "Play":
            self.transcript.append(Spoken(f"[plays {(verb.text or '').strip()}]"))

    def _fail(self) -> None:
        self.transcript.append(Spoken(APPLICATION_ERROR, "en-US"))
        self._end("completed")

    def _end(self, status: str) -> None:
        self._waiting = None
        self.status = status
        self._send(self._hotline_url(VOICE_STATUS_PATH), self._params(status))


class Switchboard:
    """The calls the sim has placed, by CallSid, for the page and for tests."""

    def __init__(self, state: SimState, poster: Poster) -> None:
        self.state = state
        self.poster = poster
        self._calls: dict[str, Call] = {}
        self._lock = threading.Lock()

    def call_hotline(self, from_number: str, to_number: str | None = None) -> Call:
        to = to_number or self.state.hotline_number
        if not to:
            raise RuntimeError("no number to call: give to_number or set the hotline number")
        call = Call(new_sid("CA"), from_number, to, self.state, self.poster)
        with self._lock:
            self._calls[call.sid] = call
        call.start()
        return call

    def get(self, sid: str) -> Call | None:
        with self._lock:
            return self._calls.get(sid)

    def calls_from(self, number: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls.values() if c.from_number == number]

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
