"""Run the gateway sim on its own: `python -m hotline.gateway_sim --port 8082 --username u ...`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from hotline.gateway_sim.server import GatewaySim


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m hotline.gateway_sim",
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
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with GatewaySim(
        args.username,
        args.password,
        args.signing_key,
        args.number,
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        step_seconds=args.step_seconds,
    ) as sim:
        # One line on stdout, flushed, so scripts that start the sim can read the port.
        print(f"sms gateway sim listening on {sim.url}", flush=True)
        stopping.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
