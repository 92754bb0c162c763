"""The sim's HTTP face: Twilio's Messages REST API, the phone simulator page, and /_sim controls."""

from __future__ import annotations

import hmac
import socket
import time
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.simulators.twilio_sim.carrier import Carrier
from hotline.simulators.twilio_sim.state import (
    API_VERSION,
    FAULT_ERRORS,
    FAULT_MODES,
    ApiError,
    SimMessage,
    SimState,
    is_e164,
)
from hotline.simulators.twilio_sim.voice import Switchboard
from hotline.simulators.twilio_sim.voice_page import add_voice_routes

API_PREFIX = f"/{API_VERSION}/Accounts/"
# Longest outage another process may ask for over HTTP; it cannot lift a refusal itself.
MAX_REFUSE_SECONDS = 300.0

# Called with how long to stop listening and the asking connection, which must be spared;
# only the server can close its own socket.
RefuseHook = Callable[[float, socket.socket | None], None]

_TWILIO_DIRECTION = {
    "outbound-api": "outbound-api",
    "inbound": "inbound",
    "inline-reply": "outbound-reply",
    # Carried by the local gateway phone, not by Twilio; listed so no lookup can fail on it.
    "gateway": "outbound-api",
}


def twilio_date(message_time: datetime) -> str:
    """RFC 2822 with a numeric zone, as Twilio writes dates ("Mon, 01 Jan 2024 00:00:00 +0000")."""
    return format_datetime(message_time)


def message_resource(message: SimMessage) -> dict[str, object]:
    """A message as Twilio's REST API renders its Message resource."""
    uri = f"{API_PREFIX}{message.account_sid}/Messages/{message.sid}.json"
    sent = message.status not in {"queued", "accepted", "received"}
    return {
        "account_sid": message.account_sid,
        "api_version": API_VERSION,
        "body": message.body,
        "date_created": twilio_date(message.created_at),
        "date_sent": twilio_date(message.updated_at) if sent else None,
        "date_updated": twilio_date(message.updated_at),
        "direction": _TWILIO_DIRECTION[message.direction],
        "error_code": message.error_code,
        "error_message": None,
        "from": message.from_number,
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": "0",
        "num_segments": str(message.num_segments),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": uri.removesuffix(".json") + "/Media.json"},
        "to": message.to_number,
        "uri": uri,
    }


def phone_message(phone_number: str, message: SimMessage) -> dict[str, object]:
    """A message as one phone sees it, for the simulator page."""
    sent = message.from_number == phone_number
    carrier = message.direction == "carrier"
    return {
        "sid": message.sid,
        "sent": sent,
        "other_number": message.to_number if sent else message.from_number,
        # Twilio's own confirmation of STOP or START: the phone shows who really sent it.
        "sender": "Twilio (carrier)" if carrier else None,
        "body": message.body,
        "status": message.status,
        "error_code": message.error_code,
        "kind": message.direction,
        "created_at": message.created_at.isoformat(),
        "time": message.created_at.strftime("%H:%M:%S"),
    }


def sim_message(message: SimMessage) -> dict[str, object]:
    return {
        "sid": message.sid,
        "from_number": message.from_number,
        "to_number": message.to_number,
        "body": message.body,
        "status": message.status,
        "direction": message.direction,
        "status_callback": message.status_callback,
        "error_code": message.error_code,
        "created_at": message.created_at.isoformat(),
    }


def _api_error(error: ApiError) -> Response:
    response = jsonify(error.to_json())
    response.status_code = error.http_status
    return response


def create_sim_app(
    state: SimState,
    carrier: Carrier | None = None,
    *,
    refuse: RefuseHook | None = None,
    switchboard: Switchboard | None = None,
) -> Flask:
    """Build the sim's Flask app around a state; refuse is how /_sim/fault can stop listening."""
    app = Flask(__name__)
    carrier = carrier or Carrier(state)
    app.extensions["twilio_sim"] = (state, carrier)
    _add_twilio_api(app, state, carrier)
    _add_phone_page(app, state, carrier)
    _add_controls(app, state, refuse)
    add_voice_routes(app, state, switchboard or Switchboard(state, carrier.poster))
    return app


def _add_twilio_api(app: Flask, state: SimState, carrier: Carrier) -> None:
    """Twilio's Messages REST API, behind Basic auth and the configured faults."""

    @app.before_request
    def twilio_api_gate() -> Response | None:
        if not request.path.startswith(API_PREFIX):
            return None
        fault = state.take_fault()
        if fault == "slow":
            # The server is slow, not the test: this is the delay the client must survive.
            time.sleep(state.slow_seconds)
        elif fault is not None:
            return _api_error(FAULT_ERRORS[fault])
        auth = request.authorization
        if (
            auth is None
            or auth.type != "basic"
            or not hmac.compare_digest(auth.username or "", state.account_sid)
            or not hmac.compare_digest(auth.password or "", state.auth_token)
        ):
            response = _api_error(ApiError(401, 20003, "Authenticate"))
            response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
            return response
        return None

    @app.post(f"{API_PREFIX}<account_sid>/Messages.json")
    def create_message(account_sid: str) -> tuple[Response, int] | Response:
        if account_sid != state.account_sid:
            return _api_error(ApiError(404, 20404, "The requested resource was not found"))
        form = request.form
        try:
            message = state.create_outbound(
                to_number=form.get("To"),
                from_number=form.get("From"),
                body=form.get("Body"),
                status_callback=form.get("StatusCallback") or None,
                messaging_service_sid=form.get("MessagingServiceSid") or None,
            )
        except ApiError as error:
            return _api_error(error)
        carrier.schedule_callbacks(message)
        return jsonify(message_resource(message)), 201

    @app.get(f"{API_PREFIX}<account_sid>/Messages/<message_sid>.json")
    def fetch_message(account_sid: str, message_sid: str) -> Response:
        message = state.get(message_sid)
        if account_sid != state.account_sid or message is None:
            return _api_error(
                ApiError(404, 20404, f"The requested resource {request.path} was not found")
            )
        return jsonify(message_resource(message))


def _add_phone_page(app: Flask, state: SimState, carrier: Carrier) -> None:
    """The page where a person plays the phones, and the JSON it polls."""

    @app.get("/")
    def phones() -> str:
        preset_numbers = {preset.number for preset in state.presets}
        extra = [
            number
            for number in dict.fromkeys(request.args.getlist("phone"))
            if is_e164(number) and number not in preset_numbers
        ]
        shown = [(p.label, p.number) for p in state.presets] + [(n, n) for n in extra]
        return render_template(
            "phones.html",
            phones=[
                (
                    label,
                    number,
                    [phone_message(number, m) for m in state.conversation(number)],
                    state.opted_out_numbers(number),
                )
                for label, number in shown
            ],
            extra_numbers=extra,
            hotline_number=state.hotline_number or "",
            hotline_connected=bool(state.hotline_url),
            notice=request.args.get("notice", ""),
        )

    @app.get("/_sim/conversation.json")
    def conversation() -> Response | tuple[Response, int]:
        number = request.args.get("phone", "")
        if not is_e164(number):
            return jsonify({"error": "phone must be an E.164 number"}), 400
        return jsonify(
            {
                "phone": number,
                "messages": [phone_message(number, m) for m in state.conversation(number)],
                "opted_out_of": state.opted_out_numbers(number),
            }
        )

    @app.post("/_sim/text")
    def text() -> ResponseReturnValue:
        from_number = request.form.get("from", "").strip()
        to_number = request.form.get("to", "").strip() or state.hotline_number or ""
        body = request.form.get("body", "")
        wants_json = request.accept_mimetypes.best == "application/json"
        error = None
        if not is_e164(from_number) or not is_e164(to_number):
            error = "Both numbers must be in E.164 form, like +12025550123."
        elif not body.strip():
            error = "Type a message first."
        elif not state.hotline_url:
            error = "The sim does not know the hotline's URL."
        if error is None:
            result = carrier.text_hotline(from_number, to_number, body)
            if result.error is not None:
                error = "The hotline could not be reached."
            elif not result.ok:
                error = f"The hotline answered HTTP {result.status_code}."
        if wants_json:
            return jsonify({"ok": error is None, "error": error}), 200 if error is None else 502
        # Without script the form posts here; go back to the page the person was on.
        args = [("phone", n) for n in request.form.getlist("shown")]
        if error:
            args.append(("notice", error))
        return redirect(url_for("phones") + ("?" + urlencode(args) if args else ""), 303)


def _add_controls(app: Flask, state: SimState, refuse: RefuseHook | None) -> None:
    """What tests and other processes use to inspect and break the sim over HTTP."""

    @app.get("/_sim/messages")
    def messages() -> Response:
        return jsonify([sim_message(m) for m in state.messages()])

    @app.post("/_sim/reset")
    def reset() -> Response:
        state.reset()
        return jsonify({"ok": True})

    @app.post("/_sim/fault")
    def fault() -> Response | tuple[Response, int]:
        mode = request.form.get("mode", "").strip() or None
        count_text = request.form.get("count", "").strip()
        seconds_text = request.form.get("seconds", "").strip()
        if mode is not None and mode not in FAULT_MODES:
            return jsonify({"error": f"unknown mode; use one of {sorted(FAULT_MODES)}"}), 400
        try:
            count = int(count_text) if count_text else None
            seconds = float(seconds_text) if seconds_text else None
        except ValueError:
            return jsonify({"error": "count must be an integer and seconds a number"}), 400
        if mode == "refuse":
            if refuse is None:
                return jsonify({"error": "this sim cannot refuse connections"}), 400
            if seconds is None or not 0 < seconds <= MAX_REFUSE_SECONDS:
                return jsonify(
                    {"error": f"refuse needs seconds, more than 0 and at most {MAX_REFUSE_SECONDS}"}
                ), 400
            # Before answering, so that once the caller has its answer connections are refused.
            refuse(seconds, request.environ.get("werkzeug.socket"))
            return jsonify({"ok": True, "mode": mode, "seconds": seconds})
        try:
            state.set_fault(mode, count)
        except ValueError as exc:
            return jsonify({"error": str(exc)}), 400
        return jsonify({"ok": True, "mode": mode, "count": count})
