"""Turn an SMS into comparable word keys: lowercase, no accents, squeezed letters, with spans."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple


class Token(NamedTuple):
    """One word of the text: its key for matching and where it sits in the original."""

    key: str
    start: int
    end: int
    # A sentence mark (. ! ? ; newline) or a comma sits between this token and the previous one.
    sentence_break: bool
    comma_break: bool


def _fold_table() -> dict[int, str]:
    """Map each Latin letter to one lowercase unaccented letter, so spans keep their length."""
    # Plain capitals here too, so folding is one translate that never changes the length
    # (str.lower() does for a few letters: "İstanbul" grows by one).
    table: dict[int, str] = {ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char.lower())
        letters = [c for c in base if "a" <= c <= "z"]
        if letters:
            table[code] = letters[0]
    # Typographic apostrophes people's phones insert; one apostrophe keeps the rules simple.
    for quote in "\u2019\u2018\u02bc`\u00b4":
        table[ord(quote)] = "'"
    return table


_FOLD = _fold_table()
# English clitics stay glued ("don't" -> "dont") so one abbreviation entry expands them;
# elsewhere an apostrophe separates words ("l'eau", "m'ap", "d'eau").
_WORD = re.compile(r"[a-z]+(?:'(?:t|s|re|ll|ve|d)\b)?|\d+")
_SENTENCE = re.compile(r"[.!?;:\n]")
_REPEATS = re.compile(r"([a-z])\1+")


def fold(text: str) -> str:
    """Lowercase Latin letters and strip their accents without changing the text's length."""
    return text.translate(_FOLD)


@lru_cache(maxsize=65536)  # SMS vocabulary repeats; this is a third of the time otherwise
def squeeze(word: str) -> str:
    """Collapse doubled letters, so "pleeease", "neeed" and "need" share one key ("plase")."""
    return _REPEATS.sub(r"\1", word.replace("'", ""))


def tokenize(text: str) -> list[Token]:
    """Split a text into tokens; digits and letters separate ("5moun" -> "5", "moun")."""
    folded = fold(text)
    tokens: list[Token] = []
    previous_end = 0
    for found in _WORD.finditer(folded):
        start, end = found.span()
        gap = folded[previous_end:start]
        tokens.append(
            Token(
                squeeze(found.group()),
                start,
                end,
                bool(_SENTENCE.search(gap)),
                "," in gap,
            )
        )
        previous_end = end
    return tokens


def phrase_keys(phrase: str) -> list[str]:
    """The keys a lexicon phrase is matched by: the same folding as a text."""
    return [token.key for token in tokenize(phrase)]
