"""The keypad menus as a pure state machine: a call's state plus the keys pressed -> next state.

    language -> need -> where -> record -> reach -> done

No key or a wrong key asks the same question once more (retries 1), then moves on with what
the caller gave. (step, retries) only ever moves forward, so it doubles as the version of the
state: an input meant for an earlier (step, retries) is a retried webhook and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Step(StrEnum):
    LANGUAGE = "language"
    NEED = "need"
    WHERE = "where"
    RECORD = "record"
    REACH = "reach"
    DONE = "done"


# Keys of the need menu and the request category each one opens.
NEED_KEYS = {
    "1": "food",
    "2": "water",
    "3": "medical",
    "4": "shelter",
    "5": "rescue",
    "6": "transport",
    "7": "other",
}
EMERGENCY_NEED = "rescue"
REPEAT_KEY = "0"
REACH_KEYS = {"1": "sms", "2": "call"}
# Unknown how to reach them: a phone call works for landlines and mobiles alike.
DEFAULT_CALLBACK = "call"
MAX_PLACE_DIGITS = 10  # the longest postal code; VoiceCall.location_digits holds 12
# A note: something said before the next question.
NOT_UNDERSTOOD = "not_understood"


@dataclass(frozen=True)
class CallState:
    step: Step
    retries: int = 0
    language: str | None = None
    need: str | None = None
    location_digits: str | None = None
    recording_url: str | None = None
    callback_by: str | None = None


@dataclass(frozen=True)
class MenuConfig:
    """What a group's configuration changes in the menus."""

    languages: tuple[str, ...]
    default_language: str
    zone_count: int


@dataclass(frozen=True)
class Advanced:
    state: CallState
    notes: tuple[str, ...] = ()


def start(config: MenuConfig) -> CallState:
    """A new call: a language menu, unless the group offers only one language."""
    if len(config.languages) <= 1:
        return CallState(Step.NEED, language=_fallback_language(config))
    return CallState(Step.LANGUAGE)


def _fallback_language(config: MenuConfig) -> str:
    if config.default_language in config.languages or not config.languages:
        return config.default_language
    return config.languages[0]


@dataclass(frozen=True)
class Place:
    """Where, from the keypad: a zone number the group listed, or a postal code."""

    digits: str
    zone_index: int | None  # 0-based index into group.zones


def read_place(digits: str, zone_count: int) -> Place | None:
    """1 or 2 digits naming a listed zone, else 3 to 10 digits of a postal code; else None."""
    if not digits.isdigit():
        return None
    if len(digits) <= 2 and 1 <= int(digits) <= zone_count:
        return Place(digits, int(digits) - 1)
    if 3 <= len(digits) <= MAX_PLACE_DIGITS:
        return Place(digits, None)
    return None


def advance(
    state: CallState,
    config: MenuConfig,
    digits: str | None,
    recording_url: str | None = None,
) -> Advanced:
    """Apply what the caller did at `state.step`: keys (None for none) or a recording."""
    keys = (digits or "").strip()
    match state.step:
        case Step.LANGUAGE:
            if keys.isdigit() and 1 <= int(keys) <= len(config.languages):
                return _next(state, Step.NEED, language=config.languages[int(keys) - 1])
            if state.retries == 0:
                return Advanced(replace(state, retries=1), (NOT_UNDERSTOOD,))
            return _next(state, Step.NEED, language=_fallback_language(config))
        case Step.NEED:
            if keys == REPEAT_KEY:
                return Advanced(state)
            need = NEED_KEYS.get(keys)
            if need is None and state.retries == 0:
                return Advanced(replace(state, retries=1), (NOT_UNDERSTOOD,))
            return _next(state, Step.WHERE, need=need or "other")
        case Step.WHERE:
            place = read_place(keys, config.zone_count)
            if place is None and state.retries == 0:
                return Advanced(replace(state, retries=1), (NOT_UNDERSTOOD,))
            return _next(state, Step.RECORD, location_digits=place.digits if place else None)
        case Step.RECORD:
            # The message is optional: silence moves on just as a recording does.
            return _next(state, Step.REACH, recording_url=recording_url or state.recording_url)
        case Step.REACH:
            callback_by = REACH_KEYS.get(keys)
            if callback_by is None and state.retries == 0:
                return Advanced(replace(state, retries=1), (NOT_UNDERSTOOD,))
            return _next(state, Step.DONE, callback_by=callback_by or DEFAULT_CALLBACK)
        case Step.DONE:
            return Advanced(state)


def _next(state: CallState, step: Step, **changes: str | None) -> Advanced:
    return Advanced(replace(state, step=step, retries=0, **changes))


def keys_summary(state: CallState) -> str:
    """What the caller chose, for the call's row in the request thread."""
    parts = [
        f"language {state.language or '-'}",
        f"need {state.need or '-'}",
        f"place {state.location_digits or '-'}",
        "recorded message" if state.recording_url else "no recording",
        f"reach by {state.callback_by or '-'}",
    ]
    return "Phone call: " + ", ".join(parts)
