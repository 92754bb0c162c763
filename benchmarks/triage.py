"""Measure triage on real disaster SMS: per-label precision/recall/F1, macro-F1 and speed.

Run: python benchmarks/triage.py [--data PATH] [--write-readme README.md]
Messages with an even id are the tuning half; odd ids are held out and are the figures that count.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hotline.triage import CATEGORIES, Triager

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme import write_section

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "triage" / "dev.jsonl"
# The data set's labels: every category but "other", and whether it is a request at all.
LABELS: tuple[str, ...] = (*(c for c in CATEGORIES if c != "other"), "request")
FIELDS = ("text", "original")
START, END = "<!-- bench:triage:start -->", "<!-- bench:triage:end -->"
LIFE = {"rescue", "medical"}


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Report:
    per_label: dict[str, Score]
    macro_f1: float
    life: Score  # rescue + medical together
    lost_needs: int  # labelled requests that triage calls greeting, question, thanks, news, vague
    needs: int


def score(true_positive: int, predicted: int, actual: int) -> Score:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)


def gold_labels(row: dict[str, object]) -> set[str]:
    categories = row.get("categories")
    labels = {str(c) for c in categories} if isinstance(categories, list) else set()
    if row.get("request") == 1:
        labels.add("request")
    return labels


def evaluate(rows: Sequence[dict[str, object]], field: str, triager: Triager) -> Report:
    hits = dict.fromkeys(LABELS, 0)
    predicted = dict.fromkeys(LABELS, 0)
    actual = dict.fromkeys(LABELS, 0)
    life_hits = life_predicted = life_actual = lost = 0
    for row in rows:
        result = triager.triage(str(row.get(field) or ""))
        lost += row.get("request") == 1 and result.intent not in ("request", "offer")
        guess = set(result.categories)
        if result.kind == "request":
            guess.add("request")
        gold = gold_labels(row)
        for label in LABELS:
            predicted[label] += label in guess
            actual[label] += label in gold
            hits[label] += label in guess and label in gold
        life_guess, life_gold = bool(guess & LIFE), bool(gold & LIFE)
        life_predicted += life_guess
        life_actual += life_gold
        life_hits += life_guess and life_gold
    per_label = {label: score(hits[label], predicted[label], actual[label]) for label in LABELS}
    macro = sum(s.f1 for s in per_label.values()) / len(LABELS)
    life = score(life_hits, life_predicted, life_actual)
    return Report(per_label, macro, life, lost, actual["request"])


def speed(texts: Sequence[str], triager: Triager, runs: int = 3) -> float:
    """Texts per second on one core over every text, the best of a few runs: other work on
    a shared machine only ever slows a run down."""
    best = 0.0
    for _ in range(runs):
        started = time.perf_counter()
        for text in texts:
            triager.triage(text)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def split(rows: Iterable[dict[str, object]]) -> tuple[list[dict[str, object]], ...]:
    """Deterministic halves: even ids tune the lexicons, odd ids are held out."""
    tuning: list[dict[str, object]] = []
    held_out: list[dict[str, object]] = []
    for row in rows:
        row_id = row.get("id")
        (tuning if isinstance(row_id, int) and row_id % 2 == 0 else held_out).append(row)
    return tuning, held_out


def readme_table(
    results: dict[tuple[str, str], Report], rate: float, counts: dict[str, int]
) -> str:
    header = (
        "| label | held-out `text` | held-out `original` | tuning `text` | tuning `original` |\n"
        "|---|---|---|---|---|\n"
    )
    lines = []
    for label in LABELS:
        cells = [f"{results[(half, field)].per_label[label].f1:.2f}" for half, field in ORDER]
        lines.append(f"| {label} F1 | " + " | ".join(cells) + " |")
    cells = [f"**{results[key].macro_f1:.3f}**" for key in ORDER]
    lines.append("| **macro-F1 (13 labels)** | " + " | ".join(cells) + " |")
    for name, attribute in (("precision", "precision"), ("recall", "recall")):
        cells = [f"{getattr(results[key].life, attribute):.3f}" for key in ORDER]
        lines.append(f"| rescue + medical {name} | " + " | ".join(cells) + " |")
    cells = [f"{results[k].lost_needs} of {results[k].needs}" for k in ORDER]
    lines.append("| labelled requests read as not a request | " + " | ".join(cells) + " |")
    note = (
        f"\nHeld-out: {counts['held-out']} messages with odd ids (the figures that count); "
        f"tuning: {counts['tuning']} with even ids. Speed: {rate:,.0f} texts/s on one core "
        "(best of 3 runs).\n"
    )
    return header + "\n".join(lines) + "\n" + note


ORDER = (("held-out", "text"), ("held-out", "original"), ("tuning", "text"), ("tuning", "original"))


def write_readme(path: Path, table: str) -> bool:
    written = write_section(path, "triage", table)
    if written:
        print(f"wrote the triage figures into {path}")
    return written


def arguments(argv: Sequence[str] | None, doc: str | None) -> argparse.Namespace:
    """--data and --write-readme, shared by the triage benchmarks."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write-readme", type=Path, metavar="PATH")
    return parser.parse_args(argv)


def missing_data(path: Path) -> int | None:
    """The exit status when the data set is absent (an error in CI, a skip elsewhere)."""
    if path.is_file():
        return None
    message = f"triage benchmark data not found at {path.resolve()}"
    if os.environ.get("CI"):
        print(f"error: {message}", file=sys.stderr)
        return 1
    print(f"skipped: {message}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv, __doc__)
    missing = missing_data(args.data)
    if missing is not None:
        return missing
    rows = load(args.data)
    tuning, held_out = split(rows)
    triager = Triager()
    results = {
        (half, field): evaluate(part, field, triager)
        for half, part in (("held-out", held_out), ("tuning", tuning))
        for field in FIELDS
    }
    texts = [str(row.get(field) or "") for row in rows for field in FIELDS]
    rate = speed(texts, triager)
    print(
        f"{'label':<16}"
        + "".join(f"{half[:4]}:{field:<9} P    R    F1   " for half, field in ORDER)
    )
    for label in LABELS:
        cells = "".join(
            f"{s.precision:5.2f}{s.recall:5.2f}{s.f1:5.2f}  " + " " * 10
            for s in (results[key].per_label[label] for key in ORDER)
        )
        print(f"{label:<16}{cells}")
    for key in ORDER:
        report = results[key]
        print(
            f"{key[0]:>8} {key[1]:<8} macro-F1 {report.macro_f1:.3f}   rescue+medical "
            f"P {report.life.precision:.3f} R {report.life.recall:.3f}   "
            f"requests read as not a request {report.lost_needs} of {report.needs}"
        )
    print(f"speed: {rate:,.0f} texts/s on one core ({len(texts)} texts)")
    if args.write_readme:
        counts = {"held-out": len(held_out), "tuning": len(tuning)}
        write_readme(args.write_readme, readme_table(results, rate, counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
