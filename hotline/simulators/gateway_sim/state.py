"""The gateway sim's thread-safe in-memory record: messages, webhooks, faults. No I/O here."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal, get_args

Event = Literal["sms:received", "sms:sent", "sms:delivered", "sms:failed"]
MessageState = Literal["Pending", "Sent", "Delivered", "Failed"]

EVENTS: frozenset[str] = frozenset(get_args(Event))
# The events a hotline needs: texts in, and how its own texts ended.
HOTLINE_EVENTS: tuple[Event, ...] = ("sms:received", "sms:delivered", "sms:failed")

# The app's ids are NanoIds: 21 characters from this URL-safe alphabet.
_NANOID_ALPHABET = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PROGRESS: dict[MessageState, int] = {"Pending": 0, "Sent": 1, "Delivered": 2, "Failed": 2}


def new_id() -> str:
    return "".join(secrets.choice(_NANOID_ALPHABET) for _ in range(21))


@dataclass
class Recipient:
    phone_number: str
    state: MessageState = "Pending"

    def to_json(self) -> dict[str, object]:
        return {"phoneNumber": self.phone_number, "state": self.state}


@dataclass
class GatewayMessage:
    """One text the hotline asked the gateway to send.

    Pending -> Sent -> Delivered, or Pending -> Sent -> Failed when the recipient's phone
    cannot take it. The message's state follows its least advanced recipient.
    """

    id: str
    body: str
    recipients: list[Recipient]
    created_at: datetime
    updated_at: datetime

    @property
    def to_number(self) -> str:
        return self.recipients[0].phone_number

    @property
    def phone_numbers(self) -> list[str]:
        return [r.phone_number for r in self.recipients]

    @property
    def state(self) -> MessageState:
        states = [r.state for r in self.recipients]
        if all(_PROGRESS[s] == 2 for s in states):
            return "Failed" if "Failed" in states else "Delivered"
        return min(states, key=_PROGRESS.__getitem__)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "isHashed": False,
            "isEncrypted": False,
            "recipients": [r.to_json() for r in self.recipients],
        }


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    event: Event

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "url": self.url, "event": self.event}


@dataclass(frozen=True)
class WebhookDelivery:
    """One event posted to one webhook: how many tries it took and the last answer."""

    event_id: str
    event: Event
    webhook_id: str
    url: str
    attempts: int
    http_status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


@dataclass(eq=False)
class GatewayState:
    """Everything the gateway knows; every method takes the one lock, so any thread may call it."""

    username: str
    password: str
    signing_key: str
    number: str
    device_id: str = field(default_factory=new_id)
    _messages: dict[str, GatewayMessage] = field(init=False, default_factory=dict, repr=False)
    _webhooks: dict[str, Webhook] = field(init=False, default_factory=dict, repr=False)
    _undeliverable: set[str] = field(init=False, default_factory=set, repr=False)
    _failing_sends: int = field(init=False, default=0, repr=False)
    _deliveries: list[WebhookDelivery] = field(init=False, default_factory=list, repr=False)
    _pending: int = field(init=False, default=0, repr=False)
    _lock: threading.Condition = field(init=False, default_factory=threading.Condition, repr=False)

    # -- messages ---------------------------------------------------------------------------

    def add_message(self, body: str, phone_numbers: list[str], now: datetime) -> GatewayMessage:
        with self._lock:
            message = GatewayMessage(
                id=new_id(),
                body=body,
                recipients=[Recipient(number) for number in phone_numbers],
                created_at=now,
                updated_at=now,
            )
            self._messages[message.id] = message
            return _copy(message)

    def set_recipient_state(
        self, message_id: str, phone_number: str, state: MessageState, now: datetime
    ) -> None:
        with self._lock:
            message = self._messages.get(message_id)
            if message is None:  # forgotten by a reset while it was on its way
                return
            for recipient in message.recipients:
                if recipient.phone_number == phone_number:
                    recipient.state = state
            message.updated_at = now

    def get(self, message_id: str) -> GatewayMessage | None:
        with self._lock:
            message = self._messages.get(message_id)
            return None if message is None else _copy(message)

    def messages(self) -> list[GatewayMessage]:
        with self._lock:
            return [_copy(m) for m in self._messages.values()]

    def is_undeliverable(self, number: str) -> bool:
        with self._lock:
            return number in self._undeliverable

    def set_undeliverable(self, number: str, undeliverable: bool) -> None:
        with self._lock:
            if undeliverable:
                self._undeliverable.add(number)
            else:
                self._undeliverable.discard(number)

    # -- faults -----------------------------------------------------------------------------

    def fail_sends(self, count: int) -> None:
        if count < 0:
            raise ValueError("count must not be negative")
        with self._lock:
            self._failing_sends = count

    def take_send_failure(self) -> bool:
        """Whether this send must fail, using up one of the failures asked for."""
        with self._lock:
            if self._failing_sends <= 0:
                return False
            self._failing_sends -= 1
            return True

    # -- webhooks ---------------------------------------------------------------------------

    def add_webhook(self, url: str, event: Event, webhook_id: str | None = None) -> Webhook:
        """Register a webhook; an id already known replaces that webhook, as the app does."""
        webhook = Webhook(webhook_id or new_id(), url, event)
        with self._lock:
            self._webhooks[webhook.id] = webhook
        return webhook

    def remove_webhook(self, webhook_id: str) -> bool:
        with self._lock:
            return self._webhooks.pop(webhook_id, None) is not None

    def webhooks(self, event: Event | None = None) -> list[Webhook]:
        with self._lock:
            return [w for w in self._webhooks.values() if event is None or w.event == event]

    # -- work under way ---------------------------------------------------------------------

    def work_started(self) -> None:
        with self._lock:
            self._pending += 1

    def work_finished(self) -> None:
        with self._lock:
            self._pending -= 1
            self._lock.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self._lock:
            if not self._lock.wait_for(lambda: self._pending == 0, timeout):
                raise TimeoutError(
                    f"{self._pending} gateway job(s) still under way after {timeout} s"
                )

    def record_delivery(self, delivery: WebhookDelivery) -> None:
        with self._lock:
            self._deliveries.append(delivery)

    def deliveries(self) -> list[WebhookDelivery]:
        with self._lock:
            return list(self._deliveries)

    # -- housekeeping -----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget messages, deliveries, faults and undeliverable numbers; webhooks stay."""
        with self._lock:
            self._messages.clear()
            self._deliveries.clear()
            self._undeliverable.clear()
            self._failing_sends = 0


def _copy(message: GatewayMessage) -> GatewayMessage:
    """A copy callers may keep without seeing it change under them."""
    return replace(message, recipients=[replace(r) for r in message.recipients])
