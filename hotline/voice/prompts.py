"""Spoken prompts: templates_sms/<lang>/voice/<key>.txt, and the <Say> language for each."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from hotline.sms.templates import MissingPlaceholder, placeholders_in

DEFAULT_LANGUAGE = "en"
VOICE_FOLDER = "voice"
SETTINGS_FILE = "voice.toml"
PLACEHOLDERS = frozenset({"group", "digit", "emergency", "number", "zone", "code"})


class PromptError(ValueError):
    """A prompt file or voice.toml is malformed; raised when the prompts are loaded."""


class UnknownPrompt(LookupError):
    """No prompt with this key in the language asked for, nor in English."""


@dataclass(frozen=True)
class Line:
    """Something to say on the call, and the language attribute its <Say> needs."""

    text: str
    say_language: str


def _placeholders(text: str, source: Path) -> frozenset[str]:
    try:
        return placeholders_in(text, PLACEHOLDERS)
    except ValueError as error:
        raise PromptError(f"{source}: {error}") from error


class VoicePrompts:
    """Every language's spoken prompts, loaded once so that a typo stops start-up, not a call."""

    def __init__(self, root: Path) -> None:
        self._texts: dict[tuple[str, str], str] = {}
        self._fields: dict[tuple[str, str], frozenset[str]] = {}
        self._say: dict[str, str] = {}
        for folder in sorted(root.glob(f"*/{VOICE_FOLDER}")):
            language = folder.parent.name
            settings = folder / SETTINGS_FILE
            if not settings.exists():
                raise PromptError(f"{settings} is missing: it names the <Say> language")
            with settings.open("rb") as file:
                say_language = tomllib.load(file).get("say_language")
            if not isinstance(say_language, str) or not say_language:
                raise PromptError(f"{settings}: say_language must be a tag such as en-US")
            self._say[language] = say_language
            for path in sorted(folder.glob("*.txt")):
                text = path.read_text(encoding="utf-8").strip()
                self._fields[language, path.stem] = _placeholders(text, path)
                self._texts[language, path.stem] = text
        if DEFAULT_LANGUAGE not in self._say:
            raise PromptError(f"no English voice prompts under {root}")

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._say))

    def keys(self, language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
        return frozenset(key for lang, key in self._texts if lang == language)

    def placeholders(self, key: str, language: str) -> frozenset[str]:
        return self._fields[language, key]

    def line(self, key: str, language: str | None, /, **values: object) -> Line:
        """The prompt in `language`, else in English; a missing placeholder value raises."""
        for candidate in (language or DEFAULT_LANGUAGE, DEFAULT_LANGUAGE):
            if (candidate, key) in self._texts:
                break
        else:
            raise UnknownPrompt(key)
        missing = self._fields[candidate, key] - values.keys()
        if missing:
            raise MissingPlaceholder(f"prompt {candidate}/{key} needs {sorted(missing)[0]}")
        text = self._texts[candidate, key].format_map({k: str(v) for k, v in values.items()})
        return Line(text, self._say[candidate])


def spelled(digits: str) -> str:
    """Digits one by one ("4, 8, 2, 1"), so that <Say> does not read "four thousand..."."""
    return ", ".join(digits)
