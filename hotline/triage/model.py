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
# What a text is for: a need (or an offer) to act on, or one of the texts that ask for
# nothing and get one kind reply and a person's look instead of an offer to volunteers.
INTENTS: tuple[str, ...] = ("request", "offer", "greeting", "question", "thanks", "news", "vague")

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
    # The words of the text that decided the urgency (or the first category), as written,
    # and the lexicon rule that read them: what a dispatcher is shown as the reason.
    reason: str | None = None
    rule: str | None = None
    intent: str = "request"

    @property
    def is_request(self) -> bool:
        """Whether the text asks for something a volunteer could bring."""
        return self.intent == "request"

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
