"""The simulators listen on loopback unless told the demo is exposed on purpose (--expose)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from hotline.cli import main
from hotline.simulators.loopback import is_loopback
from hotline.simulators.twilio_sim.__main__ import parse_args

SID_ARGS = ["--account-sid", "AC" + "4" * 32, "--auth-token", "token"]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.53", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("hotline.example.org", False),
        ("", False),
    ],
)
def test_which_hosts_are_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_phone_simulator_refuses_a_public_host_in_one_line() -> None:
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "hotline.simulators.twilio_sim",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            *SID_ARGS,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 2
    [error] = [line for line in process.stderr.splitlines() if "error" in line]
    assert "refusing to serve the phone simulator on 0.0.0.0" in error and "--expose" in error
    assert process.stdout == ""


def test_the_phone_simulator_takes_a_public_host_when_exposed_on_purpose() -> None:
    assert parse_args(["--host", "0.0.0.0", "--expose", *SID_ARGS]).host == "0.0.0.0"
    assert parse_args(["--host", "localhost", *SID_ARGS]).host == "localhost"


def test_hotline_run_refuses_a_public_host_without_expose() -> None:
    result = CliRunner().invoke(main, ["run", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "refusing to serve the phone simulator on 0.0.0.0" in result.output
    assert "--expose" in result.output
