"""GatewaySim: the gateway running on a loopback port, carrying texts in the background."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from hotline.runtime.clock import Clock, SystemClock
from hotline.simulators.gateway_sim.app import Hooks, create_gateway_app
from hotline.simulators.gateway_sim.state import (
    HOTLINE_EVENTS,
    Event,
    GatewayMessage,
    GatewayState,
    Webhook,
    WebhookDelivery,
    new_id,
)
from hotline.simulators.gateway_sim.webhooks import DEFAULT_RETRY_DELAYS, WebhookSender, device_time
from hotline.simulators.loopback import Later, Listener, LoopbackServer
from hotline.simulators.twilio_sim.server import SimServer
from hotline.sms.segments import segment_count

log = logging.getLogger(__name__)

SIM_NUMBER = 1
# The reason the app reports when the recipient's phone never confirms delivery.
UNDELIVERABLE_REASON = "RESULT_ERROR_GENERIC_FAILURE"


class GatewaySim(LoopbackServer):
    """An Android phone running SMS Gateway for Android as a local server, for tests and demos."""

    def __init__(
        self,
        username: str,
        password: str,
        signing_key: str,
        number: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        phones: SimServer | None = None,
        clock: Clock | None = None,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        step_seconds: float = 0.0,
        utc_offset: timedelta | None = None,
    ) -> None:
        self.state = GatewayState(username, password, signing_key, number)
        self.number = number
        self.phones = phones
        self.clock: Clock = clock or SystemClock()
        # How long each step (Pending -> Sent -> Delivered) takes; 0 in tests, a little in demos.
        self.step_seconds = step_seconds
        # The phone's own zone for the times in its payloads; None means this machine's zone.
        self.utc_offset = utc_offset
        self.webhooks = WebhookSender(self.state, retry_delays)
        if webhook_url is not None:
            for event in HOTLINE_EVENTS:
                self.state.add_webhook(webhook_url, event)
        app = create_gateway_app(
            self.state,
            Hooks(
                now=self.clock.now,
                accepted=self._accepted,
                go_offline=self._go_offline_for,
                go_online=self.go_online,
            ),
        )
        self._listener = Listener(app, host, port, name="gateway-sim")
        self._lifecycle = threading.RLock()
        self._executor: ThreadPoolExecutor | None = None
        self._back_online = Later(self._lifecycle)
        self._errors: list[BaseException] = []
        self._listening = threading.Event()

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._executor is not None

    def start(self) -> GatewaySim:
        with self._lifecycle:
            if self._executor is None:
                self.webhooks.stopping.clear()
                self._listen()
                self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gateway-sim")
            return self

    def stop(self) -> None:
        """Stop listening; texts still on their way are dropped, webhooks stop retrying."""
        with self._lifecycle:
            self._back_online.cancel()
            self._stop_listening()
            executor, self._executor = self._executor, None
        self.webhooks.stopping.set()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # -- faults -----------------------------------------------------------------------------

    @property
    def online(self) -> bool:
        return self._listener.listening

    def go_offline(self) -> None:
        """Stop listening, as when the phone drops off the LAN: connections are refused."""
        with self._lifecycle:
            self._require_started()
            self._back_online.cancel()
            self._stop_listening()

    def go_online(self) -> None:
        """Listen again, on the same port."""
        with self._lifecycle:
            self._require_started()
            self._back_online.cancel()
            self._listen()

    def wait_online(self, timeout: float = 10) -> None:
        """Block until the sim listens again, as after an outage asked for over HTTP."""
        if not self._listening.wait(timeout):
            raise TimeoutError(f"the gateway sim was still offline after {timeout} s")

    def _listen(self) -> None:
        self._listener.open()
        self._listening.set()

    def _stop_listening(self, spare: socket.socket | None = None) -> None:
        self._listening.clear()
        self._listener.close(spare)

    def _go_offline_for(self, seconds: float, asking: socket.socket | None) -> None:
        with self._lifecycle:
            self._stop_listening(spare=asking)
            self._back_online.run_in(seconds, self._end_timed_outage)

    def _end_timed_outage(self) -> None:
        if self.running:
            self._listen()

    def _require_started(self) -> None:
        if self._executor is None:
            raise RuntimeError("start the gateway sim first")

    def fail_sends(self, count: int) -> None:
        """Answer the next count sends with HTTP 500 (0 lifts it)."""
        self.state.fail_sends(count)

    def set_undeliverable(self, number: str, undeliverable: bool = True) -> None:
        """Make texts to this number end Failed, with an sms:failed event."""
        self.state.set_undeliverable(number, undeliverable)

    def reset(self) -> None:
        """Forget messages, deliveries and faults, and listen again; webhooks stay registered."""
        self.state.reset()
        if self._executor is not None:
            self.go_online()

    # -- records ----------------------------------------------------------------------------

    @property
    def device_id(self) -> str:
        return self.state.device_id

    @property
    def messages(self) -> list[GatewayMessage]:
        return self.state.messages()

    def messages_to(self, number: str) -> list[GatewayMessage]:
        return [m for m in self.state.messages() if number in m.phone_numbers]

    def get_message(self, message_id: str) -> GatewayMessage | None:
        return self.state.get(message_id)

    @property
    def registered_webhooks(self) -> list[Webhook]:
        return self.state.webhooks()

    def add_webhook(self, url: str, event: Event) -> Webhook:
        return self.state.add_webhook(url, event)

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every webhook event posted so far, with the receiver's last answer."""
        return self.state.deliveries()

    def delivery(self, event_id: str) -> WebhookDelivery | None:
        return next((d for d in self.state.deliveries() if d.event_id == event_id), None)

    def wait_for_webhooks(self, timeout: float = 10) -> None:
        """Block until every text under way has ended and every webhook started has been posted.

        Raises TimeoutError if that takes longer than timeout, and re-raises the first error
        a background job met, so a broken sim fails the test that used it.
        """
        self.state.wait_until_idle(timeout)
        if self._errors:
            raise RuntimeError("a gateway sim job failed") from self._errors[0]

    # -- the phone network ------------------------------------------------------------------

    def receive_sms(self, from_number: str, body: str, *, copies: int = 1) -> str:
        """A phone texts the gateway's SIM: post sms:received and return its event id.

        Returns once the hotline has answered (or every retry is spent); see delivery().
        `copies` re-delivers the same text as new events, as the app does after a restart or
        a lost answer; the first event's id is returned.
        """
        if not self.state.webhooks("sms:received"):
            raise RuntimeError("no sms:received webhook is registered")
        now = self.clock.now()
        payload: dict[str, object] = {
            "messageId": new_id(),
            "message": body,
            "phoneNumber": from_number,
            "simNumber": SIM_NUMBER,
            "receivedAt": device_time(now, self.utc_offset),
        }
        self.state.work_started()
        try:
            events = [self.webhooks.emit("sms:received", payload, now)[0] for _ in range(copies)]
            return events[0]
        finally:
            self.state.work_finished()

    def _accepted(self, message: GatewayMessage) -> None:
        with self._lifecycle:
            executor = self._executor
            if executor is None:
                raise RuntimeError("the gateway sim is stopped")
            self.state.work_started()
            future = executor.submit(self._carry, message)
        future.add_done_callback(self._job_done)

    def _job_done(self, future: Future[None]) -> None:
        # Runs for cancelled jobs too, so the count of work under way always comes back down.
        if not future.cancelled() and (error := future.exception()) is not None:
            log.error("gateway sim job failed", exc_info=error)
            self._errors.append(error)
        self.state.work_finished()

    def _carry(self, message: GatewayMessage) -> None:
        for number in message.phone_numbers:
            if self.webhooks.stopping.wait(self.step_seconds):
                return
            self._sent(message, number)
            if self.webhooks.stopping.wait(self.step_seconds):
                return
            if self.state.is_undeliverable(number):
                self._failed(message, number)
            else:
                self._delivered(message, number)

    def _sent(self, message: GatewayMessage, number: str) -> None:
        now = self.clock.now()
        self.state.set_recipient_state(message.id, number, "Sent", now)
        payload = self._payload(message, number)
        payload["partsCount"] = segment_count(message.body)
        payload["sentAt"] = device_time(now, self.utc_offset)
        self.webhooks.emit("sms:sent", payload, now)

    def _delivered(self, message: GatewayMessage, number: str) -> None:
        now = self.clock.now()
        self.state.set_recipient_state(message.id, number, "Delivered", now)
        if self.phones is not None:
            # Before the webhook, so once the hotline hears "delivered" the phone shows it.
            self.phones.deliver_from_gateway(self.number, number, message.body)
        payload = self._payload(message, number)
        payload["deliveredAt"] = device_time(now, self.utc_offset)
        self.webhooks.emit("sms:delivered", payload, now)

    def _failed(self, message: GatewayMessage, number: str) -> None:
        now = self.clock.now()
        self.state.set_recipient_state(message.id, number, "Failed", now)
        payload = self._payload(message, number)
        payload["failedAt"] = device_time(now, self.utc_offset)
        payload["reason"] = UNDELIVERABLE_REASON
        self.webhooks.emit("sms:failed", payload, now)

    @staticmethod
    def _payload(message: GatewayMessage, number: str) -> dict[str, object]:
        return {"messageId": message.id, "phoneNumber": number, "simNumber": SIM_NUMBER}

    def __repr__(self) -> str:
        where = self.url if self._executor is not None else "stopped"
        return f"<GatewaySim {where}>"
