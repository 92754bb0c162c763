"""The phone page's calls: JSON endpoints behind each phone's Call button and keypad."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

from hotline.simulators.twilio_sim.state import SimState, is_e164
from hotline.simulators.twilio_sim.voice import Call, CallOver, Switchboard

KEYS = frozenset("0123456789*#")


def call_view(call: Call) -> dict[str, object]:
    return {
        "sid": call.sid,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "status": call.status,
        "ended": call.ended,
        "waiting_for": call.waiting_for,
        "transcript": [{"text": s.text, "language": s.language} for s in call.transcript],
        "errors": list(call.errors),
    }


def add_voice_routes(app: Flask, state: SimState, switchboard: Switchboard) -> None:
    def answer(call: Call, error: str | None = None) -> tuple[Response, int]:
        return jsonify({**call_view(call), "error": error}), 200 if error is None else 409

    def found(sid: str) -> Call | tuple[Response, int]:
        call = switchboard.get(sid)
        if call is None:
            return jsonify({"error": "no such call"}), 404
        return call

    @app.post("/_sim/call")
    def start_call() -> ResponseReturnValue:
        from_number = request.form.get("from", "").strip()
        to_number = request.form.get("to", "").strip() or state.hotline_number or ""
        if not is_e164(from_number) or not is_e164(to_number):
            return jsonify({"error": "Both numbers must be in E.164 form."}), 400
        if not state.hotline_url:
            return jsonify({"error": "The sim does not know the hotline's URL."}), 400
        return answer(switchboard.call_hotline(from_number, to_number))

    @app.get("/_sim/call/<sid>.json")
    def show_call(sid: str) -> ResponseReturnValue:
        call = found(sid)
        return call if isinstance(call, tuple) else answer(call)

    @app.post("/_sim/call/<sid>/<action>")
    def act_on_call(sid: str, action: str) -> ResponseReturnValue:
        call = found(sid)
        if isinstance(call, tuple):
            return call
        keys = request.form.get("keys", "")
        try:
            if action == "press" and keys and set(keys) <= KEYS:
                call.press(keys)
            elif action == "wait":
                call.wait()
            elif action == "record":
                call.record()
            elif action == "hangup":
                call.hang_up()
            else:
                return jsonify({"error": "unknown action or keys"}), 400
        except (CallOver, RuntimeError) as exc:
            return answer(call, str(exc))
        return answer(call)
