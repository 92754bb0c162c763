"""Sending SMS through the gateway phone's local HTTP API; its refusals become ChannelErrors.

`POST /message` with Basic auth and `{"textMessage": {"text": ...}, "phoneNumbers": [...]}`;
it answers with the message id and state.
"""

from __future__ import annotations

from typing import Any

import requests

from hotline.channels import ChannelError, SendResult
from hotline.models import OutboundStatus

# The app's message states; the phone may still be working through a "Pending" one.
_STATE = {
    "pending": OutboundStatus.SENDING,
    "processed": OutboundStatus.SENDING,
    "sent": OutboundStatus.SENT,
    "delivered": OutboundStatus.DELIVERED,
    "failed": OutboundStatus.FAILED,
}


class GatewayChannel:
    name = "gateway"

    def __init__(
        self, base_url: str, username: str, password: str, number: str, timeout: float = 10.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.number = number
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (username, password)

    def sender(self, hotline_number: str) -> str:
        return self.number

    def send(self, *, to: str, from_: str, body: str, status_callback: str | None) -> SendResult:
        payload: dict[str, Any] = {
            "textMessage": {"text": body},
            "phoneNumbers": [to],
            "withDeliveryReport": True,
        }
        try:
            response = self.session.post(
                f"{self.base_url}/message", json=payload, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise ChannelError(
                f"the SMS gateway could not be reached: {type(exc).__name__}", unreachable=True
            ) from exc
        if response.status_code >= 500:
            raise ChannelError(f"the SMS gateway failed ({response.status_code})", unreachable=True)
        if response.status_code in (401, 403):
            # A configuration mistake, not the message's fault: keep it waiting.
            raise ChannelError("the SMS gateway refused our credentials", unreachable=True)
        if response.status_code >= 400:
            raise ChannelError(
                f"the SMS gateway rejected the message ({response.status_code})", permanent=True
            )
        data = response.json()
        state = str(data.get("state", "Pending"))
        # The phone took it; a state we do not know still means it is on its way.
        reached = _STATE.get(state.lower(), OutboundStatus.SENT)
        return SendResult(provider_sid=str(data["id"]), reached=reached, status=state)
