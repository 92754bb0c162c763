"""The Triager: compile the lexicons once, then read each text into a TriageResult."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from hotline.triage.intent import intent_of
from hotline.triage.language import LanguageGuesser
from hotline.triage.lexicon import Lexicon, Tag, load_lexicons
from hotline.triage.location import find_location
from hotline.triage.matcher import Match, PhraseMatcher
from hotline.triage.model import PRIORITY, URGENT_CATEGORIES, TriageResult, Zone
from hotline.triage.people import count_people
from hotline.triage.text import Token, phrase_keys, tokenize

# A "no longer need ..." covers at most this many words, and never past a sentence end.
NEGATION_REACH = 6
# Glued words ("bezwendlo", "mbezwen") are split only into parts a lexicon knows.
MIN_GLUED = 4
_PRIORITY = {category: rank for rank, category in enumerate(PRIORITY)}
ZONE_SECTION = "zone"
# Negation labels that only say how to read an emergency near them.
CONTEXT_LABELS = frozenset({"not_now", "hardship"})
# Needs that, named beside "dying", say what the dying is of: hunger and thirst.
HARDSHIP = frozenset({"food", "water"})
# A reason longer than this is a gapped phrase spanning half the text; it is cut.
REASON_CHARS = 60


class Triager:
    """Decides categories, urgency, kind, language, location and head count for a text."""

    def __init__(
        self,
        zones: Sequence[Zone] = (),
        extra_lexicon_dirs: Sequence[Path] = (),
        default_language: str = "en",
    ) -> None:
        lexicons = load_lexicons(extra_lexicon_dirs)
        self.languages: tuple[str, ...] = tuple(sorted(lexicons))
        self._guesser = LanguageGuesser(lexicons, default_language)
        phrases = [item for lexicon in lexicons.values() for item in lexicon.tagged_phrases()]
        for zone in zones:
            tag = Tag(ZONE_SECTION, zone.name, "*")
            phrases.extend((name, tag) for name in (zone.name, *zone.aliases) if phrase_keys(name))
        self._matcher = PhraseMatcher(phrases)
        self._abbreviations = {code: _abbreviations(lexicon) for code, lexicon in lexicons.items()}
        self._numbers: dict[str, int] = {}
        for lexicon in lexicons.values():
            for word, number in lexicon.numbers.items():
                keys = phrase_keys(word)
                if len(keys) == 1:
                    self._numbers.setdefault(keys[0], number)
        self._own_words = {
            code: {key for word in lexicon.stopwords for key in phrase_keys(word)}
            for code, lexicon in lexicons.items()
        }
        self._stopwords: set[str] = set().union(*self._own_words.values())
        # "m", "n", "k" glued to a word in Creole SMS ("mbezwen" = "m bezwen"); vowels are
        # left alone, or "address" would read as "a dress".
        self._single_letters = {
            word for word in self._stopwords if len(word) == 1 and word not in "aeiouy"
        }
        self._split_cache: dict[str, tuple[str, ...]] = {}

    def triage(self, text: str, *, language_hint: str | None = None) -> TriageResult:
        raw = tokenize(text)
        language = self._guesser.guess([token.key for token in raw], language_hint)
        tokens = self._expand(raw, language)
        keys = [token.key for token in tokens]
        own_words = self._own_words.get(language, set())
        matches = _prefer(self._matcher.find(keys), keys, language, own_words)
        matches = _defuse(_drop_negated(matches, tokens), tokens)
        tags = [match.tag for match in matches]

        categories = _categories(tags)
        emergency = any(tag.section == "emergency" for tag in tags)
        labels = {tag.label for tag in tags if tag.section == "kind"}
        kind = _kind(labels, bool(categories), emergency)
        if emergency:
            urgency = "emergency"
        elif kind == "request" and (
            any(tag.section == "urgent" for tag in tags) or URGENT_CATEGORIES & set(categories)
        ):
            urgency = "urgent"
        else:
            urgency = "routine"
        zone = next((tag.label for tag in tags if tag.section == ZONE_SECTION), None)
        decisive = _decisive(matches, urgency)
        return TriageResult(
            categories=categories or ("other",),
            urgency=urgency,
            kind=kind,
            language=language,
            location=find_location(text, tokens, matches, self._stopwords),
            people=count_people(keys, matches, self._numbers),
            zone=zone,
            reason=_words(text, tokens, decisive) if decisive else None,
            rule=_rule(decisive.tag) if decisive else None,
            intent=intent_of(kind, labels, tokens, self._stopwords, matches),
        )

    def _expand(self, raw: Sequence[Token], language: str) -> list[Token]:
        """Spell out the language's SMS shorthand and split glued words."""
        shorthand = self._abbreviations.get(language, {})
        tokens: list[Token] = []
        for token in raw:
            keys = shorthand.get(token.key) or self._split(token.key)
            if len(keys) == 1 and keys[0] == token.key:
                tokens.append(token)
                continue
            for offset, key in enumerate(keys):
                first = offset == 0
                tokens.append(
                    Token(
                        key,
                        token.start,
                        token.end,
                        token.sentence_break and first,
                        token.comma_break and first,
                    )
                )
        return tokens

    def _split(self, key: str) -> tuple[str, ...]:
        cached = self._split_cache.get(key)
        if cached is not None:
            return cached
        parts: tuple[str, ...] = (key,)
        known = self._matcher.knows
        if len(key) >= MIN_GLUED and not key.isdigit() and not known(key):
            for cut in range(1, len(key) - 1):
                left, right = key[:cut], key[cut:]
                if not known(right) or len(right) < 2:
                    continue
                if (left in self._single_letters) or (len(left) >= 3 and known(left)):
                    parts = (left, right)
                    break
        if len(self._split_cache) > 50_000:  # bounded: texts bring endless new words
            self._split_cache.clear()
        self._split_cache[key] = parts
        return parts


def _abbreviations(lexicon: Lexicon) -> dict[str, tuple[str, ...]]:
    expanded: dict[str, tuple[str, ...]] = {}
    for short, full in lexicon.abbreviations.items():
        short_keys = phrase_keys(short)
        if len(short_keys) == 1:
            expanded[short_keys[0]] = tuple(phrase_keys(full))
    return expanded


def _prefer(
    matches: list[Match], keys: Sequence[str], language: str, own_words: set[str]
) -> list[Match]:
    """Drop a match inside a longer phrase ("water" in "water broke") and, where two
    languages read the same words differently ("pain"), keep the text's language. A stop
    word of the text's language never counts as another language's phrase (French "il"
    is not English "ill"). Context phrases ("what to do if", "my papers", "hunger") only
    colour an emergency: they neither give way nor swallow a need ("clothes" in "my
    clothes")."""
    spans: dict[tuple[int, int], set[str]] = {}
    for match in matches:
        if not match.gapped and match.tag.label not in CONTEXT_LABELS:
            spans.setdefault((match.start, match.end), set()).add(match.tag.language)
    kept: list[Match] = []
    for match in matches:
        if (
            match.tag.section in ("location", ZONE_SECTION, "people")
            or match.tag.label in CONTEXT_LABELS
        ):
            kept.append(match)
            continue
        span = (match.start, match.end)
        if not match.gapped and any(
            other != span and other[0] <= span[0] and span[1] <= other[1]
            for other in spans
            if other[1] - other[0] > span[1] - span[0]
        ):
            continue
        languages = spans.get(span, set())
        foreign = match.tag.language not in (language, "*")
        if foreign and language in languages:
            continue
        if foreign and span[1] - span[0] == 1 and keys[span[0]] in own_words:
            continue
        kept.append(match)
    return kept


def _drop_negated(matches: list[Match], tokens: Sequence[Token]) -> list[Match]:
    """A need that is over ("no longer need water", "pa bezwen dlo ankò") is not a need.
    Emergencies are never dropped: a missed one costs more than a false alarm."""
    breaks = {m.start for m in matches if m.tag.label == "clause_break"}
    negated: set[int] = set()
    for match in matches:
        if match.tag.label != "cancel":
            continue
        for at in range(match.end, min(match.end + NEGATION_REACH, len(tokens))):
            if at in breaks or tokens[at].sentence_break or tokens[at].comma_break:
                break
            negated.add(at)
        negated.update(range(match.start, match.end))
    if not negated:
        return matches
    return [
        m
        for m in matches
        if not (m.start in negated and m.tag.section in ("categories", "urgent", "kind"))
        or m.tag.label == "cancel"
    ]


def _sentences(tokens: Sequence[Token]) -> list[int]:
    """The sentence each token sits in, counted from 0."""
    numbers: list[int] = []
    current = 0
    for token in tokens:
        current += token.sentence_break
        numbers.append(current)
    return numbers


def _defuse(matches: list[Match], tokens: Sequence[Token]) -> list[Match]:
    """An emergency phrase in the same sentence as a "not now" phrase ("what to do if
    someone is trapped", "they got him out from under the rubble") is read as urgent: the
    need stays, the alarm does not ring for a question or a rescue already done. Someone
    dying is an emergency too, unless the text says it is of hunger, thirst or cold."""
    if not any(m.tag.section == "dying" or m.tag.label == "not_now" for m in matches):
        return matches
    sentence = _sentences(tokens)
    calm = {sentence[m.start] for m in matches if m.tag.label == "not_now"}
    # Hardship anywhere in the text: "we are starving. we are dying" is one plea.
    hardship = any(
        m.tag.label == "hardship" or (m.tag.section == "categories" and m.tag.label in HARDSHIP)
        for m in matches
    )
    kept: list[Match] = []
    for m in matches:
        section = m.tag.section
        if section == "dying":
            section = "urgent" if hardship or sentence[m.start] in calm else "emergency"
        elif section == "emergency" and sentence[m.start] in calm:
            section = "urgent"
        if section == m.tag.section:
            kept.append(m)
        else:
            kept.append(Match(m.start, m.end, replace(m.tag, section=section), m.gapped))
    return kept


def _decisive(matches: Sequence[Match], urgency: str) -> Match | None:
    """The match a dispatcher should read as the reason: the phrase that made it an
    emergency or urgent, else the one behind the first category."""
    sections = {"emergency": ("emergency",), "urgent": ("urgent", "categories")}.get(
        urgency, ("categories",)
    )
    for section in sections:
        found = [m for m in matches if m.tag.section == section and m.tag.label in _PRIORITY]
        found += [m for m in matches if m.tag.section == section and m.tag.label == "general"]
        if found:
            return min(found, key=lambda m: (_PRIORITY.get(m.tag.label, len(_PRIORITY)), m.start))
    return None


def _words(text: str, tokens: Sequence[Token], match: Match) -> str:
    """The text's own words under a match, as the neighbour wrote them."""
    words = " ".join(text[tokens[match.start].start : tokens[match.end - 1].end].split())
    return words if len(words) <= REASON_CHARS else words[: REASON_CHARS - 3].rstrip() + "..."


def _rule(tag: Tag) -> str:
    return f"{tag.language} {tag.section} {tag.label}: {tag.phrase}"


def _categories(tags: Sequence[Tag]) -> tuple[str, ...]:
    found = {
        tag.label
        for tag in tags
        if tag.section in ("categories", "emergency", "urgent") and tag.label != "general"
    }
    return tuple(sorted(found, key=_PRIORITY.__getitem__))


def _kind(labels: set[str], has_need: bool, emergency: bool) -> str:
    if "offer" in labels and not emergency:
        return "offer"
    if emergency or "request" in labels:
        return "request"
    # "Thanks for the water" is not a new need; "where can we get water?" is.
    if has_need and "thanks" not in labels:
        return "request"
    return "other"
