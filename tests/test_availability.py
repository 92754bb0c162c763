"""Weekly availability in four languages, overrides, and when a volunteer is on call."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.availability import (
    MAX_TEXT,
    AvailabilityError,
    Override,
    Weekly,
    Window,
    format_weekly,
    group_zone,
    next_on_call,
    on_call_at,
    parse_override,
    parse_weekly,
)

BOSTON = "America/New_York"
EVENINGS = "mon-fri 18-22"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("mon-fri 18-22", "mon-fri 18-22"),
        ("Mon-Fri 6pm-10pm", "mon-fri 18-22"),
        ("weekdays 6-10pm", "mon-fri 18-22"),
        ("weekends", "weekends"),
        ("daily 8-12", "daily 8-12"),
        ("every day 8am to noon", "daily 8-12"),
        ("mon, wed, fri 9:30-17", "mon,wed,fri 9:30-17"),
        ("mon 9-12, 14-18; sat 10-14", "mon 9-12,14-18; sat 10-14"),
        ("mon-fri 18-22 sat 9-12", "mon-fri 18-22; sat 9-12"),
        ("fri 22-2", "fri 22-24; sat 0-2"),
        ("fri-mon", "mon,fri-sun"),
        ("18-22", "daily 18-22"),
        ("never", "never"),
        # es
        ("lun-vie 18-22", "mon-fri 18-22"),
        ("lunes a viernes de 9 a 17", "mon-fri 9-17"),
        ("fines de semana", "weekends"),
        ("sábado y domingo 10-14", "weekends 10-14"),
        ("todos los días 8-12", "daily 8-12"),
        ("mié 19-21", "wed 19-21"),
        ("entre semana", "mon-fri"),
        ("nunca", "never"),
        # fr
        ("lun-ven 18h-22h", "mon-fri 18-22"),
        ("du lundi au vendredi de 18h30 à 22h", "mon-fri 18:30-22"),
        ("week-end", "weekends"),
        ("tous les jours 8h-12h", "daily 8-12"),
        ("mer, sam 14h-16h", "wed,sat 14-16"),
        ("mer et sam", "wed,sat"),
        ("en semaine 9h-17h", "mon-fri 9-17"),
        # ht
        ("lendi-vandredi 18-22", "mon-fri 18-22"),
        ("lendi rive vandredi 18h-22h", "mon-fri 18-22"),
        ("samdi ak dimanch", "weekends"),
        ("chak jou 8-12", "daily 8-12"),
        ("mèkredi 9-11", "wed 9-11"),
        ("wikenn 10-14", "weekends 10-14"),
        ("lasemèn 18h-22h", "mon-fri 18-22"),
        ("janm", "never"),
    ],
)
def test_the_words_groups_use_read_to_one_schedule(text: str, canonical: str) -> None:
    weekly = parse_weekly(text)
    assert format_weekly(weekly) == canonical
    assert parse_weekly(canonical) == weekly


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("whenever", "'whenever' is not a day or an hour"),
        ("mon 18", "needs an end"),
        ("mon 18-18", "no time at all"),
        ("mon 25-26", "is not an hour"),
        ("mon 13pm-14", "is not an hour"),
        ("mon-", "a range needs something on each side"),
        ("never mon", "'never' goes alone"),
        (
            "; ".join(f"{day} {n}:15-{n}:30, 9:45-10, 11:15-12" for n, day in enumerate(DAYS)),
            "too many",
        ),
    ],
)
def test_what_is_not_a_schedule_says_why(text: str, reason: str) -> None:
    with pytest.raises(AvailabilityError, match=reason):
        parse_weekly(text)


def test_a_blank_cell_is_no_schedule() -> None:
    assert parse_weekly("  ") is None and format_weekly(None) == ""


_POINTS = st.lists(
    st.integers(0, 96).map(lambda quarter: quarter * 15), unique=True, max_size=6
).map(sorted)


def _intervals(points: list[int]) -> tuple[tuple[int, int], ...]:
    usable = points[: len(points) // 2 * 2]
    return tuple((usable[i], usable[i + 1]) for i in range(0, len(usable), 2))


@given(st.lists(_POINTS, min_size=7, max_size=7))
def test_any_schedule_reads_back_from_its_text(days: list[list[int]]) -> None:
    weekly = Weekly(tuple(_intervals(points) for points in days))
    text = format_weekly(weekly)
    if len(text) > MAX_TEXT:
        with pytest.raises(AvailabilityError, match="too many"):
            parse_weekly(text)
    else:
        assert parse_weekly(text) == weekly


@given(st.text(max_size=60))
def test_any_text_is_a_schedule_or_a_reason(text: str) -> None:
    try:
        weekly = parse_weekly(text)
    except AvailabilityError as exc:
        assert str(exc)
        return
    assert weekly is None or parse_weekly(format_weekly(weekly)) == weekly


# --- overrides ----------------------------------------------------------------------------

# Thursday 3 December 2026, 9:00 in Boston.
THURSDAY_9AM = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def _boston(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant given as Boston wall-clock time in December 2026 (UTC-5)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC) + timedelta(hours=5)


@pytest.mark.parametrize(
    ("text", "on", "until"),
    [
        ("ON 3h", True, _boston(3, 12)),
        ("on 90 min", True, _boston(3, 10, 30)),
        ("OFF until tue", False, _boston(8, 0)),
        ("OFF until thu", False, _boston(10, 0)),  # the next Thursday, never today
        ("OFF today", False, _boston(4, 0)),
        ("off tomorrow", False, _boston(5, 0)),
        ("ON until 22", True, _boston(3, 22)),
        ("ON until 8", True, _boston(4, 8)),  # 8:00 has passed today: tomorrow's
        ("OFF 2 days", False, _boston(5, 9)),
        ("NO DISPONIBLE hoy", False, _boston(4, 0)),
        ("disponible 2 horas", True, _boston(3, 11)),
        ("NO DISPONIBLE hasta el martes", False, _boston(8, 0)),
        ("off 3 heures", False, _boston(3, 12)),
        ("off jusqu'à lundi", False, _boston(7, 0)),
        ("OFF aujourd'hui", False, _boston(4, 0)),
        ("PA DISPONIB jodi a", False, _boston(4, 0)),
        ("disponib 3 èdtan", True, _boston(3, 12)),
        ("OFF jiska madi", False, _boston(8, 0)),
    ],
)
def test_overrides_in_each_language(text: str, on: bool, until: datetime) -> None:
    assert parse_override(text, THURSDAY_9AM, BOSTON) == Override(on, until)


@pytest.mark.parametrize("text", ["ON", "off", "No disponible"])
def test_a_bare_switch_is_not_an_override(text: str) -> None:
    assert parse_override(text, THURSDAY_9AM, BOSTON) is None


@pytest.mark.parametrize("text", ["ON forever", "OFF 0h", "OFF until 27", "maybe 3h"])
def test_an_override_that_cannot_be_read_says_so(text: str) -> None:
    with pytest.raises(AvailabilityError):
        parse_override(text, THURSDAY_9AM, BOSTON)


@given(st.text(max_size=40))
def test_any_override_text_is_an_override_or_a_reason(text: str) -> None:
    try:
        found = parse_override(text, THURSDAY_9AM, BOSTON)
    except AvailabilityError:
        return
    assert found is None or found.until > THURSDAY_9AM


# --- on call ------------------------------------------------------------------------------


def test_on_call_follows_the_schedule_in_the_groups_time_zone() -> None:
    evenings = parse_weekly(EVENINGS)
    assert not on_call_at(evenings, None, False, THURSDAY_9AM, BOSTON)
    assert on_call_at(evenings, None, False, _boston(3, 18), BOSTON)
    assert on_call_at(evenings, None, False, _boston(3, 21, 59), BOSTON)
    assert not on_call_at(evenings, None, False, _boston(3, 22), BOSTON)
    assert not on_call_at(evenings, None, False, _boston(5, 19), BOSTON)  # Saturday
    assert next_on_call(evenings, None, False, THURSDAY_9AM, BOSTON) == Window(
        _boston(3, 18), _boston(3, 22)
    )
    # Friday night after the shift: the next one is Monday's.
    assert next_on_call(evenings, None, False, _boston(4, 23), BOSTON) == Window(
        _boston(7, 18), _boston(7, 22)
    )


def test_a_shift_keeps_its_wall_clock_hours_across_daylight_saving() -> None:
    evenings = parse_weekly(EVENINGS)
    before = next_on_call(evenings, None, False, datetime(2026, 3, 6, 12, tzinfo=UTC), BOSTON)
    after = next_on_call(evenings, None, False, datetime(2026, 3, 9, 12, tzinfo=UTC), BOSTON)
    assert before is not None and after is not None
    assert before.start == datetime(2026, 3, 6, 23, tzinfo=UTC)  # 18:00 EST
    assert after.start == datetime(2026, 3, 9, 22, tzinfo=UTC)  # 18:00 EDT


def test_an_overnight_shift_is_one_window() -> None:
    nights = parse_weekly("fri 22-2")
    assert next_on_call(nights, None, False, THURSDAY_9AM, BOSTON) == Window(
        _boston(4, 22), _boston(5, 2)
    )
    assert on_call_at(nights, None, False, _boston(5, 1), BOSTON)


def test_overrides_win_until_they_run_out() -> None:
    evenings = parse_weekly(EVENINGS)
    off_today = parse_override("OFF today", THURSDAY_9AM, BOSTON)
    assert not on_call_at(evenings, off_today, False, _boston(3, 19), BOSTON)
    assert next_on_call(evenings, off_today, False, THURSDAY_9AM, BOSTON) == Window(
        _boston(4, 18), _boston(4, 22)
    )
    on_3h = parse_override("ON 3h", THURSDAY_9AM, BOSTON)
    assert on_call_at(evenings, on_3h, False, THURSDAY_9AM, BOSTON)
    assert next_on_call(evenings, on_3h, False, THURSDAY_9AM, BOSTON) == Window(
        THURSDAY_9AM, _boston(3, 12)
    )
    # Run out: the schedule is back.
    assert not on_call_at(evenings, on_3h, False, _boston(3, 12), BOSTON)
    # An ON that runs into a shift is one stretch on call.
    on_till_shift = Override(True, _boston(3, 18))
    assert next_on_call(evenings, on_till_shift, False, THURSDAY_9AM, BOSTON) == Window(
        THURSDAY_9AM, _boston(3, 22)
    )


def test_without_a_schedule_the_switch_decides() -> None:
    assert on_call_at(None, None, True, THURSDAY_9AM, BOSTON)
    assert next_on_call(None, None, True, THURSDAY_9AM, BOSTON) == Window(THURSDAY_9AM, None)
    assert next_on_call(None, None, False, THURSDAY_9AM, BOSTON) is None
    off = Override(False, _boston(4, 0))
    assert next_on_call(None, off, True, THURSDAY_9AM, BOSTON) == Window(_boston(4, 0), None)
    on = Override(True, _boston(3, 12))
    assert next_on_call(None, on, False, THURSDAY_9AM, BOSTON) == Window(
        THURSDAY_9AM, _boston(3, 12)
    )
    assert next_on_call(Weekly.empty(), None, True, THURSDAY_9AM, BOSTON) is None


@pytest.mark.parametrize(
    ("setting", "number", "zone"),
    [
        ("", "+16175550100", "America/New_York"),
        ("", "+50928120000", "America/Port-au-Prince"),
        ("Europe/Paris", "+16175550100", "Europe/Paris"),
        ("Mars/Olympus", "+16175550100", "America/New_York"),
        ("", "+15555550100", "UTC"),
    ],
)
def test_the_groups_time_zone(setting: str, number: str, zone: str) -> None:
    assert group_zone(setting, number) == zone


@pytest.mark.parametrize("module", ["hotline.availability", "hotline.spreadsheets"])
def test_the_parsers_import_no_plumbing(module: str) -> None:
    probe = (
        f"import sys, {module}\n"
        "print(' '.join(m for m in ('flask', 'redis', 'rq', 'sqlalchemy', 'twilio') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
