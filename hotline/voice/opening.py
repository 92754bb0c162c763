"""A call becomes a help request: no triage needed, the keys say it all; it opens as a text's
does (`intake.opening`), and the menus that follow fill it in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.intake.opening import open_need
from hotline.messages import neighbours as neighbours_told
from hotline.models import (
    Contact,
    Group,
    HelpRequest,
    InboundMessage,
    Urgency,
    VoiceCall,
)
from hotline.needs import neighbour_actor, record_event
from hotline.people import contact_for
from hotline.runtime.services import Hotline, Work
from hotline.triage import Zone
from hotline.triage_record import record_keypad
from hotline.voice.menu import (
    DEFAULT_CALLBACK,
    EMERGENCY_NEED,
    CallState,
    Step,
    keys_summary,
    read_place,
)

PROVIDER = "twilio-voice"


def zone_for_digits(
    zones: list[dict[str, Any]], digits: str | None
) -> tuple[str | None, str | None]:
    """(location, zone) for the keys typed at "where": a listed zone's number or a postal code."""
    if not digits:
        return None, None
    place = read_place(digits, len(zones))
    if place is None:
        return None, None
    if place.zone_index is not None:
        return None, str(zones[place.zone_index]["name"])
    for zone in map(Zone.from_setting, zones):
        if digits in zone.names:
            return digits, zone.name
    return digits, None


def sync_request(
    hotline: Hotline, work: Work, group: Group, call: VoiceCall, state: CallState, *, ending: bool
) -> HelpRequest | None:
    """Open the call's request once there is enough to act on, or bring it up to date.

    An emergency opens at once; other needs when the menus are done or the caller hangs up.
    """
    session = work.session
    request = session.get(HelpRequest, call.request_id) if call.request_id else None
    if request is None:
        finished = ending or state.step == Step.DONE
        if not finished and state.need != EMERGENCY_NEED:
            return None
        request = _open(hotline, work, group, call, state)
    else:
        _update(hotline, work, request, call, state)
    if state.step == Step.DONE and state.callback_by == "sms" and _can_text(call.from_number):
        neighbour = session.get_one(Contact, request.contact_id)
        neighbours_told.call_acknowledged(hotline, work, group, neighbour, request)
    return request


def _open(
    hotline: Hotline, work: Work, group: Group, call: VoiceCall, state: CallState
) -> HelpRequest:
    session, now = work.session, hotline.clock.now()
    contact = contact_for(session, group, call.from_number)
    if contact.language is None and state.language:
        contact.language = state.language
    category = state.need or "other"

    def fill(request: HelpRequest) -> None:
        request.language = state.language or contact.language or group.default_language
        request.categories = [category]
        request.urgency = Urgency.EMERGENCY if category == EMERGENCY_NEED else Urgency.ROUTINE
        request.location, request.zone = zone_for_digits(group.zones, state.location_digits)
        request.recording_url = state.recording_url
        request.callback_by = state.callback_by or DEFAULT_CALLBACK
        record_keypad(request, category)

    # The caller was already asked where; any answer they gave is all there is to wait for.
    request, _ = open_need(
        hotline, work, group, contact, need=category, fill=fill, channel="voice", asked_where=True
    )
    call.request_id = request.id
    session.add(
        InboundMessage(
            group_id=group.id,
            provider=PROVIDER,
            provider_sid=call.call_sid,
            from_number=call.from_number,
            to_number=call.to_number,
            body=keys_summary(state),
            contact_id=contact.id,
            request_id=request.id,
            received_at=call.created_at,
            # Handled here and now: the inbound worker and its sweeper must leave it alone.
            processed_at=now,
            outcome="voice_request",
        )
    )
    return request


def _update(
    hotline: Hotline, work: Work, request: HelpRequest, call: VoiceCall, state: CallState
) -> None:
    """Keys pressed after an emergency request opened: where, the message, how to reach them."""
    session = work.session
    group = session.get_one(Group, request.group_id)
    added = []
    location, zone = zone_for_digits(group.zones, state.location_digits)
    if (location or zone) and not (request.location or request.zone):
        request.location, request.zone = location, zone
        added.append("place")
    if state.recording_url and request.recording_url != state.recording_url:
        request.recording_url = state.recording_url
        added.append("recording")
    if state.callback_by and request.callback_by != state.callback_by:
        request.callback_by = state.callback_by
        added.append("callback_by")
    _inbound_of(session, call).body = keys_summary(state)
    if added:
        actor = neighbour_actor(request.contact_id)
        now = hotline.clock.now()
        record_event(session, request, actor, "detail_added", now, via="voice", added=added)


def _inbound_of(session: Session, call: VoiceCall) -> InboundMessage:
    return session.scalars(
        select(InboundMessage).where(
            InboundMessage.provider == PROVIDER, InboundMessage.provider_sid == call.call_sid
        )
    ).one()


# What carriers put in From when the caller id is withheld: "ANONYMOUS", "RESTRICTED",
# "UNAVAILABLE" spelled on a keypad. Nobody can text these.
WITHHELD_CALLER_IDS = frozenset({"+266696687", "+7378742833", "+86282452253"})


def _can_text(number: str) -> bool:
    return number.startswith("+") and number[1:].isdigit() and number not in WITHHELD_CALLER_IDS
