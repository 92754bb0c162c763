"""Sending SMS through Twilio's Programmable Messaging API; its refusals become ChannelErrors."""

from __future__ import annotations

from typing import Any

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from hotline.channels import ChannelError, SendResult
from hotline.channels.twilio.statuses import OPTED_OUT, PERMANENT_ERRORS, our_status
from hotline.models import OutboundStatus


class TwilioChannel:
    """The Programmable Messaging API as an SmsChannel."""

    name = "twilio"

    def __init__(self, client: Client) -> None:
        self.client = client

    def sender(self, hotline_number: str) -> str:
        return hotline_number

    def send(self, *, to: str, from_: str, body: str, status_callback: str | None) -> SendResult:
        params: dict[str, Any] = {"to": to, "from_": from_, "body": body}
        if status_callback:
            params["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**params)
        except TwilioRestException as exc:
            code = int(exc.code) if exc.code else None
            permanent = code in PERMANENT_ERRORS or (400 <= exc.status < 500 and exc.status != 429)
            raise ChannelError(
                f"Twilio refused the message ({exc.status}, code {code})",
                code=code,
                permanent=permanent,
                unreachable=exc.status >= 500,
                opted_out=code == OPTED_OUT,
            ) from exc
        except requests.RequestException as exc:
            raise ChannelError(
                f"Twilio could not be reached: {type(exc).__name__}", unreachable=True
            ) from exc
        status = str(message.status)
        # Twilio took it; a word we do not know still means it is on its way.
        reached = our_status(status) or OutboundStatus.SENT
        return SendResult(provider_sid=str(message.sid), reached=reached, status=status)
