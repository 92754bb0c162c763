"""The project's words for an SMS channel, which every provider adapter speaks both ways.

Out: a send is accepted (`SendResult`) or fails (`ChannelError`, with `opted_out` when the
carrier has unsubscribed the recipient). In: a text someone sent (`InboundText`) and how far
one of ours got (`DeliveryReport`). Provider codes and status words stay inside the adapters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from hotline.models import OutboundStatus


@dataclass(frozen=True)
class SendResult:
    provider_sid: str
    # How far the provider says the message got, in our words.
    reached: OutboundStatus
    # The provider's own word for it: opaque, for the record, never branched on.
    status: str


class ChannelError(Exception):
    """A send that did not go through.

    `permanent` errors (a bad or opted-out number) must never be retried; the others (network,
    5xx, rate limits) are retried with growing intervals. `code` is the provider's own code,
    kept for the record only.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        permanent: bool = False,
        unreachable: bool = False,
        opted_out: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent
        # The channel itself looks down (connection refused, timeout, 5xx): counts toward
        # opening its circuit breaker, and the next channel in the chain is tried.
        self.unreachable = unreachable
        # The carrier has unsubscribed the recipient: nothing else may be attempted.
        self.opted_out = opted_out


class MalformedWebhook(ValueError):
    """A correctly signed webhook that lacks what we need to keep it: answered with a 400."""


@dataclass(frozen=True)
class InboundText:
    """A text as it arrived, before normalisation: the inbox cleans and stores whatever it is."""

    provider: str
    provider_sid: str
    from_number: str
    to_number: str
    body: str
    # The carrier's own opt-out handling already acted on this text (a STOP, START or HELP).
    opt_out_type: str | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """A provider's word on one of our messages, found by our id when it came back with one."""

    outbound_id: int | None
    provider_sid: str
    # None when the provider's word means nothing to us: the row is found but stays put.
    status: OutboundStatus | None
    # The provider's own code, for the record only.
    error_code: int | None = None
    opted_out: bool = False


class SmsChannel(Protocol):
    name: str

    def sender(self, hotline_number: str) -> str:
        """The number recipients see (a gateway phone sends from its own SIM)."""
        ...

    def send(self, *, to: str, from_: str, body: str, status_callback: str | None) -> SendResult:
        """Hand one SMS to the provider; raise ChannelError when it was not accepted."""
        ...
