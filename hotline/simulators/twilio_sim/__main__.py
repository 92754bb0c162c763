"""Run the sim alone: `python -m hotline.simulators.twilio_sim --port 8081 ...`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hotline.simulators.loopback import exposure_refused, serve_until_stopped
from hotline.simulators.twilio_sim.server import SimServer
from hotline.simulators.twilio_sim.state import DEFAULT_PRESETS, PhonePreset, is_e164


def _preset(text: str) -> PhonePreset:
    label, separator, number = text.rpartition("=")
    if not separator or not label or not is_e164(number):
        raise argparse.ArgumentTypeError(f"expected LABEL=+E164NUMBER, got {text!r}")
    return PhonePreset(label, number)


def _e164(text: str) -> str:
    if not is_e164(text):
        raise argparse.ArgumentTypeError(
            f"expected an E.164 number like +12025550123, got {text!r}"
        )
    return text


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m hotline.simulators.twilio_sim",
        description="A Twilio-compatible SMS server and phone simulator for the hotline.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--expose", action="store_true", help="allow a --host beyond loopback (a shown demo)"
    )
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    parser.add_argument("--hotline-url", help="the hotline's public base URL, for inbound texts")
    parser.add_argument("--hotline-number", type=_e164, help="the number phones text")
    parser.add_argument("--messaging-service-sid")
    parser.add_argument(
        "--preset",
        action="append",
        type=_preset,
        metavar="LABEL=NUMBER",
        help="a phone on the simulator page (repeat; replaces the default three)",
    )
    parser.add_argument(
        "--landline", action="append", type=_e164, default=[], help="a number that cannot take SMS"
    )
    parser.add_argument("--no-callbacks", action="store_true", help="never post status callbacks")
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    if refused := exposure_refused(args.host, expose=args.expose):
        parser.error(refused)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    server = SimServer(
        args.account_sid,
        args.auth_token,
        hotline_url=args.hotline_url,
        host=args.host,
        port=args.port,
        presets=args.preset or DEFAULT_PRESETS,
        hotline_number=args.hotline_number,
        messaging_service_sid=args.messaging_service_sid,
        landlines=args.landline,
        callbacks_enabled=not args.no_callbacks,
        slow_seconds=args.slow_seconds,
    )
    return serve_until_stopped(server, "twilio sim")


if __name__ == "__main__":
    sys.exit(main())
