"""What the hotline says and asks at each step of a call: plain values, no TwiML, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.voice.menu import EMERGENCY_NEED, CallState, Step
from hotline.voice.prompts import Line, VoicePrompts, spelled

GATHER_SECONDS = 6  # silence after the prompt before the question counts as unanswered
PLACE_SECONDS = 8  # between digits of a postal code: people look for the next key
RECORD_SECONDS = 60  # the longest message a caller can leave
RECORD_SILENCE_SECONDS = 5
MAX_SPOKEN_ZONES = 9  # a longer list is more than anyone can hold in mind on the phone


@dataclass(frozen=True)
class Ask:
    """Wait for keys: one for a menu, several ended by # for a place."""

    step: Step
    retry: int
    num_digits: int | None
    timeout: int


@dataclass(frozen=True)
class RecordAsk:
    step: Step
    retry: int
    max_length: int
    timeout: int


@dataclass(frozen=True)
class Turn:
    """One answer to the caller: `before` is said in full, `prompt` can be cut short by a key."""

    before: tuple[Line, ...] = ()
    prompt: tuple[Line, ...] = ()
    ask: Ask | RecordAsk | None = None  # None: hang up once everything is said


@dataclass(frozen=True)
class GroupVoice:
    """What a group's configuration puts into the spoken menus."""

    name: str
    languages: tuple[str, ...]
    default_language: str
    emergency_number: str
    zone_names: tuple[str, ...]


def turn_for(
    state: CallState,
    group: GroupVoice,
    prompts: VoicePrompts,
    *,
    notes: tuple[str, ...] = (),
    code: str | None = None,
) -> Turn:
    """The answer for a call now at `state`, after saying `notes` (see menu.advance)."""
    language = state.language or group.default_language
    prompt: list[Line]
    before = tuple(prompts.line(note, language) for note in notes)
    match state.step:
        case Step.LANGUAGE:
            # Each option in its own language, so everyone hears their language named.
            options = tuple(
                prompts.line("language_option", lang, digit=index)
                for index, lang in enumerate(group.languages, start=1)
            )
            welcome = prompts.line("welcome", group.default_language, group=group.name)
            greeting = () if state.retries else (welcome,)
            return Turn(before + greeting, options, _ask(state, 1, GATHER_SECONDS))
        case Step.NEED:
            menu = [prompts.line("need_menu", language)]
            if len(group.languages) <= 1 and state.retries == 0:
                # No language menu was played, so nothing has greeted the caller yet.
                menu.insert(0, prompts.line("welcome", language, group=group.name))
            return Turn(before, tuple(menu), _ask(state, 1, GATHER_SECONDS))
        case Step.WHERE:
            if state.need == EMERGENCY_NEED and state.retries == 0:
                # Derived from the state, not the keypress, so a replayed answer still says it.
                emergency = " ".join(group.emergency_number)
                before = (prompts.line("emergency", language, emergency=emergency), *before)
            prompt = [prompts.line("where", language)]
            if group.zone_names:
                prompt.append(prompts.line("where_zones", language))
                prompt.extend(
                    prompts.line("zone_option", language, number=number, zone=name)
                    for number, name in enumerate(group.zone_names[:MAX_SPOKEN_ZONES], start=1)
                )
            return Turn(before, tuple(prompt), _ask(state, None, PLACE_SECONDS))
        case Step.RECORD:
            return Turn(
                before,
                (prompts.line("record", language),),
                RecordAsk(state.step, state.retries, RECORD_SECONDS, RECORD_SILENCE_SECONDS),
            )
        case Step.REACH:
            return Turn(before, (prompts.line("reach", language),), _ask(state, 1, GATHER_SECONDS))
        case Step.DONE:
            closing = []
            if code:
                closing.append(prompts.line("code", language, code=spelled(code)))
            goodbye = "goodbye_sms" if state.callback_by == "sms" else "goodbye_call"
            closing.append(prompts.line(goodbye, language))
            return Turn(before + tuple(closing))


def _ask(state: CallState, num_digits: int | None, timeout: int) -> Ask:
    return Ask(state.step, state.retries, num_digits, timeout)


def unknown_number(prompts: VoicePrompts) -> Turn:
    """A call to a number no group owns: say so and hang up, rather than leave silence."""
    return Turn((prompts.line("unknown_number", None),))
