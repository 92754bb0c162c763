"""SMS templates: one file per message and language under templates_sms/, rendered to budget."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hotline.sms.segments import clip, segment_count, to_gsm7

DEFAULT_LANGUAGE = "en"
BUDGETS_FILE = "budgets.toml"

# The longest a value may be once rendered: a long name or address is clipped, never allowed
# to push a message past its segment budget. Every placeholder a template uses must be here.
PLACEHOLDER_LIMITS: dict[str, int] = {
    "group": 24,
    "code": 6,
    "need": 60,
    "area": 40,
    "address": 80,
    "name": 20,
    "volunteer": 20,
    "phone": 16,
    "language": 12,
    "codes": 40,
    "claims": 100,
    "emergency": 6,
    "count": 4,
    "lines": 240,
    "urgency": 10,
    "summary": 60,
    "assignee": 20,
    "status": 14,
    "example": 6,
    "minutes": 4,
    "detail": 60,
    # A recording URL from the phone provider: long, and useless when cut.
    "link": 128,
}


class MissingPlaceholder(KeyError):
    """A placeholder in the template had no value."""


class UnknownTemplate(LookupError):
    """No template with this key exists in the language asked for, the fallback, or English."""


class TemplateError(ValueError):
    """A template file or budgets.toml is malformed; raised when the book is loaded."""


@dataclass(frozen=True)
class WithPhrase:
    """A value followed by a phrase that is a template of its own, so it comes out in the
    message's language: "agua (4 personas)". When too long, the text is clipped, never the
    phrase."""

    text: str
    phrase: str  # a template key, such as "people"
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    text: str
    language: str
    key: str
    segments: int


def placeholders_in(text: str, allowed: Collection[str]) -> frozenset[str]:
    """The {names} a message file uses (SMS template or spoken prompt).

    Raises ValueError for a stray brace and for a name that is not allowed or carries a
    format spec or conversion ({code!r}, {count:>3}): values are plain words, never code."""
    names = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            raise ValueError(f"unknown or formatted placeholder {{{name}}}")
        names.add(name)
    return frozenset(names)


def _placeholders(text: str, source: Path) -> frozenset[str]:
    try:
        return placeholders_in(text, PLACEHOLDER_LIMITS)
    except ValueError as error:
        raise TemplateError(f"{source}: {error}") from error


def _candidates(language: str | None) -> Iterable[str]:
    """Tags to try for one language: "es-MX" gives "es-mx", then "es"."""
    if not language:
        return
    tag = language.strip().lower().replace("_", "-")
    yield tag
    yield tag.split("-")[0]


class TemplateBook:
    """All templates under a root folder, loaded once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[tuple[str, str], str] = {}
        self._fields: dict[tuple[str, str], frozenset[str]] = {}
        for path in sorted(root.glob("*/*.txt")):
            language, key = path.parent.name, path.stem
            text = path.read_text(encoding="utf-8").rstrip("\r\n")
            self._fields[language, key] = _placeholders(text, path)
            self._texts[language, key] = text
        if not self._texts:
            raise TemplateError(f"no templates under {root}")
        self._two_segments = self._read_budgets(root / BUDGETS_FILE)

    def _read_budgets(self, path: Path) -> frozenset[str]:
        if not path.exists():
            return frozenset()
        with path.open("rb") as file:
            data = tomllib.load(file)
        keys = data.get("two_segments", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise TemplateError(f"{path}: two_segments must be a list of template keys")
        unknown = set(keys) - self.keys()
        if unknown:
            raise TemplateError(f"{path}: no such templates: {', '.join(sorted(unknown))}")
        return frozenset(keys)

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({language for language, _key in self._texts}))

    def keys(self) -> frozenset[str]:
        return frozenset(key for _language, key in self._texts)

    def placeholders(self, key: str, language: str) -> frozenset[str]:
        """The placeholders one template file uses."""
        try:
            return self._fields[language, key]
        except KeyError:
            raise UnknownTemplate(f"{language}/{key}") from None

    def budget(self, key: str) -> int:
        """Segments the message may take: 1 (160 GSM-7 characters) unless budgets.toml says 2."""
        if key not in self.keys():
            raise UnknownTemplate(key)
        return 2 if key in self._two_segments else 1

    def render(
        self, key: str, language: str | None, /, *, fallback: str, **values: object
    ) -> Rendered:
        """The message for key in language, else in the group's fallback, else in English.

        key and language are positional-only so that {language} can be a placeholder too."""
        candidate = self._language_for(
            key, (*_candidates(language), *_candidates(fallback), DEFAULT_LANGUAGE)
        )
        text = self._fill(candidate, key, values)
        return Rendered(text=text, language=candidate, key=key, segments=segment_count(text))

    def _language_for(self, key: str, languages: Iterable[str]) -> str:
        """The first of `languages` the template is written in."""
        found = next((language for language in languages if (language, key) in self._texts), None)
        if found is None:
            raise UnknownTemplate(key)
        return found

    def _fill(self, language: str, key: str, values: Mapping[str, object]) -> str:
        fields = {}
        for name in self._fields[language, key]:
            if name not in values:
                raise MissingPlaceholder(name)
            value, limit = values[name], PLACEHOLDER_LIMITS[name]
            if isinstance(value, WithPhrase):
                phrase_language = self._language_for(value.phrase, (language, DEFAULT_LANGUAGE))
                tail = clip(self._fill(phrase_language, value.phrase, value.values), limit)
                head = clip(to_gsm7(value.text, language), limit - len(tail) - 1)
                fields[name] = f"{head} {tail}" if head else tail
            else:
                # Transliterate before clipping so that "…" -> "..." cannot grow past the limit.
                fields[name] = clip(to_gsm7(str(value), language), limit)
        return to_gsm7(self._texts[language, key].format_map(fields), language)


def default_template_root(start: Path | None = None) -> Path:
    """The repository's templates_sms folder, found by searching upward from this file."""
    here = (start or Path(__file__)).resolve()
    for folder in here.parents:
        candidate = folder / "templates_sms"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no templates_sms folder above {here}")
