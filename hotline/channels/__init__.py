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

    def __init__(self, message: str, *, code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.permanent = permanent


class SmsChannel(Protocol):
    name: str

    def send(self, *, to: str, from_: str, body: str, status_callback: str | None) -> SendResult:
        """Hand one SMS to the provider; raise ChannelError when it was not accepted."""
        ...
