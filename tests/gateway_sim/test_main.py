"""Running the gateway sim on its own, as the demo and the benchmarks do."""

from __future__ import annotations

import re
import selectors
import signal
import subprocess
import sys

import pytest
import requests

from hotline.channels import ChannelError
from hotline.channels.gateway import GatewayChannel

NUMBER = "+12025550177"


def test_standalone_gateway_serves_until_terminated() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hotline.simulators.gateway_sim",
            "--port",
            "0",
            "--username",
            "u",
            "--password",
            "p",
            "--signing-key",
            "k",
            "--number",
            NUMBER,
            "--webhook-url",
            "http://127.0.0.1:9/gateway/sms",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=20), "the gateway sim printed nothing"
        line = process.stdout.readline()
        match = re.fullmatch(r"sms gateway sim listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, line
        url = match.group(1)

        channel = GatewayChannel(url, "u", "p", NUMBER, timeout=5)
        try:
            sent = channel.send(to="+12025550101", from_=NUMBER, body="Hi", status_callback=None)
            listed = requests.get(f"{url}/_sim/messages", timeout=5).json()
            assert [m["id"] for m in listed] == [sent.provider_sid]

            requests.post(f"{url}/_sim/offline", data={"seconds": "30"}, timeout=5)
            with pytest.raises(ChannelError) as caught:
                channel.send(to="+12025550101", from_=NUMBER, body="Hi", status_callback=None)
            assert caught.value.unreachable
        finally:
            channel.session.close()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        if process.stdout is not None:
            process.stdout.close()
