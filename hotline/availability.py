"""When a volunteer is on call: the weekly availability grammar, overrides, and the windows.

Pure: plain text, datetimes and zone names in, plain values out. Days and hours are the
volunteer's group's wall-clock time; every instant given or returned is timezone-aware.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as number_zones

DAY_MINUTES = 24 * 60
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The stored text's column length: a schedule whose canonical text is longer is refused.
MAX_TEXT = 200
# How far ahead the next window is looked for: a weekly schedule repeats within a week.
HORIZON = timedelta(days=8)

# Day words in en, es, fr and ht, written without accents (the text is folded first).
_DAYS: dict[str, int] = {
    **dict.fromkeys(["mon", "monday", "lun", "lunes", "lundi", "len", "lendi"], 0),
    **dict.fromkeys(["tue", "tues", "tuesday", "mar", "martes", "mardi", "mad", "madi"], 1),
    **dict.fromkeys(
        ["wed", "wednesday", "mie", "miercoles", "mer", "mercredi", "mek", "mekredi"], 2
    ),
    **dict.fromkeys(["thu", "thur", "thurs", "thursday", "jue", "jueves", "jeu", "jeudi"], 3),
    **dict.fromkeys(["jed", "jedi"], 3),
    **dict.fromkeys(["fri", "friday", "vie", "viernes", "ven", "vendredi", "van"], 4),
    **dict.fromkeys(["vandredi", "vendredi"], 4),
    **dict.fromkeys(["sat", "saturday", "sab", "sabado", "sam", "samedi", "samdi"], 5),
    **dict.fromkeys(["sun", "sunday", "dom", "domingo", "dim", "dimanche", "dimanch"], 6),
}
_DAY_SETS: dict[str, frozenset[int]] = {
    **dict.fromkeys(
        ["daily", "everyday", "diario", "diariamente", "quotidien"], frozenset(range(7))
    ),
    **dict.fromkeys(["weekends", "weekend", "wikenn", "wikend"], frozenset({5, 6})),
    **dict.fromkeys(["weekdays", "weekday", "semaine", "lasemen"], frozenset(range(5))),
}
# Phrases turned into one word before the text is split.
_PHRASES = (
    (r"\bevery ?day\b|\btodos los dias\b|\btous les jours\b|\bchak jou\b", " daily "),
    (r"\bfines? de semana\b|\bweek-?ends?\b|\bfen semen\b", " weekends "),
    (r"\bentre semana\b|\ben semaine\b|\bjou (?:de )?lasemen\b", " weekdays "),
    (r"\bjusqu'?(?:a|au)\b", " to "),
)
# "lunes a viernes", "lundi au vendredi", "lendi rive vandredi", "9am to 5pm".
_RANGE_WORDS = frozenset({"to", "a", "au", "al", "hasta", "until", "till", "thru", "rive", "jiska"})
_AND_WORDS = frozenset({"and", "y", "e", "et", "ak", "epi"})
_FILLER = frozenset(
    {"from", "de", "des", "du", "del", "desde", "soti", "on", "at", "the", "le", "les", "los"}
    | {"el", "la", "h", "hrs", "every", "each", "chak", "cada", "tous", "todos"}
)
_NEVER = frozenset({"never", "nunca", "jamais", "janm", "none", "ninguno", "aucun"})
_TIME_WORDS = {
    "noon": 12 * 60,
    "midi": 12 * 60,
    "mediodia": 12 * 60,
    "midnight": DAY_MINUTES,
    "minuit": DAY_MINUTES,
    "medianoche": DAY_MINUTES,
    "minwi": DAY_MINUTES,
}
_TOKEN = re.compile(
    r"(?P<time>\d{1,2}(?:[:h.]\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.))?h?)(?![\d])"
    r"|(?P<dash>[-\u2013\u2014~])"
    r"|(?P<clause>[;|\n])"
    r"|(?P<comma>[,&+/])"
    r"|(?P<word>[a-z']+)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)"
)
_TIME = re.compile(r"(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?h?")

Interval = tuple[int, int]  # minutes after local midnight, 0 <= start < end <= 1440


class AvailabilityError(ValueError):
    """Text that is not a weekly availability, with a short reason a person can act on."""


@dataclass(frozen=True)
class Weekly:
    """The hours a volunteer is on call on each day of the week, Monday first."""

    days: tuple[tuple[Interval, ...], ...]

    @classmethod
    def empty(cls) -> Weekly:
        return cls(((),) * 7)

    def is_empty(self) -> bool:
        return not any(self.days)


@dataclass(frozen=True)
class Override:
    """On or off call until an instant, whatever the weekly availability says."""

    on: bool
    until: datetime


@dataclass(frozen=True)
class Window:
    """A stretch on call; `end` is None when nothing in view ends it."""

    start: datetime
    end: datetime | None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _minutes(token: str) -> tuple[int, str | None]:
    found = _TIME.fullmatch(token.strip())
    if found is None:
        raise AvailabilityError(f"{token!r} is not an hour")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    suffix = (found.group(3) or "").replace(".", "") or None
    if minute > 59 or hour > 24 or (suffix and not 1 <= hour <= 12):
        raise AvailabilityError(f"{token!r} is not an hour")
    if suffix == "pm" and hour != 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    total = hour * 60 + minute
    if total > DAY_MINUTES:
        raise AvailabilityError(f"{token!r} is not an hour")
    return total, suffix


def _tokens(text: str) -> list[tuple[str, str]]:
    folded = _fold(text)
    for pattern, replacement in _PHRASES:
        folded = re.sub(pattern, replacement, folded)
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(folded):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind == "space":
            continue
        if kind == "word":
            word = value.strip("'")
            if word in _DAYS:
                out.append(("day", word))
            elif word in _DAY_SETS:
                out.append(("set", word))
            elif word in _NEVER:
                out.append(("never", word))
            elif word in _TIME_WORDS:
                out.append(("time", word))
            elif word in _RANGE_WORDS:
                out.append(("dash", word))
            elif word in _AND_WORDS:
                out.append(("comma", word))
            elif word in _FILLER or not word:
                continue
            else:
                raise AvailabilityError(f"{value!r} is not a day or an hour")
        elif kind == "other":
            if value in ".'\"()":
                continue
            raise AvailabilityError(f"{value!r} is not a day or an hour")
        else:
            out.append((kind, value))
    return out


def _time_of(token: str) -> tuple[int, str | None]:
    if token in _TIME_WORDS:
        return _TIME_WORDS[token], None
    return _minutes(token)


def _hours(start_token: str, end_token: str) -> list[tuple[int, Interval]]:
    """(day offset, interval) pieces: an overnight range spills into the next day."""
    start, start_suffix = _time_of(start_token)
    end, end_suffix = _time_of(end_token)
    if start == DAY_MINUTES and start_token in _TIME_WORDS:
        start = 0  # "midnight to 6"
    if end_suffix == "pm" and start_suffix is None and start < 12 * 60 and start + 720 < end:
        start += 12 * 60  # "6-10pm"
    if end == 0:
        end = DAY_MINUTES
    if start == DAY_MINUTES:
        raise AvailabilityError("a shift cannot start at 24")
    if start == end:
        raise AvailabilityError(f"{start_token}-{end_token} is no time at all")
    if start < end:
        return [(0, (start, end))]
    return [(0, (start, DAY_MINUTES)), (1, (0, end))]


def parse_weekly(text: str) -> Weekly | None:
    """`mon-fri 18-22`, `weekends`, `daily 8-12`, `lun-vie 9-17`, `lendi-vandredi 18h-22h`...

    None for a blank cell (no schedule). Several parts go with `;` or simply one after the
    other (`mon-fri 18-22 sat 9-12`); a range past midnight (`fri 22-2`) spills into the
    next day.
    """
    tokens = _tokens(text)
    if not tokens:
        return None
    if any(kind == "never" for kind, _ in tokens):
        if len(tokens) > 1:
            raise AvailabilityError("'never' goes alone")
        return Weekly.empty()
    days: list[set[Interval]] = [set() for _ in range(7)]
    clause_days: set[int] = set()
    clause_hours: list[tuple[int, Interval]] = []

    def close() -> None:
        nonlocal clause_days, clause_hours
        if not clause_days and not clause_hours:
            return
        for day in clause_days or set(range(7)):
            for offset, interval in clause_hours or [(0, (0, DAY_MINUTES))]:
                days[(day + offset) % 7].add(interval)
        clause_days, clause_hours = set(), []

    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind in {"day", "set"} and clause_hours:
            close()
        if kind == "day":
            day = _DAYS[value]
            if i + 2 < len(tokens) and tokens[i + 1][0] == "dash" and tokens[i + 2][0] == "day":
                end_day = _DAYS[tokens[i + 2][1]]
                span = (end_day - day) % 7
                clause_days.update((day + k) % 7 for k in range(span + 1))
                i += 3
                continue
            clause_days.add(day)
        elif kind == "set":
            clause_days.update(_DAY_SETS[value])
        elif kind == "time":
            if i + 2 < len(tokens) and tokens[i + 1][0] == "dash" and tokens[i + 2][0] == "time":
                clause_hours.extend(_hours(value, tokens[i + 2][1]))
                i += 3
                continue
            raise AvailabilityError(f"{value!r} needs an end: write it like 18-22")
        elif kind == "clause":
            close()
        elif kind == "dash":
            raise AvailabilityError("a range needs something on each side, like mon-fri or 18-22")
        # A comma joins days or hours within a part; the next day after hours starts a new one.
        i += 1
    close()
    weekly = Weekly(tuple(_merged(sorted(intervals)) for intervals in days))
    if len(format_weekly(weekly)) > MAX_TEXT:
        raise AvailabilityError("too many different hours: keep it to a few shifts a week")
    return weekly


def _merged(intervals: list[Interval]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    for start, end in intervals:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def _clock(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return f"{hour}" if minute == 0 else f"{hour}:{minute:02d}"


def _day_spec(days: list[int]) -> str:
    chosen = set(days)
    if chosen == set(range(7)):
        return "daily"
    if chosen == {5, 6}:
        return "weekends"
    runs: list[list[int]] = []
    for day in sorted(chosen):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    )


def format_weekly(weekly: Weekly | None) -> str:
    """The canonical text, in English words: `parse_weekly` reads it back to the same value."""
    if weekly is None:
        return ""
    groups: dict[tuple[Interval, ...], list[int]] = {}
    for day, intervals in enumerate(weekly.days):
        if intervals:
            groups.setdefault(intervals, []).append(day)
    if not groups:
        return "never"
    parts = []
    for intervals, days in sorted(groups.items(), key=lambda item: item[1][0]):
        hours = ",".join(
            f"{_clock(start)}-{_clock(end)}"
            for start, end in intervals
            if (start, end) != (0, DAY_MINUTES)
        )
        parts.append(f"{_day_spec(days)} {hours}".strip())
    return "; ".join(parts)


# --- overrides ----------------------------------------------------------------------------

_ON_WORDS = ("on", "disponible", "disponib")
_OFF_WORDS = ("off", "no disponible", "pa disponib", "indisponible", "non disponible")
_TODAY = frozenset({"today", "hoy", "aujourd'hui", "aujourdhui", "jodi a", "jodia", "jodi"})
_TOMORROW = frozenset({"tomorrow", "manana", "demain", "demen"})
_UNTIL = re.compile(r"^(?:until|till|til|hasta el|hasta|jusqu'?(?:a|au)|jiska|jis)\s+(.+)$")
_DURATION = re.compile(
    r"^(\d{1,3})\s*(m|min|mins|minute|minutes|minuto|minutos|minit"
    r"|h|hr|hrs|hour|hours|hora|horas|heure|heures|edtan|e"
    r"|d|day|days|dia|dias|jour|jours|jou)$"
)
_UNIT_MINUTES = {"m": 1, "h": 60, "d": DAY_MINUTES}


def _unit(word: str) -> int:
    if word.startswith(("m",)):
        return _UNIT_MINUTES["m"]
    if word.startswith(("h", "e")):
        return _UNIT_MINUTES["h"]
    return _UNIT_MINUTES["d"]


def _next_midnight(local: datetime, days_ahead: int) -> datetime:
    day = local.date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(0), tzinfo=local.tzinfo)


def split_switch(text: str) -> tuple[bool, str]:
    """`OFF until tue` -> (False, "until tue"): the ON/OFF word in any language, and the rest."""
    folded = " ".join(_fold(text).split())
    for words, value in ((_OFF_WORDS, False), (_ON_WORDS, True)):
        for word in sorted(words, key=len, reverse=True):
            if folded == word or folded.startswith(word + " "):
                return value, folded[len(word) :].strip()
    raise AvailabilityError("an override starts with ON or OFF")


def parse_override(text: str, now: datetime, zone: str) -> Override | None:
    """`ON 3h`, `OFF until tue`, `OFF today`, `ON until 22`, `OFF 2 days` -> an Override.

    None when the text is a bare ON or OFF (the standing switch, not an override).
    """
    on, folded = split_switch(text)
    if not folded:
        return None
    local = now.astimezone(ZoneInfo(zone))
    if folded in _TODAY:
        return Override(on, _next_midnight(local, 1).astimezone(UTC))
    if folded in _TOMORROW:
        return Override(on, _next_midnight(local, 2).astimezone(UTC))
    if duration := _DURATION.match(folded):
        minutes = int(duration.group(1)) * _unit(duration.group(2))
        if minutes == 0:
            raise AvailabilityError("an override needs some time, like ON 3h")
        return Override(on, (now + timedelta(minutes=minutes)).astimezone(UTC))
    if until := _UNTIL.match(folded):
        return Override(on, _until(until.group(1).strip(), local).astimezone(UTC))
    raise AvailabilityError("write it like ON 3h, OFF until tue or OFF today")


def _until(what: str, local: datetime) -> datetime:
    """The start of the named day (the next one, never today), or the next such hour."""
    if what in _DAYS:
        ahead = (_DAYS[what] - local.weekday()) % 7 or 7
        return _next_midnight(local, ahead)
    if what in _TOMORROW:
        return _next_midnight(local, 1)
    minutes, _suffix = _minutes(what)
    at = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo) + timedelta(minutes=minutes)
    return at if at > local else at + timedelta(days=1)


# --- windows ------------------------------------------------------------------------------


def group_zone(setting: str, hotline_number: str) -> str:
    """The group's time zone: its setting when valid, else its number's only zone, else UTC."""
    for candidate in (setting.strip(), _zone_of_number(hotline_number)):
        if candidate:
            try:
                ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return candidate
    return "UTC"


def _zone_of_number(number: str) -> str:
    try:
        zones = number_zones.time_zones_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return ""
    return str(zones[0]) if len(zones) == 1 and zones[0] != "Etc/Unknown" else ""


def _scheduled(weekly: Weekly, start: datetime, end: datetime, zone: ZoneInfo) -> list[Window]:
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    out: list[Window] = []
    day = first
    while day <= last:
        for lo, hi in weekly.days[day.weekday()]:
            out.append(Window(_local(day, lo, zone), _local(day, hi, zone)))
        day += timedelta(days=1)
    return out


def _local(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    # Wall-clock time: a shift at 18:00 stays at 18:00 across a daylight-saving change.
    stamp = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return stamp.replace(tzinfo=zone).astimezone(UTC)


def _union(windows: list[Window]) -> list[Window]:
    out: list[Window] = []
    for w in sorted(windows, key=lambda w: w.start):
        if out and (out[-1].end is None or w.start <= out[-1].end):
            last = out[-1]
            end = None if last.end is None or w.end is None else max(last.end, w.end)
            out[-1] = Window(last.start, end)
        else:
            out.append(w)
    return out


def _without(windows: list[Window], start: datetime, end: datetime) -> list[Window]:
    out: list[Window] = []
    for w in windows:
        if (w.end is not None and w.end <= start) or w.start >= end:
            out.append(w)
            continue
        if w.start < start:
            out.append(Window(w.start, start))
        if w.end is None or w.end > end:
            out.append(Window(end, w.end))
    return out


def on_call_windows(
    weekly: Weekly | None,
    override: Override | None,
    switched_on: bool,
    at: datetime,
    zone: str,
    horizon: timedelta = HORIZON,
) -> list[Window]:
    """The stretches on call from `at` on, soonest first, each starting no earlier than `at`.

    With a weekly availability, it decides; without one, the standing ON/OFF switch does. An
    override that has not run out wins over both until its end.
    """
    end = at + horizon
    if weekly is None:
        windows = [Window(at, None)] if switched_on else []
    else:
        windows = _scheduled(weekly, at, end, ZoneInfo(zone))
    if override is not None and override.until > at:
        windows = _without(windows, at, override.until)
        if override.on:
            windows.append(Window(at, override.until))
    clipped = [
        Window(max(w.start, at), w.end) for w in _union(windows) if w.end is None or w.end > at
    ]
    return [w for w in clipped if w.start < end]


def on_call_at(
    weekly: Weekly | None, override: Override | None, switched_on: bool, at: datetime, zone: str
) -> bool:
    """Is the volunteer on call at the instant `at`?"""
    windows = on_call_windows(weekly, override, switched_on, at, zone, timedelta(minutes=1))
    return bool(windows) and windows[0].start == at


def next_on_call(
    weekly: Weekly | None, override: Override | None, switched_on: bool, at: datetime, zone: str
) -> Window | None:
    """The current window when on call at `at`, else the next one within a week, else None."""
    windows = on_call_windows(weekly, override, switched_on, at, zone)
    return windows[0] if windows else None
