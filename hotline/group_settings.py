"""A group's settings as one typed, frozen object, read once from the stored JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class GroupSettings:
    """What a group may tune (stored in `groups.settings`, JSON); a key left out or a value
    that cannot be read as its type takes the default, so a typo never stops the workers."""

    wave_size: int = 3
    emergency_wave_size: int = 6
    wave_timeout_minutes: float = 10.0
    stale_claim_minutes: float = 180.0
    stale_alert_minutes: float = 60.0
    # Segments per second from one sending number, by its kind (the carriers' defaults: a US
    # long code 1, toll-free 3; a short code's and a Messaging Service's are what Twilio
    # granted, a service's being the sum of its senders'). The burst is what Twilio queues.
    sends_per_second: float = 1.0
    toll_free_per_second: float = 3.0
    short_code_per_second: float = 100.0
    messaging_service_per_second: float = 1.0
    send_burst: float = 5.0
    # Messages per rolling day from one Twilio sender (a carrier's daily cap); 0 is none.
    number_daily_limit: int = 0
    # A gateway phone: stock Android lets one app send 30 SMS per 30 minutes
    # (sms_outgoing_check_max_count / _interval_ms), a phone manages about 20 a minute, and a
    # SIM plan may cap the day (0: no cap).
    gateway_per_minute: float = 20.0
    gateway_window_count: int = 30
    gateway_window_minutes: float = 30.0
    gateway_daily_limit: int = 0
    menu_limit_in_a_row: int = 5
    digest_minutes: float = 60.0
    dashboard_idle_minutes: float = 15.0
    voice_languages: tuple[str, ...] = ("en", "es", "ht", "fr")
    # An IANA zone for weekly availability; empty means the zone of the group's number.
    time_zone: str = ""

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> GroupSettings:
        stored = stored or {}
        values: dict[str, Any] = {}
        for field in fields(cls):
            if field.name not in stored:
                continue
            default = getattr(cls, field.name)
            try:
                if isinstance(default, tuple):
                    values[field.name] = tuple(str(item) for item in stored[field.name])
                else:
                    values[field.name] = type(default)(stored[field.name])
            except (TypeError, ValueError):
                continue
        return cls(**values)

    @property
    def wave_timeout(self) -> timedelta:
        return timedelta(minutes=self.wave_timeout_minutes)

    @property
    def stale_claim(self) -> timedelta:
        return timedelta(minutes=self.stale_claim_minutes)

    @property
    def stale_alert(self) -> timedelta:
        return timedelta(minutes=self.stale_alert_minutes)

    @property
    def dashboard_idle(self) -> timedelta:
        return timedelta(minutes=self.dashboard_idle_minutes)
