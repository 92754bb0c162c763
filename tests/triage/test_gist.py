"""Offer gists: written in the volunteer's language, never private, never a number, one SMS."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.sms.segments import segment_count, to_gsm7
from hotline.triage import Triager, Zone
from hotline.triage.examples import load_examples
from hotline.triage.gist import GIST_CHARS, gist
from hotline.triage.privacy import private_phrases, private_words

LANGUAGES = ("en", "es", "fr", "ht")
EXAMPLES = [e for examples in load_examples().values() for e in examples]
# Texts that carry what must never reach a volunteer who has not claimed.
LEAKY = [
    "need insulin, I am trans and scared to go to the clinic, 12 Elm St, call 617-555-0147",
    "I am undocumented, ICE came, we need food at 45 Oak Ave",
    "mwen gen VIH, mwen bezwen medikaman, 8 ri Pave, 3709-1234",
    "soy indocumentada y mi esposo me pegó, necesito un refugio, calle 5 #23",
    "je suis enceinte et sans papiers, il nous faut de l'eau, 14 rue Capois",
    "my wife is pregnant and diabetic, we need water, 7 Elm St",
]
# The wording of the offer around a gist, at its longest (French).
WRAPPER = "URGENT #123456 : {}. OUI 123456 pour la prendre, NON sinon."


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager(zones=[Zone("02145", aliases=("Winter Hill",))])


def _digits_in(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_gist_says_anything_private_or_any_number(triager: Triager, language: str) -> None:
    for text in [e.text for e in EXAMPLES] + LEAKY:
        result = triager.triage(text)
        line = gist(result, text, language)
        assert private_words(line) == [], (text, line)
        allowed = {str(result.people)} if result.people else set()
        allowed |= _digits_in(result.zone or "")
        assert _digits_in(line) <= allowed, (text, line)
        assert not re.search(r"\d{3}", line.replace(str(result.people), "")), line
        assert len(line) <= GIST_CHARS
        assert segment_count(to_gsm7(WRAPPER.format(line), language)) == 1, line


def test_private_list_covers_every_language_and_kind() -> None:
    phrases = private_phrases()
    assert set(phrases) == set(LANGUAGES)
    for words in ("hiv", "trans", "undocumented", "muslim", "abused"):
        assert private_words(f"I am {words}") != []
    for text in ("mwen se masisi", "soy indocumentado", "je suis sans papiers", "li ansent"):
        assert private_words(text) != []
    assert private_words("we need water for 4 people") == []


def test_gist_is_written_in_the_volunteers_language(triager: Triager) -> None:
    result = triager.triage("nou bezwen dlo ak manje pou 5 moun nan 02145")
    assert (
        gist(result, "", "en")
        == "Urgent: water and food for 5 people in 02145 (speaks Haitian Creole)"
    )
    assert gist(result, "", "es").startswith("Urgente: agua y comida para 5 personas")
    assert gist(result, "", "fr").startswith("Urgent : eau et nourriture pour 5 personnes")
    assert gist(result, "", "ht") == "Ijan: dlo ak manje pou 5 moun nan 02145"


def test_an_emergency_and_a_street_without_its_house_number(triager: Triager) -> None:
    text = "my brother is trapped under the rubble at 12 Elm St"
    line = gist(triager.triage(text), text, "en")
    assert line.startswith("EMERGENCY: rescue")
    assert "Elm St" in line and "12" not in line


def test_an_unknown_language_falls_back_to_english(triager: Triager) -> None:
    result = triager.triage("we need water")
    assert gist(result, "", "xx").startswith("Urgent: water")


@given(st.text(max_size=300))
def test_any_text_gives_a_short_gist_in_every_language(text: str) -> None:
    result = _TRIAGER.triage(text)
    for language in LANGUAGES:
        line = gist(result, text, language)
        assert line and len(line) <= GIST_CHARS
        assert private_words(line) == []


_TRIAGER = Triager()
