"""Purity is true at import time: the domain's pure modules pull in no web, queue, provider
or database library, so they can be read and tested with plain values."""

from __future__ import annotations

import ast
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[1]
# Where a provider's own words may appear: its adapter, the simulators that play it, and the
# webhooks that hand a request to the adapter.
PROVIDER_SIDE = ("hotline/channels/", "hotline/simulators/")
ADAPTERS = ("hotline.channels.twilio", "hotline.channels.gateway")
# The one place that builds the channels a process sends through.
WIRING = "hotline/runtime/services.py"


def _domain_sources() -> list[Path]:
    sources = sorted((ROOT / "hotline").rglob("*.py")) + sorted((ROOT / "workers").rglob("*.py"))
    return [
        path
        for path in sources
        if not path.relative_to(ROOT).as_posix().startswith(PROVIDER_SIDE)
        and not fnmatch(path.relative_to(ROOT).as_posix(), "hotline/web/*hooks*.py")
    ]


def _imported(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", _domain_sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_the_domain_speaks_no_provider_words(path: Path) -> None:
    """Twilio's opt-out code and library stay in its adapter; the domain sees `opted_out`."""
    assert "21610" not in path.read_text(encoding="utf-8")
    imported = _imported(path)
    assert not {m for m in imported if m == "twilio" or m.startswith("twilio.")}
    if path.relative_to(ROOT).as_posix() != WIRING:
        # The domain knows channels only by the project's words in hotline.channels.
        assert not {m for m in imported if m.startswith(ADAPTERS)}


def test_the_provider_word_check_reads_the_modules_it_guards() -> None:
    checked = {p.relative_to(ROOT).as_posix() for p in _domain_sources()}
    assert {"hotline/outbound.py", "hotline/inbox.py", "workers/outbound.py"} <= checked
    assert not checked & {"hotline/channels/twilio/statuses.py", "hotline/web/twilio_hooks.py"}


# The one writer of request and offer status (issue 14): the transitions live in one table.
LIFECYCLE = "hotline/lifecycle.py"
STATUS_MODELS = {"HelpRequest", "Offer"}
STATUS_ENUMS = {"RequestStatus", "OfferStatus"}
# `.status =` on rows of other tables, by module and the row's expression there.
OTHER_STATUS_WRITES = {
    ("hotline/outbound.py", "message"),  # OutboundMessage
    ("hotline/outbound.py", "session.get_one(OutboundMessage, outbound_id)"),
    ("hotline/voice/calls.py", "call"),  # VoiceCall
    ("hotline/desk.py", "offer"),  # AidOffer, what a neighbour offers
    ("hotline/web/dashboard/offers.py", "_offer(work.session, offer_id)"),  # AidOffer
}


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _status_writes(path: Path) -> list[str]:
    """Every place `path` writes a request's or an offer's status, as `line: source`."""
    where = path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        line = f"{getattr(node, 'lineno', 0)}: {ast.unparse(node)[:80]}"
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for one in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if not (isinstance(one, ast.Attribute) and one.attr == "status"):
                        continue
                    enum_value = node.value is not None and _names(node.value) & STATUS_ENUMS
                    other_table = (where, ast.unparse(one.value)) in OTHER_STATUS_WRITES
                    if enum_value or not other_table:
                        found.append(line)
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            keywords = {k.arg for k in node.keywords}
            if called in STATUS_MODELS and "status" in keywords:
                found.append(line)  # a row born in a state other than its default
            if called == "values" and "status" in keywords:
                updates = [
                    c
                    for c in ast.walk(func)
                    if isinstance(c, ast.Call)
                    and getattr(c.func, "id", "") == "update"
                    and _names(c) & STATUS_MODELS
                ]
                if updates:
                    found.append(line)
            if called == "setattr" and any(
                isinstance(a, ast.Constant) and a.value == "status" for a in node.args
            ):
                found.append(line)
    return found


def test_only_the_lifecycle_writes_request_and_offer_status() -> None:
    writers = {
        path.relative_to(ROOT).as_posix(): writes
        for path in _domain_sources()
        if (writes := _status_writes(path))
    }
    assert set(writers) == {LIFECYCLE}, {k: v for k, v in writers.items() if k != LIFECYCLE}


# Who is told what, in one place (issue 14): every SMS is written through hotline/messages/.
MESSAGES = "hotline/messages/"
OUTBOX = "hotline/outbound.py"  # where queue_sms lives


def _calls(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)
    ]


def test_only_the_messages_call_the_outbox() -> None:
    """queue_sms and record_inline (an answer riding on the webhook's reply) write SMS rows."""
    callers = {
        where: lines
        for path in _domain_sources()
        if (lines := _calls(path, "queue_sms") + _calls(path, "record_inline"))
        and not (where := path.relative_to(ROOT).as_posix()).startswith((MESSAGES, OUTBOX))
    }
    assert callers == {}
    assert _calls(ROOT / "hotline" / "messages" / "outbox.py", "queue_sms")  # the scan sees it


def test_dedupe_keys_are_built_only_in_the_messages() -> None:
    """A dedupe key names one message; written elsewhere, two modules could make the same one."""
    builders = {}
    for path in _domain_sources():
        where = path.relative_to(ROOT).as_posix()
        if where.startswith((MESSAGES, OUTBOX)):
            continue  # the outbox stores the key it is given
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and node.arg in ("dedupe", "dedupe_key")
        ]
        if found:
            builders[where] = found
    assert builders == {}
