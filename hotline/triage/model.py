"""The values triage produces: the label sets, a group's zones and the result for one text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The order here is the order of the issue; results are sorted by PRIORITY instead.
CATEGORIES: tuple[str, ...] = (
    "rescue",
    "medical",
    "water",
    "food",
    "shelter",
    "clothing",
    "missing_person",
    "safety",
    "transport",
    "money",
    "power",
    "death",
    "other",
)
URGENCIES: tuple[str, ...] = ("emergency", "urgent", "routine")
KINDS: tuple[str, ...] = ("request", "offer", "other")

# What a dispatcher should read first: threats to life before needs, needs before reports.
PRIORITY: tuple[str, ...] = (
    "rescue",
    "medical",
    "safety",
    "missing_person",
    "water",
    "food",
    "shelter",
    "clothing",
    "transport",
    "power",
    "money",
    "death",
    "other",
)

# Needs that cannot wait for the routine queue even when nobody wrote "urgent".
URGENT_CATEGORIES: frozenset[str] = frozenset(
    {"rescue", "medical", "safety", "missing_person", "water"}
)


@dataclass(frozen=True)
class Zone:
    """A ZIP/postal code or a named area the group serves, with the names locals use for it."""

    name: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def from_setting(cls, zone: Mapping[str, object]) -> Zone:
        """A zone as groups store it: {"name": "02145", "aliases": ["Winter Hill"]}."""
        aliases = zone.get("aliases") or ()
        names = aliases if isinstance(aliases, list | tuple) else ()
        return cls(str(zone.get("name", "")), tuple(str(alias) for alias in names))

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the zone goes by, its own first."""
        return (self.name, *self.aliases)

    @property
    def label(self) -> str:
        """The zone as people say it: "Winter Hill" rather than "02145" when a name has words."""
        return next((n for n in self.names if any(c.isalpha() for c in n)), self.name)


@dataclass(frozen=True)
class TriageResult:
    """What triage decided about one text."""

    categories: tuple[str, ...]
    urgency: str
    kind: str
    language: str
    location: str | None
    people: int | None
    zone: str | None = None

    def to_json(self, id: object) -> dict[str, object]:
        return {
            "id": id,
            "categories": list(self.categories),
            "urgency": self.urgency,
            "kind": self.kind,
            "language": self.language,
            "location": self.location,
            "people": self.people,
        }
