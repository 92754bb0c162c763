"""The project's own hand-written, hand-labelled texts in each language, read from <lang>.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Example:
    """A text and the reading it must get: categories it includes, urgency and intent."""

    text: str
    needs: tuple[str, ...]
    urgency: str
    intent: str
    language: str


def load_examples(directory: Path = EXAMPLES_DIR) -> dict[str, list[Example]]:
    """Every example file's texts, by language code (the file name)."""
    found: dict[str, list[Example]] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            rows = tomllib.load(handle)["examples"]
        found[path.stem] = [
            Example(
                str(row["text"]),
                tuple(str(n) for n in row["needs"]),
                str(row["urgency"]),
                str(row["intent"]),
                path.stem,
            )
            for row in rows
        ]
    return found
