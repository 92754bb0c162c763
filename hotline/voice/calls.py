"""Calls in progress: one VoiceCall row per CallSid holds where the caller is in the menus.

Every webhook locks the row, so a step and a hang-up arriving together are applied one after
the other, and a retried webhook finds its step already done and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline.models import Group, HelpRequest, VoiceCall
from hotline.phones import normalise_loose
from hotline.runtime.services import Hotline, Work
from hotline.triage import Zone
from hotline.voice.menu import CallState, MenuConfig, Step, advance, start
from hotline.voice.opening import sync_request
from hotline.voice.prompts import DEFAULT_LANGUAGE, VoicePrompts
from hotline.voice.script import GroupVoice, Turn, turn_for, unknown_number

# Twilio's CallStatus values for a call that is over.
ENDED_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


@dataclass(frozen=True)
class Caller:
    """The call parameters Twilio posts with every voice webhook."""

    call_sid: str
    from_number: str
    to_number: str


def answer_call(hotline: Hotline, prompts: VoicePrompts, caller: Caller) -> Turn:
    """A new call (or Twilio retrying the first webhook): the first question."""
    with hotline.work() as work:
        call = _call_for(hotline, work.session, caller, prompts)
        if call.group_id is None:
            return unknown_number(prompts)
        group = work.session.get_one(Group, call.group_id)
        return turn_for(
            state_of(call), group_voice(group, prompts), prompts, code=_code(work, call)
        )


def answer_step(
    hotline: Hotline,
    prompts: VoicePrompts,
    caller: Caller,
    *,
    step: str,
    retry: int,
    digits: str | None,
    recording_url: str | None,
) -> Turn:
    """Apply the caller's answer to (step, retry) and say what comes next."""
    with hotline.work() as work:
        call = _call_for(hotline, work.session, caller, prompts)
        if call.group_id is None:
            return unknown_number(prompts)
        group = work.session.get_one(Group, call.group_id)
        voice = group_voice(group, prompts)
        state = state_of(call)
        if (step, retry) != (state.step.value, state.retries):
            # Already applied (a retried webhook) or from a menu long gone: say where we are.
            return turn_for(state, voice, prompts, code=_code(work, call))
        advanced = advance(state, menu_config(voice, len(group.zones)), digits, recording_url)
        store(call, advanced.state)
        call.updated_at = hotline.clock.now()
        sync_request(hotline, work, group, call, advanced.state, ending=False)
        return turn_for(
            advanced.state, voice, prompts, notes=advanced.notes, code=_code(work, call)
        )


def end_call(hotline: Hotline, prompts: VoicePrompts, caller: Caller, call_status: str) -> bool:
    """The call is over: whatever the caller entered becomes a request if it is not one yet.

    Returns False for a status that does not end the call (nothing is done for those).
    """
    if call_status not in ENDED_STATUSES:
        return False
    with hotline.work() as work:
        call = _call_for(hotline, work.session, caller, prompts)
        call.status = call_status
        call.updated_at = hotline.clock.now()
        if call.group_id is not None and call.request_id is None:
            group = work.session.get_one(Group, call.group_id)
            sync_request(hotline, work, group, call, state_of(call), ending=True)
    return True


def _call_for(
    hotline: Hotline, session: Session, caller: Caller, prompts: VoicePrompts
) -> VoiceCall:
    """The call's row, locked; created (at the start of the menus) on the first webhook."""
    call = _locked(session, caller.call_sid)
    if call is not None:
        return call
    region = hotline.settings.default_region
    to_number = normalise_loose(caller.to_number, region)
    group = session.scalar(select(Group).where(Group.hotline_number == to_number))
    now = hotline.clock.now()
    call = VoiceCall(
        group_id=group.id if group else None,
        call_sid=caller.call_sid,
        from_number=normalise_loose(caller.from_number, group.region if group else region)[:20],
        to_number=to_number[:20],
        created_at=now,
        updated_at=now,
    )
    if group is not None:
        store(call, start(menu_config(group_voice(group, prompts), len(group.zones))))
    try:
        with session.begin_nested():
            session.add(call)
    except IntegrityError:
        # The same first webhook, retried while the first was being answered.
        existing = _locked(session, caller.call_sid)
        assert existing is not None
        return existing
    return call


def _locked(session: Session, call_sid: str) -> VoiceCall | None:
    return session.scalar(select(VoiceCall).where(VoiceCall.call_sid == call_sid).with_for_update())


def _code(work: Work, call: VoiceCall) -> str | None:
    if call.request_id is None:
        return None
    return work.session.get_one(HelpRequest, call.request_id).code


def group_voice(group: Group, prompts: VoicePrompts) -> GroupVoice:
    spoken = set(prompts.languages())
    # A language without spoken prompts would be read by the English voice: leave it out.
    languages = tuple(lang for lang in group.config.voice_languages if lang in spoken)
    default = group.default_language if group.default_language in spoken else DEFAULT_LANGUAGE
    return GroupVoice(
        name=group.name,
        languages=languages or (default,),
        default_language=default,
        emergency_number=group.emergency_number,
        zone_names=tuple(Zone.from_setting(zone).label for zone in group.zones or []),
    )


def menu_config(voice: GroupVoice, zone_count: int) -> MenuConfig:
    return MenuConfig(voice.languages, voice.default_language, zone_count)


def state_of(call: VoiceCall) -> CallState:
    return CallState(
        step=Step(call.step),
        retries=call.retries,
        language=call.language,
        need=call.need,
        location_digits=call.location_digits,
        recording_url=call.recording_url,
        callback_by=call.callback_by,
    )


def store(call: VoiceCall, state: CallState) -> None:
    call.step = state.step.value
    call.retries = state.retries
    call.language = state.language
    call.need = state.need
    call.location_digits = state.location_digits
    call.recording_url = state.recording_url
    call.callback_by = state.callback_by
