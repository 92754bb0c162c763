"""Twilio's voice webhooks: the keypad menus and the call status callback. Logic is in voice/."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask.blueprints import BlueprintSetupState

from hotline.channels.twilio.twiml import to_twiml
from hotline.voice.calls import Caller, answer_call, answer_step, end_call
from hotline.voice.menu import Step
from hotline.voice.prompts import VoicePrompts
from hotline.web.twilio_hooks import hotline, signed_by_twilio

bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")


@bp.record_once
def load_prompts(state: BlueprintSetupState) -> None:
    # Loaded with the app, so a broken prompt file stops start-up instead of a caller's call.
    root = state.app.extensions["hotline"].templates.root
    state.app.extensions["voice_prompts"] = VoicePrompts(root)


def prompts() -> VoicePrompts:
    loaded: VoicePrompts = current_app.extensions["voice_prompts"]
    return loaded


KEYPAD = frozenset("0123456789*#")
MOST_KEYS = 32  # far more than any menu step reads; Twilio's finishOnKey ends input anyway
NOT_A_KEY = "?"  # what the menus read as "not understood", so the caller hears it again


def keys_pressed(raw: str | None) -> str | None:
    """Digits as the menus may read them: only keypad keys, a sensible length, else a key
    no menu knows. Forged or garbled input ("²", 4,300 digits) must not reach int()."""
    if raw is None:
        return None
    keys = raw.strip()
    if len(keys) > MOST_KEYS or not set(keys) <= KEYPAD:
        return NOT_A_KEY
    return keys


def _small_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 3


def caller() -> Caller:
    form = request.form
    sid, from_number, to_number = form.get("CallSid"), form.get("From"), form.get("To")
    if not sid or not from_number or not to_number:
        abort(400)
    return Caller(sid, from_number, to_number)


def action_url(step: Step, retry: int) -> str:
    """Absolute under the public URL (what Twilio signs), relative if none is configured."""
    path = url_for("voice.menu", step=step.value, retry=retry)
    return (hotline().settings.public_url or "") + path


def twiml(text: str) -> Response:
    return Response(text, mimetype="text/xml")


@bp.post("")
@signed_by_twilio
def incoming() -> Response:
    turn = answer_call(hotline(), prompts(), caller())
    return twiml(to_twiml(turn, action_url))


@bp.post("/menu")
@signed_by_twilio
def menu() -> Response:
    step, retry = request.args.get("step", ""), request.args.get("retry", "")
    if step not in Step.__members__.values() or not _small_number(retry):
        abort(400)
    turn = answer_step(
        hotline(),
        prompts(),
        caller(),
        step=step,
        retry=int(retry),
        digits=keys_pressed(request.form.get("Digits")),
        recording_url=request.form.get("RecordingUrl") or None,
    )
    return twiml(to_twiml(turn, action_url))


@bp.post("/status")
@signed_by_twilio
def status() -> Response:
    end_call(hotline(), prompts(), caller(), request.form.get("CallStatus", ""))
    return Response(status=204)
