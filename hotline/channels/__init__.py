"""Outbound SMS transports behind one interface; provider errors become the project's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    provider_sid: str
    status: str


class ChannelError(Exception):
    """A send that did not go through.

    `permanent` errors (a bad or opted-out number) must never be retried; the others (network,
    5xx, rate limits) are retried with growing intervals.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        permanent: bool = False,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent
        # The channel itself looks down (connection refused, timeout, 5xx): counts toward
        # opening its circuit breaker, and the next channel in the chain is tried.
        self.unreachable = unreachable


class SmsChannel(Protocol):
    name: str

    def sender(self, hotline_number: str) -> str:
        """The number recipients see (a gateway phone sends from its own SIM)."""
        ...

    def send(self, *, to: str, from_: str, body: str, status_callback: str | None) -> SendResult:
        """Hand one SMS to the provider; raise ChannelError when it was not accepted."""
        ...
