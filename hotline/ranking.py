"""Who to ask first: ranking on-call volunteers for a request. Pure: no database, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

# Skills a volunteer can list, and the request categories they fit.
SKILLS_FOR_CATEGORY: dict[str, frozenset[str]] = {
    "medical": frozenset({"medical", "nurse", "doctor", "first_aid", "emt"}),
    "rescue": frozenset({"rescue", "first_aid", "emt", "boat"}),
    "transport": frozenset({"transport", "driver", "car", "truck"}),
    "shelter": frozenset({"shelter", "carpentry", "housing"}),
    "power": frozenset({"power", "electrician", "generator"}),
    "water": frozenset({"water", "delivery", "driver", "car"}),
    "food": frozenset({"food", "cooking", "delivery", "driver", "car"}),
    "safety": frozenset({"safety", "security"}),
    "missing_person": frozenset({"search", "rescue"}),
    "money": frozenset({"money", "benefits"}),
    "clothing": frozenset({"clothing", "delivery"}),
}


@dataclass(frozen=True)
class Candidate:
    volunteer_id: int
    zones: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    open_claims: int
    last_offered_at: datetime | None


@dataclass(frozen=True)
class Need:
    zone: str | None
    categories: tuple[str, ...]
    language: str


def rank(candidates: Sequence[Candidate], need: Need) -> list[Candidate]:
    """Zone first, then skill for the category, language, fewest claims, asked least recently."""
    wanted_skills = frozenset().union(*(SKILLS_FOR_CATEGORY.get(c, {c}) for c in need.categories))
    zone = (need.zone or "").lower()

    def key(c: Candidate) -> tuple[int, int, int, int, float]:
        in_zone = bool(zone) and zone in {z.lower() for z in c.zones}
        skilled = bool(wanted_skills & set(c.skills))
        speaks = need.language in c.languages or (not c.languages and need.language == "en")
        asked = c.last_offered_at.timestamp() if c.last_offered_at else 0.0
        return (not in_zone, not skilled, not speaks, c.open_claims, asked)

    return sorted(candidates, key=key)
