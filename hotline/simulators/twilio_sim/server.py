"""SimServer: the sim running on a loopback port in a background thread, with its test controls."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from hotline.simulators.loopback import Later, Listener, LoopbackServer
from hotline.simulators.twilio_sim.app import create_sim_app
from hotline.simulators.twilio_sim.carrier import Carrier, InboundResult, Poster
from hotline.simulators.twilio_sim.state import (
    DEFAULT_PRESETS,
    FAULT_MODES,
    CallbackAttempt,
    OptOutType,
    PhonePreset,
    SimMessage,
    SimState,
)
from hotline.simulators.twilio_sim.voice import Call, Switchboard


class SimServer(LoopbackServer):
    """A Twilio-compatible server for the hotline to talk to, and the phones on the other side."""

    def __init__(  # positional order is the documented, published signature
        self,
        account_sid: str,
        auth_token: str,
        hotline_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        presets: Sequence[PhonePreset] = DEFAULT_PRESETS,
        *,
        hotline_number: str | None = None,
        messaging_service_sid: str | None = None,
        landlines: Iterable[str] = (),
        callbacks_enabled: bool = True,
        slow_seconds: float = 2.0,
        poster: Poster | None = None,
    ) -> None:
        self.state = SimState(
            account_sid=account_sid,
            auth_token=auth_token,
            hotline_url=hotline_url,
            hotline_number=hotline_number,
            messaging_service_sid=messaging_service_sid,
            presets=tuple(presets),
            callbacks_enabled=callbacks_enabled,
            slow_seconds=slow_seconds,
            landlines=set(landlines),
        )
        self.carrier = Carrier(self.state, poster)
        self.switchboard = Switchboard(self.state, self.carrier.poster)
        self.app = create_sim_app(
            self.state, self.carrier, refuse=self._refuse_for, switchboard=self.switchboard
        )
        self._listener = Listener(self.app, host, port, name="twilio-sim")
        self._lifecycle = threading.RLock()
        self._restore = Later(self._lifecycle)
        self._started = False

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._started

    def start(self) -> SimServer:
        with self._lifecycle:
            if self._started:
                return self
            self._listener.open()
            self._started = True
            return self

    def stop(self) -> None:
        with self._lifecycle:
            self._restore.cancel()
            self._listener.close()
            self._started = False
        self.carrier.close()

    # -- faults -----------------------------------------------------------------------------

    @property
    def slow_seconds(self) -> float:
        return self.state.slow_seconds

    @slow_seconds.setter
    def slow_seconds(self, seconds: float) -> None:
        self.state.slow_seconds = seconds

    def set_fault(self, mode: str | None, count: int | None = None) -> None:
        """Make the REST API fail: error_500, error_503, slow, refuse; None puts it right.

        count limits how many REST requests the fault applies to. A refused connection
        never reaches the sim, so "refuse" cannot be counted and lasts until set_fault(None).
        """
        if mode is not None and mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        if mode == "refuse" and count is not None:
            raise ValueError("refuse cannot be counted; lift it with set_fault(None)")
        self._apply_fault(mode, count, spare=None)

    def _apply_fault(
        self, mode: str | None, count: int | None, spare: socket.socket | None
    ) -> None:
        with self._lifecycle:
            if not self._started:
                raise RuntimeError("start the sim before setting faults")
            self._restore.cancel()
            was_refusing = self.state.fault() == "refuse"
            self.state.set_fault(mode, count)
            if mode == "refuse" and not was_refusing:
                self._listener.close(spare)
            elif mode != "refuse" and was_refusing:
                self._listener.open()

    def _refuse_for(self, seconds: float, asking: socket.socket | None) -> None:
        """Refuse connections for a while; for other processes, who cannot lift it themselves.

        The asking connection is spared so that its answer still goes out.
        """
        with self._lifecycle:
            self._apply_fault("refuse", None, spare=asking)
            self._restore.run_in(seconds, self._end_timed_refusal)

    def _end_timed_refusal(self) -> None:
        if self._started:
            self.set_fault(None)

    # -- configuration that tests change ----------------------------------------------------

    @property
    def hotline_url(self) -> str | None:
        return self.state.hotline_url

    @hotline_url.setter
    def hotline_url(self, url: str | None) -> None:
        self.state.hotline_url = url

    @property
    def hotline_number(self) -> str | None:
        return self.state.hotline_number

    @hotline_number.setter
    def hotline_number(self, number: str | None) -> None:
        self.state.hotline_number = number

    @property
    def callbacks_enabled(self) -> bool:
        return self.state.callbacks_enabled

    @callbacks_enabled.setter
    def callbacks_enabled(self, enabled: bool) -> None:
        self.state.callbacks_enabled = enabled

    def add_landline(self, *numbers: str) -> None:
        """Make sends to these numbers fail with 21614, as landlines cannot take SMS."""
        self.state.add_landlines(numbers)

    def set_undeliverable(self, number: str, undeliverable: bool = True) -> None:
        """Make messages to this phone end undelivered with error 30003."""
        self.state.set_undeliverable(number, undeliverable)

    def is_opted_out(self, phone_number: str, hotline_number: str) -> bool:
        return self.state.is_opted_out(phone_number, hotline_number)

    # -- phones -----------------------------------------------------------------------------

    def text_hotline(
        self,
        from_number: str,
        to_number: str,
        body: str,
        *,
        opt_out_type: OptOutType | None = None,
        bad_signature: bool = False,
    ) -> InboundResult:
        """Text the hotline from a phone; opt_out_type forces a keyword type for custom words."""
        return self.carrier.text_hotline(
            from_number, to_number, body, opt_out_type=opt_out_type, bad_signature=bad_signature
        )

    def call_hotline(self, from_number: str, to_number: str | None = None) -> Call:
        """Call the hotline from a phone; the Call answers press(), wait(), record(), hang_up()."""
        return self.switchboard.call_hotline(from_number, to_number)

    def repost(self, result: InboundResult) -> InboundResult:
        """Deliver the same inbound webhook again (same MessageSid), as Twilio's retry does."""
        return self.carrier.repost(result)

    def deliver_from_gateway(self, from_number: str, to_number: str, body: str) -> SimMessage:
        """Show a text the local SMS gateway delivered as received by the phone to_number."""
        return self.state.record_gateway_delivery(
            from_number=from_number, to_number=to_number, body=body
        )

    @property
    def messages(self) -> list[SimMessage]:
        return self.state.messages()

    def messages_to(self, number: str) -> list[SimMessage]:
        return self.state.messages_to(number)

    def messages_from(self, number: str) -> list[SimMessage]:
        return self.state.messages_from(number)

    def conversation(self, number: str) -> list[SimMessage]:
        return self.state.conversation(number)

    def get_message(self, sid: str) -> SimMessage | None:
        return self.state.get(sid)

    @property
    def callback_log(self) -> list[CallbackAttempt]:
        return self.state.callback_log()

    def wait_for_callbacks(self, timeout: float = 10) -> None:
        """Block until every status callback started so far is posted; TimeoutError if not."""
        self.state.wait_for_callbacks(timeout)

    def reset(self) -> None:
        """Forget messages, opt-outs and undeliverable phones, and lift any fault."""
        if self._started:
            self.set_fault(None)  # reopens the port if it was refusing
        self.state.reset()
        self.switchboard.reset()

    def __repr__(self) -> str:
        where: Any = self.url if self._started else "stopped"
        return f"<SimServer {where}>"
