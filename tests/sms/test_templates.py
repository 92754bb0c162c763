"""Every SMS template: present, translated, GSM-7, within budget with the longest values."""

import re
from pathlib import Path

import pytest

from hotline.sms.segments import GSM7_PART, GSM7_SINGLE, TRANSLITERATE_LANGUAGES, is_gsm7
from hotline.sms.templates import (
    PLACEHOLDER_LIMITS,
    MissingPlaceholder,
    Rendered,
    TemplateBook,
    TemplateError,
    UnknownTemplate,
    WithPhrase,
    default_template_root,
)

ROOT = default_template_root()
BOOK = TemplateBook(ROOT)

# Every key the hotline sends, with the placeholders its text must carry.
KEYS: dict[str, frozenset[str]] = {
    key: frozenset(names.split())
    for key, names in {
        "help": "group",
        "started": "group",
        "language_set": "language",
        "ack": "group code",
        "ack_emergency": "code emergency",
        "ask_location": "code",
        "detail_added": "code",
        "detail_emergency": "code emergency",
        "status_open": "code",
        "status_claimed": "code volunteer",
        "status_none": "group",
        "cancelled": "code",
        "cancel_unknown": "codes",
        "neighbour_claimed": "code volunteer",
        "neighbour_done": "code",
        "reopened": "code",
        "after_closed": "code",
        "people": "count",
        "people_one": "",
        "neighbour_released": "code",
        "offer": "code need area",
        "offer_emergency": "code need area",
        "claim_details": "code name phone address need language",
        "claim_taken": "code",
        "claim_emergency": "code need emergency",
        "which_code": "codes example",
        "no_offer": "",
        "declined": "",
        "done_thanks": "code",
        "released": "code",
        "on_call": "",
        "off_call": "",
        "mine": "claims",
        "mine_none": "",
        "volunteer_menu": "codes",
        "stale_prompt": "code",
        "aid_offer_recorded": "summary",
        "call_back_details": "code name phone address need language",
        "dispatcher_escalated": "code need area urgency",
        "dispatcher_emergency": "code need area emergency",
        "dispatcher_stale": "code volunteer minutes",
        "dispatcher_queue": "count lines",
        "dispatcher_text_failed": "count",
        "dispatcher_queue_empty": "",
        "dispatcher_show": "code status urgency need address phone volunteer",
        "dispatcher_assigned": "code assignee",
        "dispatcher_closed": "code",
        "dispatcher_unknown_code": "code",
        "dispatcher_unknown_volunteer": "assignee",
        "dispatcher_menu": "",
        "dispatcher_optout": "code",
        "dispatcher_volunteer_optout": "code volunteer",
        "dispatcher_cannot_assign": "assignee",
        "dispatcher_already_with": "code assignee",
        "dispatcher_not_assignable": "code status",
        "dispatcher_already_closed": "code status",
        "stopped": "group",
        "volunteer_cancelled": "code",
        "login_code": "group code",
        "note_to_neighbour": "group detail",
        "recording_link": "code link",
        "fallback_down": "group phone emergency",
    }.items()
}
TWO_SEGMENTS = {"claim_details", "call_back_details", "dispatcher_queue", "dispatcher_show"}
# Neighbours and volunteers read these; dispatcher messages may fall back to English.
FIELD_KEYS = sorted(key for key in KEYS if not key.startswith("dispatcher_"))

# Real-looking values, each exactly as long as its placeholder allows.
LONGEST: dict[str, str] = {
    "group": "Eastside Mutual Aid Crew",
    "code": "482193",
    "need": "drinking water, insulin that needs a fridge, formula for two",
    "area": "Ri Lamartinyè ak Avni Kristòf, Pòtoprens",
    "address": "Ri Kapwa Lamò 14, Impasse Saint-Joseph prolongée, Delmas 33, kay ble a bò legliz",
    "name": "María José Güemes R.",
    "volunteer": "Jean-Baptiste Pierre",
    "phone": "+1 (305)555-0123",
    "language": "Español (MX)",
    "codes": "4821, 5532, 6610, 7243, 8190, 9021, 1034",
    "claims": "#4821 water, 12 Oak St; #5532 ride to clinic, Rue Lamartinière; "
    "#6610 meds for Mrs Doe, Pétion-Ville",
    "emergency": "15/112",
    "count": "1024",
    "lines": "#4821 water 12 Oak St 45m; #5532 ride Lamartinière 2h; #6610 meds Delmas 33 10m; "
    "#7243 food Pétion-Ville 3h; #8190 roof tarp Carrefour 1h; #9021 rescue Rue Pavée 5m; "
    "#1034 baby formula Tabarre 20m; #2210 gas Cité Soleil 4h; #3344 water 1h30",
    "urgency": "high (red)",
    "summary": "a pickup truck, a chain saw and two strong hands on weekends",
    "assignee": "Marie-Ange Desrosier",
    "status": "claimed (late)",
    "example": "482193",
    "minutes": "1440",
    "detail": "second floor, blue door; my mother uses a wheelchair no ramp",
    "link": "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
    "Recordings/RE0123456789abcdef0123456789abcdef.json",
}
ALL_FILES = [(language, key) for language in BOOK.languages() for key in sorted(BOOK.keys())]
ALL_FILES = [(lang, key) for lang, key in ALL_FILES if (ROOT / lang / f"{key}.txt").exists()]


def test_longest_values_are_exactly_at_their_limits() -> None:
    assert set(LONGEST) == set(PLACEHOLDER_LIMITS)
    assert {name: len(v) for name, v in LONGEST.items()} == PLACEHOLDER_LIMITS


def test_the_book_holds_exactly_the_known_keys() -> None:
    assert BOOK.keys() == frozenset(KEYS)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("key", sorted(KEYS))
def test_every_key_is_written_in_english_and_spanish(key: str, language: str) -> None:
    assert (ROOT / language / f"{key}.txt").is_file()


@pytest.mark.parametrize("language", ["fr", "ht"])
@pytest.mark.parametrize("key", FIELD_KEYS)
def test_neighbour_and_volunteer_keys_are_in_french_and_creole(key: str, language: str) -> None:
    assert (ROOT / language / f"{key}.txt").is_file()


@pytest.mark.parametrize(("language", "key"), ALL_FILES)
def test_placeholders_match_the_english_file(language: str, key: str) -> None:
    # A translation that drops {code} would leave a volunteer unable to reply.
    assert BOOK.placeholders(key, "en") == KEYS[key]
    assert BOOK.placeholders(key, language) == BOOK.placeholders(key, "en")


@pytest.mark.parametrize(("language", "key"), ALL_FILES)
def test_longest_values_fit_the_budget_in_gsm7(language: str, key: str) -> None:
    rendered = BOOK.render(key, language, fallback="en", **LONGEST)
    assert rendered.language == language
    budget = BOOK.budget(key)
    assert rendered.segments <= budget, rendered.text
    # A language written in another script goes as UCS-2; the segment budget still holds.
    if language in TRANSLITERATE_LANGUAGES:
        assert is_gsm7(rendered.text), rendered.text
        assert len(rendered.text) <= (GSM7_SINGLE if budget == 1 else 2 * GSM7_PART)


@pytest.mark.parametrize(("language", "key"), ALL_FILES)
def test_overlong_values_are_clipped_to_the_budget(language: str, key: str) -> None:
    flood = {name: f"{value} “{value}”… {value}" for name, value in LONGEST.items()}
    rendered = BOOK.render(key, language, fallback="en", **flood)
    assert rendered.segments <= BOOK.budget(key)
    assert is_gsm7(rendered.text) or language not in TRANSLITERATE_LANGUAGES


@pytest.mark.parametrize(("language", "key"), ALL_FILES)
def test_template_text_is_tidy(language: str, key: str) -> None:
    raw = (ROOT / language / f"{key}.txt").read_text(encoding="utf-8")
    text = raw.rstrip("\n")
    assert text, "empty template"
    assert text == text.strip()
    assert "\n" not in text
    assert "  " not in text


# A bare CANCEL, END or QUIT is a carrier opt-out: Twilio unsubscribes the sender. A template
# may only show CANCEL followed by what makes it ours (a code, or "+"/"and" a number).
BARE_OPT_OUT = re.compile(r"\b(?:END|QUIT)\b|\bCANCEL\b(?! (?:\{code\}|\+ |and ))")


@pytest.mark.parametrize(("language", "key"), ALL_FILES)
def test_no_bare_opt_out_word_is_advertised(language: str, key: str) -> None:
    text = (ROOT / language / f"{key}.txt").read_text(encoding="utf-8")
    assert not BARE_OPT_OUT.search(text), text


@pytest.mark.parametrize(
    ("text", "bare"),  # as a template file would hold it
    [
        ("Text CANCEL to cancel.", True),
        ("Text CANCEL.", True),
        ("Text END to stop.", True),
        ("QUIT: no more texts", True),
        ("Text CANCEL 4821 to cancel it.", False),
        ("CANCEL + request number: cancel.", False),
        ("To cancel one, text CANCEL and its number.", False),
        ("the end", False),
    ],
)
def test_bare_opt_out_pattern(text: str, bare: bool) -> None:
    template = text.replace("4821", "{code}")
    assert bool(BARE_OPT_OUT.search(template)) is bare


def test_budgets() -> None:
    assert {key for key in KEYS if BOOK.budget(key) == 2} == TWO_SEGMENTS
    assert {BOOK.budget(key) for key in KEYS} == {1, 2}
    with pytest.raises(UnknownTemplate):
        BOOK.budget("no_such_key")


def test_render_fills_transliterates_and_counts() -> None:
    rendered = BOOK.render("status_claimed", "es", fallback="en", code="4821", volunteer="Ramón")
    assert rendered == Rendered(
        text="#4821: Ramon va en camino.", language="es", key="status_claimed", segments=1
    )


def test_language_is_a_placeholder_too() -> None:
    rendered = BOOK.render("language_set", "en", fallback="en", language="Kreyòl")
    assert rendered.text == "OK, we'll text you in Kreyòl."


def test_long_values_are_clipped_at_a_word() -> None:
    rendered = BOOK.render(
        "status_claimed", "en", fallback="en", code="4821", volunteer="Jean-Baptiste Pierre-Louis"
    )
    assert rendered.text == "#4821: Jean-Baptiste... is on the way."


def test_values_cannot_break_lines_or_inject_placeholders() -> None:
    rendered = BOOK.render(
        "status_claimed", "en", fallback="en", code="4821", volunteer="Ana\n{code}\tB"
    )
    assert rendered.text == "#4821: Ana {code} B is on the way."


def test_missing_placeholder_raises() -> None:
    with pytest.raises(MissingPlaceholder) as raised:
        BOOK.render("offer", "en", fallback="en", code="4821", need="water")
    assert raised.value.args == ("area",)


def test_extra_values_are_ignored() -> None:
    rendered = BOOK.render("declined", "fr", fallback="en", code="4821", name="Ana")
    assert rendered.text == "D'accord, nous demanderons à quelqu'un d'autre. Merci."


def test_values_are_converted_to_str() -> None:
    rendered = BOOK.render("dispatcher_stale", "en", fallback="en", **{**LONGEST, "minutes": 45})
    assert " 45 min ago" in rendered.text


@pytest.mark.parametrize(
    ("language", "fallback", "key", "used"),
    [
        ("es", "en", "ack", "es"),
        ("ES", "en", "ack", "es"),
        ("es-MX", "en", "ack", "es"),
        ("es_MX", "fr", "ack", "es"),
        ("ht", "es", "ack", "ht"),
        (None, "fr", "ack", "fr"),
        ("", "fr", "ack", "fr"),
        ("de", "es", "ack", "es"),  # no German: the group's default language
        ("de", "fr-CA", "ack", "fr"),
        ("de", "pt", "ack", "en"),  # nor Portuguese: English
        (None, "xx", "ack", "en"),
        ("ht", "es", "dispatcher_menu", "es"),  # no Creole dispatcher text: group default
        ("fr", "fr", "dispatcher_menu", "en"),
    ],
)
def test_fallback(language: str | None, fallback: str, key: str, used: str) -> None:
    rendered = BOOK.render(key, language, fallback=fallback, **LONGEST)
    assert rendered.language == used
    expected = BOOK.render(key, used, fallback="en", **LONGEST)
    assert rendered.text == expected.text


def test_unknown_key_raises() -> None:
    with pytest.raises(UnknownTemplate):
        BOOK.render("no_such_key", "en", fallback="en")


def test_languages() -> None:
    assert {"en", "es", "fr", "ht"} <= set(BOOK.languages())
    assert list(BOOK.languages()) == sorted(BOOK.languages())


def test_default_template_root_is_the_repository_folder() -> None:
    assert Path(__file__).resolve().parents[2] / "templates_sms" == ROOT


def test_default_template_root_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        default_template_root(tmp_path / "a" / "b.py")


def _write(root: Path, language: str, key: str, text: str) -> None:
    (root / language).mkdir(parents=True, exist_ok=True)
    (root / language / f"{key}.txt").write_text(text, encoding="utf-8")


def test_a_new_language_is_just_a_folder(tmp_path: Path) -> None:
    _write(tmp_path, "en", "cancelled", "Request #{code} is cancelled.\n")
    _write(tmp_path, "pt", "cancelled", "O pedido #{code} foi cancelado. Até já!\n")
    book = TemplateBook(tmp_path)
    assert book.languages() == ("en", "pt")
    rendered = book.render("cancelled", "pt", fallback="en", code="4821")
    assert rendered.text == "O pedido #4821 foi cancelado. Até ja!"  # newline stripped
    assert book.budget("cancelled") == 1  # no budgets.toml: one segment each


def test_unknown_placeholder_is_refused_at_load(tmp_path: Path) -> None:
    _write(tmp_path, "en", "greet", "Hello {nickname}")
    with pytest.raises(TemplateError, match="nickname"):
        TemplateBook(tmp_path)


@pytest.mark.parametrize("text", ["Hello {name!r}", "Hello {name:>30}", "Hello {name.upper}"])
def test_formatted_placeholders_are_refused_at_load(tmp_path: Path, text: str) -> None:
    _write(tmp_path, "en", "greet", text)
    with pytest.raises(TemplateError):
        TemplateBook(tmp_path)


def test_unbalanced_brace_is_refused_at_load(tmp_path: Path) -> None:
    _write(tmp_path, "en", "greet", "Hello {name")
    with pytest.raises(TemplateError):
        TemplateBook(tmp_path)


def test_budgets_must_name_real_templates(tmp_path: Path) -> None:
    _write(tmp_path, "en", "greet", "Hello {name}")
    (tmp_path / "budgets.toml").write_text('two_segments = ["greet", "gone"]\n')
    with pytest.raises(TemplateError, match="gone"):
        TemplateBook(tmp_path)


def test_empty_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError):
        TemplateBook(tmp_path)


@pytest.mark.parametrize(
    ("language", "count", "phrase"),
    [
        ("en", 4, "(4 people)"),
        ("es", 4, "(4 personas)"),
        ("fr", 4, "(4 personnes)"),
        ("ht", 4, "(4 moun)"),
        ("en", 1, "(1 person)"),
        ("es", 1, "(1 persona)"),
    ],
)
def test_how_many_people_is_said_in_the_readers_language(
    language: str, count: int, phrase: str
) -> None:
    need = WithPhrase("water", "people_one" if count == 1 else "people", {"count": count})
    text = BOOK.render("offer", language, fallback="en", code="4821", need=need, area="Elm St")
    assert f"water {phrase} (Elm St)" in text.text


def test_a_long_need_is_clipped_before_the_head_count_is() -> None:
    need = WithPhrase(LONGEST["need"], "people", {"count": 1024})
    rendered = BOOK.render("offer", "fr", fallback="en", code="4821", need=need, area="x")
    assert "... (1024 personnes) (x)" in rendered.text
    assert rendered.segments == 1


def test_a_phrase_missing_in_every_language_raises() -> None:
    need = WithPhrase("water", "no_such_phrase", {})
    with pytest.raises(UnknownTemplate):
        BOOK.render("offer", "en", fallback="en", code="4821", need=need, area="x")


def test_a_phrase_missing_in_the_language_falls_back_to_english(tmp_path: Path) -> None:
    for language, files in {
        "en": {"offer": "#{code}: {need} ({area})", "people": "({count} people)"},
        "pt": {"offer": "#{code}: {need} ({area}) SIM {code}"},
    }.items():
        (tmp_path / language).mkdir()
        for key, text in files.items():
            (tmp_path / language / f"{key}.txt").write_text(text + "\n", encoding="utf-8")
    need = WithPhrase("agua", "people", {"count": 3})
    rendered = TemplateBook(tmp_path).render(
        "offer", "pt", fallback="en", code="12", need=need, area="x"
    )
    assert rendered.text == "#12: agua (3 people) (x) SIM 12"
