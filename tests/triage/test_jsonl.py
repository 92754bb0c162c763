"""The JSON-lines annotator: one line out per line in, errors reported in place."""

from __future__ import annotations

import io
import json

import pytest

from hotline.triage import Triager
from hotline.triage.jsonl import annotate


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager()


def test_annotates_each_line_and_reports_bad_ones(triager: Triager) -> None:
    lines = [
        json.dumps({"id": 1, "text": "nou bezwen dlo pou 5 moun"}) + "\n",
        "not json\n",
        json.dumps({"id": "b", "text": ""}) + "\n",
        json.dumps({"id": 3}) + "\n",
        json.dumps([1, 2]) + "\n",
        json.dumps({"id": 4, "text": "trapped under rubble at 12 Main St"}) + "\n",
    ]
    out = io.StringIO()
    assert annotate(lines, out, triager) == 6
    written = [json.loads(line) for line in out.getvalue().splitlines()]
    assert written[0] == {
        "id": 1,
        "categories": ["water"],
        "urgency": "urgent",
        "kind": "request",
        "language": "ht",
        "location": None,
        "people": 5,
    }
    assert written[1] == {"id": None, "error": "not valid JSON"}
    assert written[2] == {"id": "b", "error": "no text"}
    assert written[3] == {"id": 3, "error": "no text"}
    assert written[4] == {"id": None, "error": "not a JSON object"}
    assert written[5]["urgency"] == "emergency"
    assert written[5]["location"] == "12 Main St"


def test_blank_lines_are_skipped(triager: Triager) -> None:
    out = io.StringIO()
    assert annotate(["\n", json.dumps({"id": 1, "text": "need food"}) + "\n"], out, triager) == 1
