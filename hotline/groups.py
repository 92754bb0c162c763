"""Creating groups, their zones, and the default group that HOTLINE_NUMBER implies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.models import Group
from hotline.phones import InvalidNumber, normalise
from hotline.runtime.settings import Settings


class GroupError(ValueError):
    """A group that cannot be created as asked, with a one-line reason."""


def parse_zone(text: str) -> dict[str, Any]:
    """`02145` or `Winter Hill: WH, the hill` -> {"name": ..., "aliases": [...]}."""
    name, _, aliases = text.partition(":")
    if not name.strip():
        raise GroupError(f"empty zone name in {text!r}")
    return {
        "name": name.strip(),
        "aliases": [a.strip() for a in aliases.split(",") if a.strip()],
    }


def add_group(
    session: Session,
    name: str,
    raw_number: str,
    *,
    region: str = "US",
    language: str = "en",
    emergency: str = "911",
    zones: list[dict[str, Any]] | None = None,
) -> Group:
    try:
        number = normalise(raw_number, region)
    except InvalidNumber as exc:
        raise GroupError(str(exc)) from exc
    if session.scalar(select(Group).where(Group.hotline_number == number)):
        raise GroupError(f"{number} already belongs to a group")
    if session.scalar(select(Group).where(func.lower(Group.name) == name.lower())):
        raise GroupError(f"a group named {name!r} already exists")
    group = Group(
        name=name,
        hotline_number=number,
        region=region.upper(),
        default_language=language.lower(),
        emergency_number=emergency,
        zones=zones or [],
        settings={},
    )
    session.add(group)
    session.flush()
    return group


def ensure_default_group(session: Session, settings: Settings) -> Group | None:
    """With HOTLINE_NUMBER set and no group yet, create the default group on that number."""
    if not settings.hotline_number:
        return None
    if session.scalar(select(Group.id).limit(1)) is not None:
        return None
    try:
        return add_group(
            session,
            "Hotline",
            settings.hotline_number,
            region=settings.default_region,
            language=settings.default_language,
        )
    except GroupError:
        return None
