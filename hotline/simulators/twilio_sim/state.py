"""The sim's thread-safe in-memory record: messages, opt-outs, landlines, faults. No I/O here."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal, get_args

from hotline.sms.segments import segment_count

API_VERSION = "2010-04-01"

# "gateway": a text the hotline sent through the local SMS gateway, shown on the phones page.
# "carrier": Twilio's own reply to an opt-out or opt-in word; the hotline never sent it.
Direction = Literal["outbound-api", "inbound", "inline-reply", "gateway", "carrier"]
FaultMode = Literal["error_500", "error_503", "slow", "refuse"]
OptOutType = Literal["STOP", "START", "HELP"]

FAULT_MODES: frozenset[str] = frozenset(get_args(FaultMode))

# Twilio's default opt-out keywords (Messaging Services "Default Opt-Out handling").
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# What Twilio itself texts back to an opt-out or opt-in word (its default confirmations).
CARRIER_CONFIRMATIONS: dict[str, str] = {
    "STOP": (
        "You have successfully been unsubscribed. You will not receive any more messages"
        " from this number. Reply START to resubscribe."
    ),
    "START": (
        "You have successfully been re-subscribed to messages from this number."
        " Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
    ),
}

# Twilio accepts only E.164 for To; the sim is as strict so the hotline cannot rely on leniency.
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_KEYWORD_TRIM = " \t\r\n.,!?;:'\"()[]{}-_*"


def new_sid(prefix: str = "SM") -> str:
    """A Twilio-shaped sid: two letters and 32 lowercase hex digits."""
    return prefix + secrets.token_hex(16)


def is_e164(number: str) -> bool:
    """Whether a string is an E.164 phone number, as Twilio demands for To."""
    return _E164.fullmatch(number) is not None


def keyword_type(body: str) -> OptOutType | None:
    """Which of Twilio's default opt-out, opt-in or help keywords a whole message body is."""
    word = body.strip(_KEYWORD_TRIM).upper()
    if word in OPT_OUT_WORDS:
        return "STOP"
    if word in OPT_IN_WORDS:
        return "START"
    if word in HELP_WORDS:
        return "HELP"
    return None


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PhonePreset:
    """A phone shown on the simulator page from the start."""

    label: str
    number: str


DEFAULT_PRESETS: tuple[PhonePreset, ...] = (
    PhonePreset("Neighbour", "+12025550101"),
    PhonePreset("Volunteer Ana", "+12025550102"),
    PhonePreset("Dispatcher", "+12025550103"),
)


@dataclass
class SimMessage:
    """One SMS the sim carried, in either direction."""

    sid: str
    from_number: str
    to_number: str
    body: str
    status: str
    direction: Direction
    status_callback: str | None
    created_at: datetime
    updated_at: datetime
    account_sid: str
    messaging_service_sid: str | None = None
    error_code: int | None = None
    num_segments: int = 1

    @property
    def delivered_to_phone(self) -> bool:
        """Whether the recipient's phone shows this message (failed sends never arrive)."""
        return self.status not in {"failed", "undelivered"}


@dataclass(frozen=True)
class CallbackAttempt:
    """One status callback the sim posted, and what the receiver answered."""

    message_sid: str
    status: str
    url: str
    http_status: int | None
    error: str | None = None


class ApiError(Exception):
    """A Twilio REST API error, carried to the HTTP layer as Twilio's JSON error body."""

    def __init__(self, http_status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.http_status,
        }


FAULT_ERRORS: dict[str, ApiError] = {
    "error_500": ApiError(500, 20500, "Internal Server Error"),
    "error_503": ApiError(503, 20503, "Service Unavailable"),
}


@dataclass
class _Fault:
    mode: FaultMode | None = None
    remaining: int | None = None


@dataclass(eq=False)
class SimState:
    """Everything the sim knows; every method takes the one lock, so any thread may call it."""

    account_sid: str
    auth_token: str
    hotline_url: str | None = None
    hotline_number: str | None = None
    messaging_service_sid: str | None = None
    sms_webhook_path: str = "/twilio/sms"
    presets: Sequence[PhonePreset] = DEFAULT_PRESETS
    callbacks_enabled: bool = True
    slow_seconds: float = 2.0
    landlines: set[str] = field(default_factory=set)
    undeliverable: set[str] = field(default_factory=set)
    _initial_landlines: frozenset[str] = field(init=False, repr=False)
    _messages: list[SimMessage] = field(init=False, default_factory=list, repr=False)
    _by_sid: dict[str, SimMessage] = field(init=False, default_factory=dict, repr=False)
    # Pairs (phone number, hotline number) the phone has opted out of, as Twilio keeps them.
    _opted_out: set[tuple[str, str]] = field(init=False, default_factory=set, repr=False)
    _fault: _Fault = field(init=False, default_factory=_Fault, repr=False)
    _callback_log: list[CallbackAttempt] = field(init=False, default_factory=list, repr=False)
    _pending_callbacks: int = field(default=0, init=False, repr=False)
    _lock: threading.Condition = field(init=False, default_factory=threading.Condition, repr=False)

    def __post_init__(self) -> None:
        self._initial_landlines = frozenset(self.landlines)

    # -- webhook address ------------------------------------------------------------------

    @property
    def sms_webhook_url(self) -> str:
        """The exact URL inbound texts are posted to and signed against."""
        if not self.hotline_url:
            raise RuntimeError("the sim has no hotline_url, so it cannot text the hotline")
        return self.hotline_url.rstrip("/") + self.sms_webhook_path

    # -- messages ---------------------------------------------------------------------------

    def create_outbound(
        self,
        *,
        to_number: str | None,
        from_number: str | None,
        body: str | None,
        status_callback: str | None,
        messaging_service_sid: str | None,
    ) -> SimMessage:
        """Accept a REST API send, or raise the ApiError Twilio would answer with."""
        if not to_number:
            raise ApiError(400, 21604, "A 'To' phone number is required.")
        if not is_e164(to_number):
            raise ApiError(400, 21211, f"Invalid 'To' Phone Number: {to_number}")
        if not from_number:
            if not messaging_service_sid:
                raise ApiError(400, 21603, "A 'From' phone number is required.")
            if not self.hotline_number:
                raise ApiError(400, 21704, "The Messaging Service contains no phone numbers")
            # A Messaging Service picks a sender from its pool; the sim's pool is one number.
            from_number = self.hotline_number
        if body is None or body == "":
            raise ApiError(400, 21602, "Message body is required.")
        if len(body) > 1600:
            raise ApiError(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        with self._lock:
            if to_number in self.landlines:
                raise ApiError(400, 21614, f"'To' number {to_number} is not a valid mobile number")
            if (to_number, from_number) in self._opted_out:
                raise ApiError(400, 21610, "Attempt to send to unsubscribed recipient")
            message = self._add(
                from_number=from_number,
                to_number=to_number,
                body=body,
                status="queued",
                direction="outbound-api",
                status_callback=status_callback,
                messaging_service_sid=messaging_service_sid,
            )
            return replace(message)

    def record_inbound(
        self, *, sid: str, from_number: str, to_number: str, body: str, opt_out: OptOutType | None
    ) -> SimMessage:
        """Record a text a phone sent to the hotline, apply its opt-out keyword if any, and
        send Twilio's own confirmation of a STOP or START back to the phone."""
        with self._lock:
            if opt_out == "STOP":
                self._opted_out.add((from_number, to_number))
            elif opt_out == "START":
                self._opted_out.discard((from_number, to_number))
            message = self._add(
                sid=sid,
                from_number=from_number,
                to_number=to_number,
                body=body,
                status="received",
                direction="inbound",
                status_callback=None,
                messaging_service_sid=self.messaging_service_sid,
            )
            if opt_out in CARRIER_CONFIRMATIONS:
                self._add(
                    from_number=to_number,
                    to_number=from_number,
                    body=CARRIER_CONFIRMATIONS[opt_out],
                    status="delivered",
                    direction="carrier",
                    status_callback=None,
                    messaging_service_sid=self.messaging_service_sid,
                )
            return replace(message)

    def record_inline_reply(self, *, from_number: str, to_number: str, body: str) -> SimMessage:
        """Record a TwiML <Message> reply; Twilio refuses it to a phone that has opted out."""
        with self._lock:
            blocked = (to_number, from_number) in self._opted_out
            undeliverable = to_number in self.undeliverable
            message = self._add(
                from_number=from_number,
                to_number=to_number,
                body=body,
                status="failed" if blocked else "undelivered" if undeliverable else "delivered",
                direction="inline-reply",
                status_callback=None,
                messaging_service_sid=None,
                error_code=21610 if blocked else 30003 if undeliverable else None,
            )
            return replace(message)

    def record_gateway_delivery(self, *, from_number: str, to_number: str, body: str) -> SimMessage:
        """Record a text a phone got from the local SMS gateway, which Twilio never carried."""
        with self._lock:
            message = self._add(
                from_number=from_number,
                to_number=to_number,
                body=body,
                status="delivered",
                direction="gateway",
                status_callback=None,
                messaging_service_sid=None,
            )
            return replace(message)

    def _add(
        self,
        *,
        from_number: str,
        to_number: str,
        body: str,
        status: str,
        direction: Direction,
        status_callback: str | None,
        messaging_service_sid: str | None,
        sid: str | None = None,
        error_code: int | None = None,
    ) -> SimMessage:
        now = utc_now()
        message = SimMessage(
            sid=sid or new_sid(),
            from_number=from_number,
            to_number=to_number,
            body=body,
            status=status,
            direction=direction,
            status_callback=status_callback,
            created_at=now,
            updated_at=now,
            account_sid=self.account_sid,
            messaging_service_sid=messaging_service_sid,
            error_code=error_code,
            num_segments=segment_count(body),
        )
        self._messages.append(message)
        self._by_sid[message.sid] = message
        return message

    def set_status(self, sid: str, status: str, error_code: int | None = None) -> None:
        with self._lock:
            message = self._by_sid.get(sid)
            if message is None:  # forgotten by a reset while its callbacks were in flight
                return
            message.status = status
            message.error_code = error_code
            message.updated_at = utc_now()

    def get(self, sid: str) -> SimMessage | None:
        """A copy of one message, so callers never see it change under them."""
        with self._lock:
            message = self._by_sid.get(sid)
            return None if message is None else replace(message)

    def messages(self) -> list[SimMessage]:
        with self._lock:
            return [replace(m) for m in self._messages]

    def messages_to(self, number: str) -> list[SimMessage]:
        """What the hotline sent a phone; Twilio's own confirmations are in `conversation`."""
        with self._lock:
            return [
                replace(m)
                for m in self._messages
                if m.to_number == number and m.direction != "carrier"
            ]

    def messages_from(self, number: str) -> list[SimMessage]:
        with self._lock:
            return [
                replace(m)
                for m in self._messages
                if m.from_number == number and m.direction != "carrier"
            ]

    def conversation(self, number: str) -> list[SimMessage]:
        """Everything one phone sent and received, oldest first."""
        with self._lock:
            return [replace(m) for m in self._messages if number in {m.from_number, m.to_number}]

    def final_status_for(self, to_number: str) -> tuple[str, int | None]:
        """The status a sent message ends in: delivered, or undelivered with 30003."""
        with self._lock:
            if to_number in self.undeliverable:
                return "undelivered", 30003
            return "delivered", None

    # -- phones -----------------------------------------------------------------------------

    def is_opted_out(self, phone_number: str, hotline_number: str) -> bool:
        with self._lock:
            return (phone_number, hotline_number) in self._opted_out

    def opted_out_numbers(self, phone_number: str) -> list[str]:
        """The numbers this phone has texted STOP to and not yet START."""
        with self._lock:
            return sorted(to for phone, to in self._opted_out if phone == phone_number)

    def add_landlines(self, numbers: Iterable[str]) -> None:
        with self._lock:
            self.landlines.update(numbers)

    def set_undeliverable(self, number: str, undeliverable: bool = True) -> None:
        with self._lock:
            if undeliverable:
                self.undeliverable.add(number)
            else:
                self.undeliverable.discard(number)

    # -- faults -----------------------------------------------------------------------------

    def set_fault(self, mode: str | None, count: int | None = None) -> None:
        if mode is not None and mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._fault = _Fault(mode, count)  # type: ignore[arg-type]  # checked above

    def fault(self) -> FaultMode | None:
        with self._lock:
            return self._fault.mode

    def take_fault(self) -> FaultMode | None:
        """The fault one REST request suffers, using up one of a counted fault's requests."""
        with self._lock:
            fault = self._fault
            if fault.mode is None or fault.mode == "refuse":
                return None
            mode = fault.mode
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._fault = _Fault()
            return mode

    # -- status callbacks -------------------------------------------------------------------

    def callback_started(self) -> None:
        with self._lock:
            self._pending_callbacks += 1

    def callback_finished(self, attempts: Iterable[CallbackAttempt]) -> None:
        with self._lock:
            self._callback_log.extend(attempts)
            self._pending_callbacks -= 1
            self._lock.notify_all()

    def wait_for_callbacks(self, timeout: float = 10) -> None:
        """Block until every status callback started so far has been posted."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._pending_callbacks == 0, timeout):
                raise TimeoutError(
                    f"{self._pending_callbacks} status callback(s) still pending after {timeout} s"
                )

    def callback_log(self) -> list[CallbackAttempt]:
        with self._lock:
            return list(self._callback_log)

    # -- housekeeping -----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget messages, opt-outs, faults, undeliverable phones and the callback log.

        Landlines go back to those given at construction.
        """
        with self._lock:
            self.landlines = set(self._initial_landlines)
            self.undeliverable.clear()
            self._messages.clear()
            self._by_sid.clear()
            self._opted_out.clear()
            self._callback_log.clear()
            self._fault = _Fault()
