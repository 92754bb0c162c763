"""Purity is true at import time: the domain's pure modules pull in no web, queue, provider
or database library, so they can be read and tested with plain values."""

from __future__ import annotations

import subprocess
import sys

import pytest

PURE = [
    "hotline",
    "hotline.triage",
    "hotline.triage.engine",
    "hotline.triage.location",
    "hotline.sms",
    "hotline.sms.commands",
    "hotline.sms.segments",
    "hotline.sms.templates",
    "hotline.phones",
    "hotline.ranking",
    "hotline.runtime.clock",
    "hotline.runtime.settings",
    "hotline.voice.script",
]
PLUMBING = ("flask", "werkzeug", "redis", "rq", "twilio", "sqlalchemy")


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_no_plumbing(module: str) -> None:
    # A fresh interpreter: this test process has imported everything already.
    probe = f"import sys, {module}\nprint(' '.join(m for m in {PLUMBING!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == [], f"import {module} pulls in {loaded}"
