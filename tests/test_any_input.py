"""Any string a phone can send: the parsers never crash and keep their promises.

Property-based (hypothesis) over the SMS command grammar, GSM-7 segment counting and
conversion, phone number reading and triage, with text of every kind of character: NUL and
other controls, emoji, right-to-left scripts, combining accents, very long messages.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.phones import InvalidNumber, mask, normalise, normalise_loose
from hotline.sms.commands import compliance_keyword, parse_command
from hotline.sms.segments import clip, is_gsm7, segment_count, to_gsm7
from hotline.triage import Triager
from hotline.triage.model import TriageResult

# Whatever a phone or a gateway could hand over: any code point but lone surrogates.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)
LANGUAGES = st.sampled_from(["en", "es", "fr", "ht", "xx", ""])
TRIAGER = Triager()
FAST = settings(
    max_examples=int(os.environ.get("HOTLINE_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FAST
@given(ANY_TEXT)
def test_the_command_grammar_reads_any_text(body: str) -> None:
    command = parse_command(body)
    if command is not None and command.code is not None:
        assert command.code.isdigit()  # codes are digits, whatever was typed around them
    keyword = compliance_keyword(body)
    if keyword is not None:
        assert len(body.split()) <= 4  # a carrier keyword is the whole (short) message


@FAST
@given(ANY_TEXT, st.sampled_from(["NEED", "YES", "STOP", "CANCEL", "HELP"]))
def test_a_keyword_inside_a_sentence_is_never_an_opt_out(words: str, word: str) -> None:
    sentence = f"please don't {word.lower()} helping us {words}"
    keyword = compliance_keyword(sentence)
    assert keyword is None or keyword.verb.value != "stop"


@FAST
@given(ANY_TEXT, LANGUAGES)
def test_segments_and_gsm7_conversion_hold_for_any_text(text: str, language: str) -> None:
    count = segment_count(text)
    assert count >= (1 if text else 0)
    converted = to_gsm7(text, language)
    assert segment_count(converted) <= max(count, 1) or not is_gsm7(converted)
    assert len(clip(text, 40)) <= 40


@FAST
@given(ANY_TEXT, st.sampled_from(["US", "HT", "FR", "MX", "ZZ"]))
def test_numbers_either_read_as_e164_or_are_refused_kindly(raw: str, region: str) -> None:
    try:
        number = normalise(raw, region)
    except InvalidNumber as refused:
        assert str(refused)  # a one-line reason for the person typing
    else:
        assert number.startswith("+") and number[1:].isdigit() and len(number) <= 16
    loose = normalise_loose(raw, region)
    assert isinstance(loose, str)
    assert "*" in mask(loose) or len(loose.lstrip("+")) <= 2 or loose == ""


@FAST
@given(ANY_TEXT, st.one_of(st.none(), LANGUAGES))
def test_triage_reads_any_text(text: str, hint: str | None) -> None:
    result = TRIAGER.triage(text, language_hint=hint or None)
    assert isinstance(result, TriageResult)
    assert result.urgency in {"emergency", "urgent", "routine"}
    assert result.kind in {"request", "offer", "other"}
    assert result.categories and all(isinstance(c, str) for c in result.categories)
    assert result.people is None or result.people >= 0
    if result.location is not None:
        assert result.location.strip() and len(result.location) <= len(text)
