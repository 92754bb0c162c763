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

from hotline.models import (
    ACTIVE_STATUSES,
    Contact,
    Group,
    HelpRequest,
    RequestEvent,
    Urgency,
)
from hotline.runtime import logs
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
#
# The area is *written* from a street name or the zone, never copied from the location: the
# location may be the neighbour's whole answer to "where are you?", with a door code in it.

# Street words in the languages we serve, by where the name goes: "Elm St", "Calle Ocho".
# Not "place" or "way": "my sister's place", "on my way" are said more often than written.
_NAME_THEN_STREET = (
    "st|street|str|ave|avenue|av|rd|road|blvd|boulevard|ln|lane|dr|drive|ct|court|pl"
    "|ter|terrace|pkwy|parkway|hwy|highway|sq|square|cir|circle"
)
_STREET_THEN_NAME = "rue|ri|calle|avenida|carrera|camino|chemin|route|impasse|avenue|boulevard"
# A street name is at most three plain words (letters only, so never a number).
_WORD = r"[^\W\d_][^\W\d_'.-]*"
_NAME_FIRST = re.compile(rf"(?i)\b((?:{_WORD}\s+){{0,2}}{_WORD})\s+({_NAME_THEN_STREET})\b\.?")
_STREET_FIRST = re.compile(rf"(?i)\b({_STREET_THEN_NAME})\s+((?:{_WORD}\s+){{0,2}}{_WORD})\b")
# Words that begin a sentence rather than a street's name ("at Elm St", "near Oak Ave").
_NOT_NAME_WORDS = (
    "a an and at by corner de for i im in is it la le my near of on our the to we"
    " en nan sou kwen ak esquina con y cerca por coin et pres"
)
_NOT_NAME = frozenset(_NOT_NAME_WORDS.split())
# A unit word names what the number after it counts: "lot 45", "door 12", "apt 3".
_UNIT = (
    r"apt|apartment|appt|unit|suite|ste|flat|room|rm|lot|door|building|bldg|house|floor|fl|no"
    r"|num|number|piso|puerta|edificio|casa|depto|porte|batiman|kay|pot|etaj|trailer|space"
)
_NUMBERED_UNIT = re.compile(rf"(?i)(?:\b(?:{_UNIT})\b\.?|#)\s*(?:#\s*)?(?=\S*\d)")
# Any word holding a digit may be a house, flat or phone number, however it is spelled:
# "5550144", "617/555/0147", "O151" (letter O for zero), "12B", "#12".
_HAS_DIGIT = re.compile(r"\S*\d\S*")
_SPACES = re.compile(r"\s{2,}")
_EDGES = " ,;:.-/#()"


def without_numbers(text: str, keep: tuple[str, ...] = ()) -> str:
    """Drop every word with a digit in it (and the "lot", "door" or "#" before it); keep the
    zones in `keep`, whose names may hold a number ("Delmas 33")."""
    kept = sorted((k for k in keep if k), key=len, reverse=True)
    for at, zone in enumerate(kept):
        # Whole words only: a ZIP zone inside a phone number must not shield the number.
        whole = rf"(?<!\w){re.escape(zone)}(?!\w)"
        text = re.sub(whole, f"\x00{at}\x00", text, flags=re.IGNORECASE)
    text = _NUMBERED_UNIT.sub(" ", text)
    text = _HAS_DIGIT.sub(lambda m: m.group(0) if _only_zones(m.group(0)) else " ", text)
    for at, zone in enumerate(kept):
        text = text.replace(f"\x00{at}\x00", zone)
    return _SPACES.sub(" ", text).strip(_EDGES)


def _only_zones(word: str) -> bool:
    """True when every digit in `word` belongs to a kept zone ("02145", not "02145-5555")."""
    return "\x00" in word and not re.search(r"\d", re.sub(r"\x00\d+\x00", "", word))


def street_name(location: str) -> str:
    """The street a location names ("Elm St", "Calle Ocho"), or "" when it names none."""
    for match in _NAME_FIRST.finditer(location):
        words = match.group(1).split()
        # The name is the plain words after the last one that is not a name: "corner of Oak".
        cut = max((at + 1 for at, word in enumerate(words) if _not_name(word)), default=0)
        if words[cut:]:
            return " ".join([*words[cut:], match.group(2)])
    for match in _STREET_FIRST.finditer(location):
        words = match.group(2).split()
        cut = next((at for at, word in enumerate(words) if _not_name(word)), len(words))
        if words[:cut]:
            return " ".join([match.group(1), *words[:cut]])
    return ""


def _not_name(word: str) -> bool:
    key = word.lower().strip(".")
    return key in _NOT_NAME or bool(re.fullmatch(f"{_NAME_THEN_STREET}|{_STREET_THEN_NAME}", key))


def rough_area(request: HelpRequest) -> str:
    """Street name or zone, never the house number: what a volunteer sees in an offer."""
    zone = request.zone or ""
    street = street_name(request.location or "")
    parts = [p for p in (street, zone) if p]
    if street and zone and zone.lower() in street.lower():
        parts = [street]
    return ", ".join(parts) or "area not given yet"


def offer_need(request: HelpRequest) -> str | WithPhrase:
    """The need as written, minus the address and any word with a digit, then how many people
    it is for (from triage), in the reader's language."""
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
