"""An offer's gist, written from the triage in the volunteer's language: what, how many, where."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from hotline.triage.model import PRIORITY, TriageResult
from hotline.triage.privacy import is_private
from hotline.triage.text import tokenize

WORDING_FILE = Path(__file__).resolve().parent / "gist.toml"
DEFAULT_LANGUAGE = "en"
# The gist fills an offer around its code and how to take it ("#4821: ... YES 4821 to take
# it, NO to pass."), which costs up to about 55 characters of a 160-character SMS.
GIST_CHARS = 100
AREA_CHARS = 30
NEEDS_NAMED = 3


@cache
def _wording() -> dict[str, dict[str, object]]:
    with WORDING_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _words(language: str) -> dict[str, object]:
    wording = _wording()
    return wording.get(language) or wording[DEFAULT_LANGUAGE]


def _text(words: dict[str, object], key: str) -> str:
    value = words[key]
    return value if isinstance(value, str) else ""


def _table(words: dict[str, object], key: str) -> dict[str, str]:
    value = words.get(key)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _needs(triage: TriageResult, words: dict[str, object]) -> str:
    names = _table(words, "needs")
    ordered = sorted(triage.categories, key=lambda c: PRIORITY.index(c) if c in PRIORITY else 99)
    named = [names[c] for c in ordered if c in names][:NEEDS_NAMED] or [names["other"]]
    if len(named) == 1:
        return named[0]
    return f"{', '.join(named[:-1])} {_text(words, 'and')} {named[-1]}"


def area_of(triage: TriageResult) -> str | None:
    """The zone, else the street or landmark words of the location: never a word with a
    digit (a house or phone number) and nothing private; None when nothing is left."""
    if triage.zone:
        return triage.zone[:AREA_CHARS]
    if not triage.location or is_private(triage.location):
        return None
    words = [w for w in triage.location.split() if not any(c.isdigit() for c in w)]
    kept = " ".join(w.strip(",.;:#()") for w in words).strip(" ,.;:-#")
    if not any(token.key.isalpha() and len(token.key) > 1 for token in tokenize(kept)):
        return None
    return kept if len(kept) <= AREA_CHARS else kept[:AREA_CHARS].rsplit(" ", 1)[0]


def gist(triage: TriageResult, text: str, language: str) -> str:
    """The offer's sentence for a volunteer who reads `language`. Built from the triage
    alone: `text` is the neighbour's message and is never quoted, so nothing private, no
    number and no house number can reach a volunteer who has not claimed."""
    del text  # the words are for the claimant; the gist says only what triage recognised
    words = _words(language)
    prefix = {"emergency": _text(words, "emergency"), "urgent": _text(words, "urgent")}.get(
        triage.urgency, ""
    )
    parts = [_needs(triage, words)]
    if triage.people == 1:
        parts.append(_text(words, "person"))
    elif triage.people:
        parts.append(_text(words, "people").format(people=triage.people))
    area = area_of(triage)
    sentence = prefix + " ".join(parts)
    if area:
        sentence += " " + _text(words, "area").format(area=area)
    else:
        sentence += ", " + _text(words, "no_area")
    names = _table(words, "languages")
    if triage.language != language and triage.language in names:
        sentence += f" ({_text(words, 'speaks').format(language=names[triage.language])})"
    return sentence if len(sentence) <= GIST_CHARS else sentence[: GIST_CHARS - 3] + "..."
