"""Webhook events as the app posts them: the JSON envelope, the HMAC signature, the retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import requests

from hotline.simulators.gateway_sim.state import (
    Event,
    GatewayState,
    Webhook,
    WebhookDelivery,
    new_id,
)

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Timestamp"
DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)


def sign(body: bytes, timestamp: str, signing_key: str) -> str:
    """The X-Signature value: lowercase hex HMAC-SHA256 of the raw body and then the timestamp."""
    return hmac.new(signing_key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def device_time(moment: datetime, utc_offset: timedelta | None) -> str:
    """A time as the phone writes it: ISO 8601 in milliseconds, with the phone's own UTC offset."""
    local = moment.astimezone(timezone(utc_offset) if utc_offset is not None else None)
    return local.isoformat(timespec="milliseconds")


class WebhookSender:
    """Posts signed events to the registered webhooks, retrying failures a bounded few times."""

    def __init__(
        self,
        state: GatewayState,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        timeout: float = 10.0,
    ) -> None:
        self.state = state
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        # Set on stop, so a retry waiting out its delay gives up at once.
        self.stopping = threading.Event()

    def emit(self, event: Event, payload: dict[str, object], now: datetime) -> list[str]:
        """Post one event to every webhook registered for it; the event ids, in order."""
        event_ids = []
        for webhook in self.state.webhooks(event):
            event_ids.append(self.post(webhook, payload, now))
        return event_ids

    def post(self, webhook: Webhook, payload: dict[str, object], now: datetime) -> str:
        event_id = new_id()
        envelope = {
            "deviceId": self.state.device_id,
            "event": webhook.event,
            "id": event_id,
            "payload": payload,
            "webhookId": webhook.id,
        }
        # Compact UTF-8, as the app's serializer writes it; the receiver must check raw bytes.
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(body, timestamp, self.state.signing_key),
            TIMESTAMP_HEADER: timestamp,
        }
        attempts, status, error = 0, None, None
        for delay in (0.0, *self.retry_delays):
            if delay and self.stopping.wait(delay):
                break
            attempts += 1
            try:
                with requests.post(
                    webhook.url, data=body, headers=headers, timeout=self.timeout
                ) as response:
                    status, error = response.status_code, None
            except requests.RequestException as exc:
                status, error = None, type(exc).__name__
            if status is not None and 200 <= status < 300:
                break
        if status is None or not 200 <= status < 300:
            log.warning("webhook %s for %s failed after %d tries", webhook.id, event_id, attempts)
        self.state.record_delivery(
            WebhookDelivery(
                event_id, webhook.event, webhook.id, webhook.url, attempts, status, error
            )
        )
        return event_id
