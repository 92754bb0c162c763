"""Pick out where a text says it is: an address, cross streets, a landmark, a zone or a ZIP."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from hotline.triage.matcher import Match
from hotline.triage.text import Token

# Lower is better: a street address beats "near the church", which beats a bare ZIP.
ADDRESS, CORNER, STREET, NEAR, AREA, POSTCODE, CAPITALISED = range(7)
NAME_WORDS = 4  # at most this many words of a street or place name
NEAR_WORDS = 5
_ZIP = re.compile(r"\d{5}")
_TRIM = " \t\r\n,.;:!?-()[]\"'"
# Cross streets are often written with a symbol: "Main St & 5th Ave", "ri A / ri B".
_JOINERS = re.compile(r"^\s*[&/@+]\s*$")


class _Reading:
    """One text's tokens with the positions that end a place name."""

    def __init__(
        self,
        text: str,
        tokens: Sequence[Token],
        matches: Sequence[Match],
        stopwords: Collection[str],
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.stopwords = stopwords
        # A street word ends the name before it: "Oak St & Elm St" is two names.
        self.cues = {m.start for m in matches if m.tag.section == "location"}
        # Words that say something else (a need, a count) end a place name.
        self.content = {
            at
            for m in matches
            if m.tag.section not in ("location", "zone") and not m.gapped
            for at in range(m.start, m.end)
        }

    def breaks_before(self, at: int) -> bool:
        token = self.tokens[at]
        return token.sentence_break or token.comma_break

    def name_after(self, start: int, limit: int, *, through_cues: bool = False) -> int:
        """End of a name that begins at `start`: until a break, a content word, another
        street word (unless `through_cues`, for "corner of X and Y") or `limit` words."""
        end = start
        while (
            end < len(self.tokens)
            and end - start < limit
            and end not in self.content
            and not (end > start and self.breaks_before(end))
            and (through_cues or end == start or end not in self.cues)
        ):
            end += 1
        # A name does not end in "de", "la", "nou": trailing stop words belong to the sentence.
        while end > start and self.tokens[end - 1].key in self.stopwords:
            end -= 1
        return end

    def name_before(self, end: int, limit: int) -> int:
        """Start of a name that ends at `end` (exclusive), walking back over name words."""
        start = end
        while (
            start > 0
            and end - start < limit
            and start - 1 not in self.content
            and self.tokens[start - 1].key not in self.stopwords
            and start - 1 not in self.cues
            and not self.breaks_before(start)
        ):
            start -= 1
        return start

    def capitalised_after(self, start: int) -> int:
        """End of the capitalised words ("Kafou Fèy", "Walnut") that begin at `start`."""
        end = start
        while (
            end < len(self.tokens)
            and end - start < NAME_WORDS
            and self.text[self.tokens[end].start].isupper()
            and end not in self.content
            and not self.breaks_before(end)
        ):
            end += 1
        return end

    def span(self, start: int, end: int) -> str:
        raw = self.text[self.tokens[start].start : self.tokens[end - 1].end]
        return " ".join(raw.split()).strip(_TRIM)


def _streets(reading: _Reading, matches: Sequence[Match]) -> list[tuple[int, int, int]]:
    found: list[tuple[int, int, int]] = []
    tokens = reading.tokens
    for match in matches:
        label = match.tag.label
        if label == "street_after":
            start = reading.name_before(match.start, NAME_WORDS)
            if start == match.start:
                continue
            if start > 0 and tokens[start - 1].key.isdigit() and not reading.breaks_before(start):
                start -= 1
            rank = ADDRESS if tokens[start].key.isdigit() else STREET
            found.append((rank, start, match.end))
        elif label == "street_before":
            end = reading.name_after(match.end, NAME_WORDS)
            if end == match.end:
                continue
            start = match.start
            if start > 0 and tokens[start - 1].key.isdigit() and not reading.breaks_before(start):
                start -= 1
            has_number = any(tokens[at].key.isdigit() for at in range(start, end))
            found.append((ADDRESS if has_number else STREET, start, end))
    return found


def _join_cross_streets(
    reading: _Reading, streets: list[tuple[int, int, int]], connectors: set[int]
) -> list[tuple[int, int, int]]:
    """Two streets joined by "and", "ak", "y", "et" or "&" are one place: the corner."""
    streets.sort(key=lambda street: street[1])
    joined: list[tuple[int, int, int]] = []
    for street in streets:
        if joined:
            _rank, start, end = joined[-1]
            gap = street[1] - end
            gap_text = reading.text[reading.tokens[end - 1].end : reading.tokens[street[1]].start]
            if (gap == 1 and end in connectors) or (gap == 0 and _JOINERS.match(gap_text)):
                joined[-1] = (CORNER, start, street[2])
                continue
        joined.append(street)
    return joined


def _numbered(reading: _Reading, at: int) -> bool:
    """Is the word at `at` a number that ends a place's name (not a head count, not a ZIP)?"""
    return (
        at < len(reading.tokens)
        and reading.tokens[at].key.isdigit()
        and not _ZIP.fullmatch(reading.tokens[at].key)
        and at not in reading.content
        and at + 1 not in reading.content  # "Delmas 5 people": a head count
        and not reading.breaks_before(at)
    )


def find_location(
    text: str,
    tokens: Sequence[Token],
    matches: Sequence[Match],
    stopwords: Collection[str],
) -> str | None:
    reading = _Reading(text, tokens, matches, stopwords)
    cues = [m for m in matches if m.tag.section in ("location", "zone")]
    connectors = {m.start for m in cues if m.tag.label == "connector"}
    candidates = _join_cross_streets(reading, _streets(reading, cues), connectors)
    street_ends = {end: (rank, start) for rank, start, end in candidates}
    for match in cues:
        label = match.tag.label
        if label == "corner":
            end = reading.name_after(match.end, NAME_WORDS * 2, through_cues=True)
            if end > match.end:
                # "ri Pave kwen ri Sen Onore", "calle 8 esquina con Juarez": the street just
                # before the corner word is the other half of the crossing.
                rank, start = street_ends.get(match.start, (CORNER, match.start))
                if start != match.start and reading.breaks_before(match.start):
                    rank, start = CORNER, match.start
                candidates.append((min(rank, CORNER), start, end))
        elif label == "near":
            end = reading.name_after(match.end, NEAR_WORDS)
            if any(tokens[at].key not in stopwords for at in range(match.end, end)):
                candidates.append((NEAR, match.start, end))
        elif label == "area":
            end = reading.name_after(match.end, NAME_WORDS)
            if end > match.end:
                candidates.append((AREA, match.start, end))
        elif match.tag.section == "zone" or label == "place":
            end = match.end
            if _numbered(reading, end):
                end += 1  # "Delmas 33", "Santo 15": the number is part of the place's name
            candidates.append((AREA, match.start, end))
        elif label == "at":
            end = reading.capitalised_after(match.end)
            if end > match.end and _numbered(reading, end):
                end += 1  # "nan Delmas 33": the number is part of the place's name
            if end > match.end:
                candidates.append((CAPITALISED, match.end, end))
    for at, token in enumerate(tokens):
        # "10000 goud" is money, not a postcode: the word after it says so.
        if _ZIP.fullmatch(token.key) and at + 1 not in reading.content:
            candidates.append((POSTCODE, at, at + 1))
        elif token.key.isdigit() and at not in reading.content:
            # "house on fire, 22 Walnut": a number and a name with no street word.
            end = reading.capitalised_after(at + 1)
            if end > at + 1:
                candidates.append((CAPITALISED, at, end))
    if not candidates:
        return None
    # The best rank, the first in the text, and of two from the same word the longer.
    _rank, start, end = min(candidates, key=lambda c: (c[0], c[1], -c[2]))
    return reading.span(start, end) or None
