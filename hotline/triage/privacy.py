"""The private-phrase list (health, identity, immigration, religion, abuse) and its check."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from hotline.triage.lexicon import Tag
from hotline.triage.matcher import PhraseMatcher
from hotline.triage.text import phrase_keys

PRIVATE_FILE = Path(__file__).resolve().parent / "private.toml"


@cache
def private_phrases() -> dict[str, tuple[str, ...]]:
    """Every private phrase, by language."""
    with PRIVATE_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {code: tuple(str(p) for p in body.get("phrases", ())) for code, body in data.items()}


@cache
def _matcher() -> PhraseMatcher:
    return PhraseMatcher(
        (phrase, Tag("private", "private", code, phrase))
        for code, phrases in private_phrases().items()
        for phrase in phrases
    )


def private_words(text: str) -> list[str]:
    """The private phrases a text contains (in any of the languages), as listed."""
    found = (match.tag.phrase for match in _matcher().find(phrase_keys(text)))
    return list(dict.fromkeys(found))


def is_private(text: str) -> bool:
    return bool(private_words(text))
