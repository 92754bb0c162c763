"""Load, check and merge the per-language TOML lexicons (the built-in ones and a group's own)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hotline.triage.model import CATEGORIES

BUILTIN_DIR = Path(__file__).resolve().parent / "lexicons"

# Section -> the labels a phrase list may carry there. "general" marks urgency without a category.
PHRASE_SECTIONS: dict[str, frozenset[str]] = {
    "categories": frozenset(CATEGORIES) - {"other"},
    "emergency": frozenset(CATEGORIES) - {"other"} | {"general"},
    "urgent": frozenset(CATEGORIES) - {"other"} | {"general"},
    # Someone dying: an emergency unless the sentence names a hardship ("dying of hunger").
    "dying": frozenset(CATEGORIES) - {"other"} | {"general"},
    "kind": frozenset(
        {"offer", "request", "thanks", "question", "greeting", "service", "news", "information"}
    ),
    # "not_now": an emergency phrase after it is a question, a past event or a rumour
    # ("what to do if someone is trapped", "he was trapped but is out"): urgent, not an alarm.
    # "hardship": hunger, thirst or cold in the sentence makes "dying" urgent, not an alarm.
    "negation": frozenset({"cancel", "clause_break", "not_now", "hardship"}),
    "people": frozenset({"before", "after", "subgroup", "not_people", "with_me"}),
    "location": frozenset(
        {"street_before", "street_after", "corner", "near", "area", "at", "place", "connector"}
    ),
}


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Tag:
    """What a matched phrase means: its section and label, and the language that said so."""

    section: str
    label: str
    language: str
    phrase: str = ""


@dataclass
class Lexicon:
    """Everything one language contributes; a group's file for the same language extends it."""

    code: str
    name: str = ""
    stopwords: set[str] = field(default_factory=set)
    abbreviations: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    # (section, label) -> phrases as written in the file
    phrases: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def tagged_phrases(self) -> Iterator[tuple[str, Tag]]:
        for (section, label), phrases in self.phrases.items():
            for phrase in phrases:
                yield phrase, Tag(section, label, self.code, phrase)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LexiconError(f"{where}: expected a list of phrases in quotes")
    return [item for item in value if item.strip()]


def _merge_file(lexicons: dict[str, Lexicon], path: Path) -> None:
    code = path.stem
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(f"{path}: {error}") from error
    lexicon = lexicons.setdefault(code, Lexicon(code))
    for section, body in data.items():
        where = f"{path} [{section}]"
        if not isinstance(body, Mapping):
            raise LexiconError(f"{where}: expected a table of entries")
        if section == "language":
            _merge_language(lexicon, body, where)
        elif section == "abbreviations":
            for short, full in body.items():
                if not isinstance(full, str):
                    raise LexiconError(f"{where} {short}: expected the full form in quotes")
                lexicon.abbreviations[short] = full
        elif section == "numbers":
            for word, number in body.items():
                if not isinstance(number, int) or isinstance(number, bool):
                    raise LexiconError(f"{where} {word}: expected a whole number")
                lexicon.numbers[word] = number
        elif section in PHRASE_SECTIONS:
            for label, value in body.items():
                if label not in PHRASE_SECTIONS[section]:
                    allowed = ", ".join(sorted(PHRASE_SECTIONS[section]))
                    raise LexiconError(f"{where}: unknown label {label!r} (use one of {allowed})")
                phrases = _strings(value, f"{where} {label}")
                lexicon.phrases.setdefault((section, label), []).extend(phrases)
        else:
            raise LexiconError(f"{where}: unknown section")


def _merge_language(lexicon: Lexicon, body: Mapping[str, object], where: str) -> None:
    for key, value in body.items():
        if key == "name" and isinstance(value, str):
            lexicon.name = value
        elif key == "stopwords":
            lexicon.stopwords.update(_strings(value, f"{where} stopwords"))
        else:
            raise LexiconError(f"{where}: unknown entry {key!r}")


def load_lexicons(extra_dirs: Sequence[Path] = ()) -> dict[str, Lexicon]:
    """Built-in lexicons first, then each extra directory's `<lang>.toml` adds to them."""
    lexicons: dict[str, Lexicon] = {}
    for directory in (BUILTIN_DIR, *extra_dirs):
        if not Path(directory).is_dir():
            raise LexiconError(f"{directory}: not a directory of lexicon files")
        for path in sorted(Path(directory).glob("*.toml")):
            _merge_file(lexicons, path)
    return lexicons
