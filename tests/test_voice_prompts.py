"""Spoken prompts and the pure menu rules, tested with plain values (no database, no HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.sms.templates import MissingPlaceholder, TemplateBook, default_template_root
from hotline.voice.menu import CallState, MenuConfig, Step, advance, read_place, start
from hotline.voice.prompts import PromptError, VoicePrompts, spelled

ROOT = default_template_root()
PROMPTS = VoicePrompts(ROOT)
CONFIG = MenuConfig(languages=("en", "es", "ht", "fr"), default_language="en", zone_count=2)


@pytest.mark.parametrize("language", ["es", "fr", "ht"])
def test_every_language_has_every_prompt_with_the_same_placeholders(language: str) -> None:
    # unknown_number is spoken before anyone has chosen a language: English only.
    assert PROMPTS.keys(language) == PROMPTS.keys("en") - {"unknown_number"}
    for key in PROMPTS.keys(language):
        assert PROMPTS.placeholders(key, language) == PROMPTS.placeholders(key, "en"), key


def test_say_languages_are_ones_twilio_speaks() -> None:
    lines = {lang: PROMPTS.line("not_understood", lang) for lang in PROMPTS.languages()}
    assert {lang: line.say_language for lang, line in lines.items()} == {
        "en": "en-US",
        "es": "es-US",
        "fr": "fr-FR",
        "ht": "fr-FR",  # no Creole voice exists; see templates_sms/ht/voice/voice.toml
    }


def test_the_sms_template_book_does_not_see_the_voice_prompts() -> None:
    assert not {"need_menu", "voice"} & TemplateBook(ROOT).keys()


def test_a_prompt_with_an_unknown_placeholder_stops_loading(tmp_path: Path) -> None:
    folder = tmp_path / "en" / "voice"
    folder.mkdir(parents=True)
    (folder / "voice.toml").write_text('say_language = "en-US"\n')
    (folder / "welcome.txt").write_text("Hello {grup}\n")
    with pytest.raises(PromptError, match="grup"):
        VoicePrompts(tmp_path)


@pytest.mark.parametrize("line", ["Your code is {code!r}", "Press {digit:>3}", "Hello {group"])
def test_a_prompt_with_a_formatted_placeholder_or_stray_brace_stops_loading(
    tmp_path: Path, line: str
) -> None:
    folder = tmp_path / "en" / "voice"
    folder.mkdir(parents=True)
    (folder / "voice.toml").write_text('say_language = "en-US"\n')
    (folder / "welcome.txt").write_text(line + "\n")
    with pytest.raises(PromptError, match=r"welcome\.txt"):
        VoicePrompts(tmp_path)


def test_a_prompt_missing_a_value_raises() -> None:
    with pytest.raises(MissingPlaceholder, match="code"):
        VoicePrompts(ROOT).line("code", "en")


def test_codes_are_read_digit_by_digit() -> None:
    assert spelled("4821") == "4, 8, 2, 1"


@pytest.mark.parametrize(
    ("digits", "zone_index", "accepted"),
    [
        ("1", 0, True),
        ("02", 1, True),
        ("3", None, False),  # only two zones listed
        ("02145", None, True),
        ("12", None, False),
        ("12345678901", None, False),
        ("", None, False),
        ("*1", None, False),
    ],
)
def test_read_place(digits: str, zone_index: int | None, accepted: bool) -> None:
    place = read_place(digits, 2)
    assert (place is not None) == accepted
    if place is not None:
        assert place.zone_index == zone_index


@pytest.mark.parametrize(
    ("state", "digits", "step", "retries", "changes"),
    [
        (CallState(Step.LANGUAGE), "2", Step.NEED, 0, {"language": "es"}),
        (CallState(Step.LANGUAGE), "5", Step.LANGUAGE, 1, {}),
        (CallState(Step.LANGUAGE, retries=1), None, Step.NEED, 0, {"language": "en"}),
        (CallState(Step.NEED, language="en"), "0", Step.NEED, 0, {}),
        (CallState(Step.NEED, language="en"), "5", Step.WHERE, 0, {"need": "rescue"}),
        (CallState(Step.NEED, retries=1), "9", Step.WHERE, 0, {"need": "other"}),
        (CallState(Step.WHERE), "02145", Step.RECORD, 0, {"location_digits": "02145"}),
        (CallState(Step.WHERE, retries=1), None, Step.RECORD, 0, {"location_digits": None}),
        (CallState(Step.RECORD), "hangup", Step.REACH, 0, {"recording_url": None}),
        (CallState(Step.REACH), "2", Step.DONE, 0, {"callback_by": "call"}),
        (CallState(Step.REACH), "1", Step.DONE, 0, {"callback_by": "sms"}),
        (CallState(Step.REACH, retries=1), "7", Step.DONE, 0, {"callback_by": "call"}),
        (CallState(Step.DONE), "1", Step.DONE, 0, {}),
    ],
)
def test_advance(
    state: CallState, digits: str | None, step: Step, retries: int, changes: dict[str, object]
) -> None:
    after = advance(state, CONFIG, digits).state
    assert (after.step, after.retries) == (step, retries)
    for name, value in changes.items():
        assert getattr(after, name) == value, name


def test_one_language_skips_the_language_menu() -> None:
    assert start(MenuConfig(("ht",), "en", 0)) == CallState(Step.NEED, language="ht")
    assert start(CONFIG).step == Step.LANGUAGE
