"""The lifecycle's transition table is the README's diagram, and the code performs nothing else.

Every status write in `hotline.lifecycle` checks the table at run time, so any test in the
suite that made a transition outside it would fail; these tests check the table itself, the
conditional UPDATEs' declared states, and that the README says the same.
"""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hotline import lifecycle
from hotline.lifecycle import OFFER_TRANSITIONS, TRANSITIONS, IllegalTransition
from hotline.models import HelpRequest, Offer, OfferStatus, RequestStatus

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LIFECYCLE = ROOT / "hotline" / "lifecycle.py"


def _readme_table() -> dict[RequestStatus, frozenset[RequestStatus]]:
    rows = re.findall(r"^\| `(\w+)` \| (.*) \|$", README, flags=re.MULTILINE)
    known = {s.value for s in RequestStatus}
    table = {}
    for old, targets in rows:
        if old in known:
            table[RequestStatus(old)] = frozenset(
                RequestStatus(t) for t in re.findall(r"`(\w+)`", targets)
            )
    return table


def _diagram_arrows() -> set[tuple[str, str]]:
    start = README.index("The request lifecycle:")
    block = README[start:].split("```")[1]
    arrows = set()
    for line in block.splitlines():
        words = re.findall(r"[a-z_]+|->", line.split("(")[0])
        for left, arrow, right in zip(words, words[1:], words[2:], strict=False):
            if arrow == "->" and "->" not in (left, right):
                arrows.add((left, right))
    return arrows


def test_the_readme_lists_exactly_the_table() -> None:
    assert _readme_table() == dict(TRANSITIONS)


def test_every_arrow_of_the_readme_diagram_is_in_the_table() -> None:
    arrows = _diagram_arrows()
    assert ("new", "needs_info") in arrows and ("done", "open") in arrows  # the parse sees them
    unclaimed = {s.value for s in lifecycle.UNCLAIMED_STATUSES}
    for left, right in arrows:
        # "any open state -> cancelled" is one arrow from each active state.
        olds = unclaimed | {"claimed"} if left == "state" else {left}
        for old in olds:
            assert RequestStatus(right) in TRANSITIONS[RequestStatus(old)], (old, right)


def test_every_state_has_a_row_and_the_finished_ones_lead_back_only_to_open() -> None:
    assert set(TRANSITIONS) == set(RequestStatus)
    assert set(OFFER_TRANSITIONS) == set(OfferStatus)
    assert TRANSITIONS[RequestStatus.CANCELLED] == frozenset()
    assert TRANSITIONS[RequestStatus.DONE] == {RequestStatus.OPEN}
    assert all(RequestStatus.NEW not in targets for targets in TRANSITIONS.values())


def _constant(node: ast.expr) -> object:
    return eval(ast.unparse(node), vars(lifecycle))  # our own source


def test_every_conditional_update_declares_transitions_in_the_table() -> None:
    """`_race(session, request, olds, new, ...)` and `_check(table, olds, new)` calls: each
    declared (old, new) pair is in its table, read from the source, not from a run."""
    checked = 0
    for node in ast.walk(ast.parse(LIFECYCLE.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id == "_race":
            table, olds, new = TRANSITIONS, node.args[2], node.args[3]
        elif node.func.id == "_check" and isinstance(node.args[1], ast.Tuple):
            table, olds, new = _constant(node.args[0]), node.args[1], node.args[2]
        else:
            continue
        try:
            old_values, new_value = _constant(olds), _constant(new)
        except NameError:
            continue  # a loop variable, checked when that loop runs
        for old in old_values:  # type: ignore[attr-defined]  # a tuple of statuses
            assert new_value in table[old], (ast.unparse(node), old)  # type: ignore[index]
            checked += 1
    assert checked >= 8  # the scan sees claim, reassign, finish, release and cancel


def test_a_transition_outside_the_table_is_refused() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    done = HelpRequest(status=RequestStatus.DONE)
    with pytest.raises(IllegalTransition):
        lifecycle.offering(done, now)  # a finished request is never offered
    assert done.status == RequestStatus.DONE
    withdrawn = Offer(status=OfferStatus.WITHDRAWN)
    with pytest.raises(IllegalTransition):
        lifecycle.declined(withdrawn, now)
    assert withdrawn.status == OfferStatus.WITHDRAWN
