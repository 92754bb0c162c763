"""Running the sim on its own, as `hotline run` and the benchmarks do."""

from __future__ import annotations

import re
import selectors
import signal
import subprocess
import sys

import pytest
import requests
from twilio.base.exceptions import TwilioRestException

from hotline.channels.twilio import twilio_client

SID = "AC" + "3" * 32


def test_standalone_sim_serves_until_terminated() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hotline.simulators.twilio_sim",
            "--port",
            "0",
            "--account-sid",
            SID,
            "--auth-token",
            "token",
            "--hotline-url",
            "http://127.0.0.1:9",
            "--hotline-number",
            "+12025550100",
            "--landline",
            "+12025550199",
            "--preset",
            "Shelter desk=+12025550150",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=20), "the sim printed nothing"
        line = process.stdout.readline()
        match = re.fullmatch(r"twilio sim listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert match, line
        url = match.group(1)

        client = twilio_client(SID, "token", url)
        try:
            assert client.messages.create(to="+12025550101", from_="+12025550100", body="Hi").sid
            with pytest.raises(TwilioRestException) as caught:
                client.messages.create(to="+12025550199", from_="+12025550100", body="Hi")
            assert caught.value.code == 21614
        finally:
            client.http_client.session.close()
        assert "Shelter desk" in requests.get(url + "/", timeout=5).text
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        if process.stdout is not None:
            process.stdout.close()
