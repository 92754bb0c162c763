"""The project's own hand-labelled examples, per language: each reads as labelled."""

from __future__ import annotations

import pytest

from hotline.triage import INTENTS, URGENCIES, Triager
from hotline.triage.examples import Example, load_examples

EXAMPLES = load_examples()


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager()


def _ids(examples: list[Example]) -> list[str]:
    return [example.text[:40] for example in examples]


def test_every_language_has_emergencies_needs_and_non_requests() -> None:
    assert set(EXAMPLES) == {"en", "es", "fr", "ht"}
    for examples in EXAMPLES.values():
        assert sum(e.urgency == "emergency" for e in examples) >= 10
        assert sum(e.intent == "request" and e.urgency != "emergency" for e in examples) >= 5
        assert {e.intent for e in examples} >= {"greeting", "question", "thanks", "news"}
        assert all(e.urgency in URGENCIES and e.intent in INTENTS for e in examples)


@pytest.mark.parametrize("language", sorted(EXAMPLES))
def test_examples_read_as_labelled(triager: Triager, language: str) -> None:
    wrong = []
    for example in EXAMPLES[language]:
        result = triager.triage(example.text)
        got = (set(example.needs) <= set(result.categories), result.urgency, result.intent)
        if got != (True, example.urgency, example.intent):
            wrong.append((example.text, result.categories, result.urgency, result.intent))
    assert wrong == []


@pytest.mark.parametrize("language", sorted(EXAMPLES))
def test_every_emergency_gives_its_reason(triager: Triager, language: str) -> None:
    for example in EXAMPLES[language]:
        result = triager.triage(example.text)
        if result.urgency == "emergency":
            assert result.reason and result.reason.lower() in example.text.lower()
            assert result.rule and "emergency" in result.rule
