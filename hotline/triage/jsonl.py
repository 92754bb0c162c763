"""Annotate JSON lines of texts with their triage, one JSON line out for each line in."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from hotline.triage.engine import Triager


def _annotate_line(line: str, triager: Triager) -> dict[str, object]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return {"id": None, "error": "not valid JSON"}
    if not isinstance(record, dict):
        return {"id": None, "error": "not a JSON object"}
    id_ = record.get("id")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"id": id_, "error": "no text"}
    hint = record.get("language")
    result = triager.triage(text, language_hint=hint if isinstance(hint, str) else None)
    return result.to_json(id_)


def annotate(lines: Iterable[str], out: TextIO, triager: Triager) -> int:
    """Write one annotation per non-blank input line; returns how many lines were written."""
    count = 0
    for line in lines:
        if not line.strip():
            continue
        out.write(json.dumps(_annotate_line(line, triager), ensure_ascii=False) + "\n")
        count += 1
    return count
