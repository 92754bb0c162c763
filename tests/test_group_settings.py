"""A group's stored settings read as one typed object: defaults, casts, and bad values."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hotline.group_settings import GroupSettings


@pytest.mark.parametrize(
    ("stored", "field", "value"),
    [
        ({}, "wave_size", 3),
        (None, "sends_per_second", 1.0),
        ({"wave_size": 2}, "wave_size", 2),
        ({"wave_size": "4"}, "wave_size", 4),  # typed in a form or by hand
        ({"wave_size": "lots"}, "wave_size", 3),  # unreadable: the default, never a crash
        ({"sends_per_second": 20}, "sends_per_second", 20.0),
        ({"send_burst": 1000}, "send_burst", 1000.0),
        ({"voice_languages": ["es", "en"]}, "voice_languages", ("es", "en")),
        ({"voice_languages": 7}, "voice_languages", ("en", "es", "ht", "fr")),
        ({"no_such_setting": 1}, "menu_limit_in_a_row", 5),
    ],
)
def test_settings_read_with_defaults(stored: dict[str, object], field: str, value: object) -> None:
    assert getattr(GroupSettings.from_json(stored), field) == value


def test_durations_are_timedeltas() -> None:
    config = GroupSettings.from_json({"wave_timeout_minutes": 2.5, "stale_claim_minutes": 60})
    assert config.wave_timeout == timedelta(minutes=2.5)
    assert config.stale_claim == timedelta(hours=1)
    assert config.stale_alert == timedelta(hours=1)
    assert config.dashboard_idle == timedelta(minutes=15)
