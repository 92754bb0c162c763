"""Run the gateway sim alone: `python -m hotline.simulators.gateway_sim --port 8082 ...`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from hotline.simulators.gateway_sim.server import GatewaySim
from hotline.simulators.loopback import serve_until_stopped


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m hotline.simulators.gateway_sim",
        description="A simulator of SMS Gateway for Android (local server) for the hotline.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082, help="0 picks a free port")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--signing-key", required=True)
    parser.add_argument("--number", required=True, help="the gateway phone's own number, E.164")
    parser.add_argument(
        "--webhook-url",
        help="where sms:received, sms:delivered and sms:failed go, e.g. the hotline's /gateway/sms",
    )
    parser.add_argument(
        "--step-seconds",
        type=float,
        default=0.0,
        help="how long Pending -> Sent -> Delivered takes",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    server = GatewaySim(
        args.username,
        args.password,
        args.signing_key,
        args.number,
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        step_seconds=args.step_seconds,
    )
    return serve_until_stopped(server, "sms gateway sim")


if __name__ == "__main__":
    sys.exit(main())
