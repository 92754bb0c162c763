"""Find lexicon phrases in a text's word keys, with prefixes (`word*`) and gaps (`a ... b`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hotline.triage.lexicon import LexiconError, Tag
from hotline.triage.text import phrase_keys

# How many words may separate the parts of a gapped phrase ("labour ... bleeding").
GAP = 6
# Shorter prefixes than this would match too much ("ma*" is most of a language).
MIN_PREFIX = 3

Word = tuple[str, bool]  # (key, is_prefix)
Part = tuple[Word, ...]


@dataclass(frozen=True)
class Pattern:
    parts: tuple[Part, ...]
    tag: Tag


@dataclass(frozen=True)
class Match:
    """A phrase found at keys[start:end]; a gapped phrase spans its gap."""

    start: int
    end: int
    tag: Tag
    gapped: bool


def compile_phrase(phrase: str, tag: Tag) -> Pattern:
    parts: list[Part] = []
    for raw_part in phrase.split("..."):
        words: list[Word] = []
        for raw_word in raw_part.split():
            is_prefix = raw_word.endswith("*")
            keys = phrase_keys(raw_word.rstrip("*"))
            if not keys:
                raise LexiconError(f"{tag.language}: phrase {phrase!r} has an empty word")
            words.extend((key, False) for key in keys[:-1])
            if is_prefix and len(keys[-1]) < MIN_PREFIX:
                raise LexiconError(f"{tag.language}: prefix in {phrase!r} is too short")
            words.append((keys[-1], is_prefix))
        if not words:
            raise LexiconError(f"{tag.language}: phrase {phrase!r} has an empty part")
        parts.append(tuple(words))
    return Pattern(tuple(parts), tag)


def _part_matches(part: Part, keys: Sequence[str], at: int) -> bool:
    if at + len(part) > len(keys):
        return False
    for offset, (text, is_prefix) in enumerate(part):
        key = keys[at + offset]
        if not (key.startswith(text) if is_prefix else key == text):
            return False
    return True


class PhraseMatcher:
    """All phrases indexed by their first word, so a text costs a few dict lookups per word."""

    def __init__(self, phrases: Iterable[tuple[str, Tag]]) -> None:
        self._exact: dict[str, list[Pattern]] = {}
        # Phrases that open with two whole words, indexed by both: common first words
        # ("is", "nan", "de") would otherwise try every phrase they open at every use.
        self._pairs: dict[tuple[str, str], list[Pattern]] = {}
        self._prefix: dict[str, list[Pattern]] = {}
        self._vocabulary: set[str] = set()
        self._vocabulary_prefixes: set[str] = set()
        seen: set[Pattern] = set()
        for phrase, tag in phrases:
            pattern = compile_phrase(phrase, tag)
            if pattern in seen:
                continue
            seen.add(pattern)
            first = pattern.parts[0]
            key, is_prefix = first[0]
            if not is_prefix and len(first) > 1 and not first[1][1]:
                self._pairs.setdefault((key, first[1][0]), []).append(pattern)
            else:
                index = self._prefix if is_prefix else self._exact
                index.setdefault(key, []).append(pattern)
            for part in pattern.parts:
                for text, prefix in part:
                    (self._vocabulary_prefixes if prefix else self._vocabulary).add(text)
        self._prefix_lengths = sorted({len(key) for key in self._prefix})
        self._vocabulary_prefix_lengths = sorted({len(key) for key in self._vocabulary_prefixes})

    def knows(self, key: str) -> bool:
        """Whether any phrase uses this word (exactly or through a prefix)."""
        if key in self._vocabulary:
            return True
        return any(
            key[:length] in self._vocabulary_prefixes
            for length in self._vocabulary_prefix_lengths
            if length <= len(key)
        )

    def _candidates(self, key: str, following: str | None) -> list[Pattern]:
        found = list(self._exact.get(key, ()))
        if following is not None:
            found.extend(self._pairs.get((key, following), ()))
        for length in self._prefix_lengths:
            if length > len(key):
                break
            found.extend(self._prefix.get(key[:length], ()))
        return found

    def find(self, keys: Sequence[str]) -> list[Match]:
        matches: list[Match] = []
        last = len(keys) - 1
        for start, key in enumerate(keys):
            following = keys[start + 1] if start < last else None
            for pattern in self._candidates(key, following):
                first = pattern.parts[0]
                # The index already checked the first word; most phrases are one word long.
                if len(first) > 1 and not _part_matches(first[1:], keys, start + 1):
                    continue
                end = start + len(first)
                for part in pattern.parts[1:]:
                    end = self._find_part(part, keys, end)
                    if end < 0:
                        break
                if end >= 0:
                    matches.append(Match(start, end, pattern.tag, len(pattern.parts) > 1))
        return matches

    @staticmethod
    def _find_part(part: Part, keys: Sequence[str], after: int) -> int:
        """End of `part` found within GAP words after `after`, else -1."""
        for at in range(after, min(after + GAP + 1, len(keys))):
            if _part_matches(part, keys, at):
                return at + len(part)
        return -1
