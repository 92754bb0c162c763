"""How an emergency is read: someone dying, a question or a finished rescue, the reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.triage import INTENTS, Triager

TRIAGER = Triager()


@pytest.mark.parametrize(
    "text",
    [
        "the wounded are dying, no doctor here",
        "ap mouri, vini vit",
        "se esta muriendo, vengan",
        "il est en train de mourir",
    ],
)
def test_someone_dying_is_an_emergency(text: str) -> None:
    assert TRIAGER.triage(text).urgency == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "we are dying of hunger",
        "we are starving. we are dying, please help",
        "nou ap mouri grangou",
        "NOU AP MOURI GRANGOU NAN ZON NAN",
        "nos estamos muriendo de hambre",
        "nous mourons de faim",
    ],
)
def test_dying_of_hunger_is_urgent_not_an_alarm(text: str) -> None:
    assert TRIAGER.triage(text).urgency == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "what to do if someone is trapped under the rubble?",
        "they pulled him out from under the rubble, he needs care",
        "I don't have anyone under the debris anymore",
        "kisa pou nou fè si yon moun anba dekonb?",
        "mwen se yon moun ki soti anba dekonb, m bezwen manje",
        "que faire si quelqu'un est coincé sous les décombres ?",
        "¿qué hacer si alguien está atrapado bajo los escombros?",
        "my passport is under the rubble, how do I get a new one",
        "papye mwen yo anba dekonb, kijan pou m jwenn lòt",
        "mes papiers sont sous les décombres",
        "mis documentos quedaron bajo los escombros",
        "who do I call if I hear someone under the rubble",
        "ki nimewo pou m rele si m tande yon moun anba dekonb",
    ],
)
def test_a_question_or_a_finished_rescue_is_urgent_not_an_alarm(text: str) -> None:
    assert TRIAGER.triage(text).urgency == "urgent"


def test_a_death_that_was_avoided_is_no_alarm() -> None:
    assert TRIAGER.triage("si se pat Bondye nou tap mouri").urgency != "emergency"


@pytest.mark.parametrize(
    ("text", "reason", "rule"),
    [
        ("please my son is trapped under the rubble", "trapped", "en emergency rescue: trapped"),
        ("timoun nan tonbe nan twou latrin nan", "tonbe nan twou latrin", "ht emergency rescue"),
        ("hi we need water", "water", "en categories water: water"),
    ],
)
def test_the_reason_is_the_words_that_decided(text: str, reason: str, rule: str) -> None:
    result = TRIAGER.triage(text)
    assert result.reason == reason
    assert result.rule is not None and result.rule.startswith(rule)


def test_no_reason_when_nothing_matched() -> None:
    result = TRIAGER.triage("ok")
    assert (result.reason, result.rule, result.intent, result.is_request) == (
        None,
        None,
        "vague",
        False,
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hi", "greeting"),
        ("Hola!", "greeting"),
        ("bonjou", "greeting"),
        ("salut", "greeting"),
        ("hi we need water", "request"),
        ("bonjou nou bezwen manje", "request"),
        ("what is this?", "question"),
        ("who are you", "question"),
        ("thank you", "thanks"),
        ("mèsi", "thanks"),
        ("gracias", "thanks"),
        ("thank you for the water", "thanks"),
        ("thanks but we still have no food", "request"),
        ("weather forecast: rain tonight", "news"),
        ("?", "vague"),
        ("I can offer rides to the clinic", "offer"),
        ("information about the earthquake please", "request"),
    ],
)
def test_intent(text: str, intent: str) -> None:
    result = TRIAGER.triage(text)
    assert result.intent == intent
    assert result.is_request is (intent == "request")


@given(st.text(max_size=400))
def test_any_text_gets_a_reading(text: str) -> None:
    result = TRIAGER.triage(text)
    assert result.intent in INTENTS
    assert result.reason is None or len(result.reason) <= 60
    if result.urgency == "emergency":
        assert result.reason and result.rule
