"""Help requests: opening one with a fresh code, adding detail, the audit trail, privacy scrubs."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import logs
from hotline.models import (
    ACTIVE_STATUSES,
    Contact,
    Group,
    HelpRequest,
    RequestEvent,
    Urgency,
)
from hotline.sms.templates import WithPhrase

LANGUAGE_NAMES = {"en": "English", "es": "Espanol", "fr": "Francais", "ht": "Kreyol"}
_URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


@dataclass(frozen=True)
class Actor:
    """Who did something to a request, for the audit trail."""

    kind: str  # neighbour | volunteer | dispatcher | system
    id: int | None = None
    label: str = ""


SYSTEM = Actor("system", None, "hotline")


def neighbour_actor(contact_id: int) -> Actor:
    return Actor("neighbour", contact_id, "neighbour")


def record_event(
    session: Session, request: HelpRequest, actor: Actor, action: str, at: datetime, **detail: Any
) -> None:
    session.add(
        RequestEvent(
            request_id=request.id,
            at=at,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_label=actor.label[:80],
            action=action,
            detail=detail,
        )
    )
    logs.on_commit(session, _event_line(request, actor, action, detail))


# Detail that says what happened without saying who: never names, numbers or words.
_LOGGED_DETAIL = ("wave", "urgency", "categories", "reason", "status")


def _event_line(request: HelpRequest, actor: Actor, action: str, detail: dict[str, Any]) -> str:
    who = actor.kind if actor.id is None else f"{actor.kind} {actor.id}"
    said = [
        f"{key} {','.join(map(str, value)) if isinstance(value, list) else value}"
        for key in _LOGGED_DETAIL
        if (value := detail.get(key)) not in (None, "", [])
    ]
    if "volunteers" in detail:
        said.append(f"to {len(detail['volunteers'])} volunteers")
    return f"request #{request.code} {action} by {who}" + (f" ({'; '.join(said)})" if said else "")


def new_code(session: Session, group: Group) -> str:
    """A random code of digits never used before in this group (so an old YES cannot misfire).

    Random rather than sequential so that one code says nothing about the others; the code
    grows a digit once most codes of the current length are taken.
    """
    used = session.scalar(select(func.count()).where(HelpRequest.group_id == group.id)) or 0
    digits = 4
    while used > 0.6 * 9 * 10 ** (digits - 1):
        digits += 1
    while True:
        for _ in range(20):
            code = str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))
            taken = session.scalar(
                select(HelpRequest.id).where(
                    HelpRequest.group_id == group.id, HelpRequest.code == code
                )
            )
            if not taken:
                return code
        digits += 1


def open_request(
    session: Session,
    group: Group,
    contact: Contact,
    *,
    need: str,
    now: datetime,
    channel: str = "sms",
    language: str | None = None,
) -> HelpRequest:
    """Insert a request with a fresh code; retried if two workers draw the same code at once.
    Its language: the number's chosen one, else `language` (what was read), else the group's."""
    for _ in range(5):
        request = HelpRequest(
            group_id=group.id,
            code=new_code(session, group),
            contact_id=contact.id,
            need=need,
            language=contact.language or language or group.default_language,
            channel=channel,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(request)
        except IntegrityError:
            continue
        return request
    raise RuntimeError("could not draw a free request code")


def active_requests(session: Session, contact: Contact) -> list[HelpRequest]:
    return list(
        session.scalars(
            select(HelpRequest)
            .where(HelpRequest.contact_id == contact.id, HelpRequest.status.in_(ACTIVE_STATUSES))
            .order_by(HelpRequest.created_at.desc())
        )
    )


def by_code(session: Session, group: Group, code: str | None) -> HelpRequest | None:
    if not code:
        return None
    return session.scalar(
        select(HelpRequest).where(HelpRequest.group_id == group.id, HelpRequest.code == code)
    )


def more_urgent(a: Urgency, b: Urgency) -> Urgency:
    return a if _URGENCY_RANK[a] <= _URGENCY_RANK[b] else b


def urgency_rank(urgency: Urgency) -> int:
    return _URGENCY_RANK[urgency]


# --- What a volunteer may see before claiming: no phone numbers, no house numbers. ---

_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_UNIT = re.compile(r"(?i)\b(?:apt|apartment|unit|suite|ste|no|num|#)\.?\s*\w*\d\w*")
# Street words in the languages we serve; a number before one (within a few words) is a house.
_STREET_WORDS = (
    "st|street|str|ave|avenue|av|rd|road|blvd|boulevard|ln|lane|dr|drive|way|ct|court|pl|place"
    "|ter|terrace|pkwy|hwy|highway|sq|square|rue|ri|calle|avenida|carrera|camino|chemin|route|impasse"
)
_HOUSE_NUMBER = re.compile(
    rf"(?i)(?<![\w#])\d+[a-z]?(?:[-/]\d+)?(?=,?\s+(?:[^\W\d]+\.?\s+){{0,3}}(?:{_STREET_WORDS})\b)"
)
# Where the number follows the street name ("Calle Ocho 1542", "Rue Capois 12").
_NUMBER_AFTER_STREET = re.compile(
    r"(?i)\b((?:calle|rue|ri|avenida|av|carrera|chemin)\s+(?:[^\W\d]+\s+){0,3}?[^\W\d]+),?\s+\d+[a-z]?\b"
)
# "at 40 Broadway": a number right before a capitalised name is most likely a house number;
# dropping a number that was not one costs little, leaking an address costs a lot.
_NUMBER_BEFORE_NAME = re.compile(r"(?<![\w#])\d{1,5}[a-zA-Z]?(?=,?\s+[A-Z][a-z])")
_SPACES = re.compile(r"\s{2,}")


def without_numbers(text: str, keep: tuple[str, ...] = ()) -> str:
    """Drop phone numbers, flat numbers and house numbers; keep ZIP codes and known zones."""
    kept = {k for k in keep if k}

    def house(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0) in kept else ""

    text = _PHONE.sub("", text)
    text = _UNIT.sub("", text)
    text = _HOUSE_NUMBER.sub(house, text)
    text = _NUMBER_AFTER_STREET.sub(r"\1", text)
    text = _NUMBER_BEFORE_NAME.sub(house, text)
    return _SPACES.sub(" ", text).strip(" ,;.-")


def rough_area(request: HelpRequest) -> str:
    """Street or zone, never the house number: what a volunteer sees in an offer."""
    zone = request.zone or ""
    street = without_numbers(request.location or "", keep=(zone,))
    parts = [p for p in (street, zone) if p]
    if street and zone and zone.lower() in street.lower():
        parts = [street]
    return ", ".join(parts) or "area not given yet"


def offer_need(request: HelpRequest) -> str | WithPhrase:
    """The need as written, minus the address and any numbers that could locate or call them,
    then how many people it is for, in the reader's language."""
    text = request.need
    if request.location:
        text = text.replace(request.location, " ")
    text = without_numbers(text, keep=(request.zone or "",))
    text = text or ", ".join(request.categories) or "help"
    if not request.people:
        return text
    phrase = "people_one" if request.people == 1 else "people"
    return WithPhrase(text, phrase, {"count": request.people})


def full_address(request: HelpRequest) -> str:
    parts = [p for p in (request.location, request.zone) if p]
    if request.location and request.zone and request.zone in request.location:
        parts = [request.location]
    return ", ".join(parts) or "no address given: call or text them"
