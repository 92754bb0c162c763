"""How far the data's own labels let any reader go on rescue + medical: a trained yardstick.

Run: pip install -e '.[bench]'; python benchmarks/triage_ceiling.py [--write-readme README.md]

The triage target asks rescue + medical recall of at least 0.6 at precision of at least 0.4.
This script trains, at run time only, the data set README's reference model (TF-IDF word
1-2 grams + character 2-5 grams, logistic regression) on the tuning half and scores the
held-out half, then reads off its whole precision-recall curve: the best recall it reaches
at precision 0.4 and the best precision at recall 0.6, with the threshold picked in
hindsight on the held-out half itself, so these are upper bounds for that model. It then
asks the same of the lexicons and the model together: the hotline's flags plus the
messages the model ranks highest among those the lexicons leave, as many as helps. That is
the most any rule learned from these labels could add on top of the lexicons. Nothing it
learns is written anywhere; the hotline's triage never uses it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

try:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve
    from sklearn.pipeline import make_pipeline, make_union
except ImportError as missing:
    raise SystemExit("needs scikit-learn: pip install -e '.[bench]'") from missing

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme import write_section
from triage import (
    FIELDS,
    LIFE,
    Triager,
    arguments,
    evaluate,
    gold_labels,
    load,
    missing_data,
    split,
)

PRECISION_FLOOR = 0.4
RECALL_TARGET = 0.6


def is_life(row: dict[str, object]) -> bool:
    return bool(LIFE & gold_labels(row))


def trained_scores(
    tuning: Sequence[dict[str, object]], held_out: Sequence[dict[str, object]], field: str
) -> list[float]:
    """The reference model, trained on the tuning half: its score for each held-out row."""
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
    )
    model = make_pipeline(
        features, LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
    )
    model.fit([str(row.get(field) or "") for row in tuning], [is_life(row) for row in tuning])
    return [
        float(p) for p in model.predict_proba([str(r.get(field) or "") for r in held_out])[:, 1]
    ]


def trained_curve(gold: Sequence[bool], scores: Sequence[float]) -> tuple[float, float]:
    """(best recall at precision >= 0.4, best precision at recall >= 0.6) on held_out."""
    precision, recall, _ = precision_recall_curve(gold, scores)
    pairs = list(zip(precision, recall, strict=True))
    best_recall = max((r for p, r in pairs if p >= PRECISION_FLOOR), default=0.0)
    best_precision = max((p for p, r in pairs if r >= RECALL_TARGET), default=0.0)
    return float(best_recall), float(best_precision)


def combined_recall(
    gold: Sequence[bool], flagged: Sequence[bool], scores: Sequence[float]
) -> float:
    """Best recall at precision >= 0.4 of the lexicons' flags plus the model's top-ranked
    unflagged messages, the count picked in hindsight."""
    actual = sum(gold)
    hits = sum(g and f for g, f in zip(gold, flagged, strict=True))
    predicted = sum(flagged)
    best = hits / actual if predicted and hits / predicted >= PRECISION_FLOOR else 0.0
    rest = sorted(
        ((s, g) for s, g, f in zip(scores, gold, flagged, strict=True) if not f), reverse=True
    )
    for _score, is_positive in rest:
        hits += is_positive
        predicted += 1
        if hits / predicted >= PRECISION_FLOOR:
            best = max(best, hits / actual)
    return best


def table(rows: dict[str, dict[str, float]]) -> str:
    lines = [
        "| rescue + medical on held-out | `text` | `original` |",
        "|---|---|---|",
        "| hotline lexicons: precision | {text_p:.3f} | {original_p:.3f} |",
        "| hotline lexicons: recall | {text_r:.3f} | {original_r:.3f} |",
        "| trained model, best recall at precision >= 0.4 | {text_best_r:.3f} "
        "| {original_best_r:.3f} |",
        "| trained model, best precision at recall >= 0.6 | {text_best_p:.3f} "
        "| {original_best_p:.3f} |",
        "| lexicons + trained model, best recall at precision >= 0.4 | {text_both_r:.3f} "
        "| {original_both_r:.3f} |",
    ]
    values = {f"{field}_{key}": value for field, row in rows.items() for key, value in row.items()}
    return "\n".join(line.format(**values) for line in lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv, __doc__)
    missing = missing_data(args.data)
    if missing is not None:
        return missing
    tuning, held_out = split(load(args.data))
    triager = Triager()
    rows: dict[str, dict[str, float]] = {}
    gold = [is_life(row) for row in held_out]
    for field in FIELDS:
        life = evaluate(held_out, field, triager).life
        scores = trained_scores(tuning, held_out, field)
        flagged = [
            bool(LIFE & set(triager.triage(str(row.get(field) or "")).categories))
            for row in held_out
        ]
        best_recall, best_precision = trained_curve(gold, scores)
        both = combined_recall(gold, flagged, scores)
        rows[field] = {
            "p": life.precision,
            "r": life.recall,
            "best_r": best_recall,
            "best_p": best_precision,
            "both_r": both,
        }
        print(
            f"{field:<9} lexicons P {life.precision:.3f} R {life.recall:.3f}   trained model: "
            f"best R at P>={PRECISION_FLOOR} {best_recall:.3f}, "
            f"best P at R>={RECALL_TARGET} {best_precision:.3f}   "
            f"lexicons + model: best R at P>={PRECISION_FLOOR} {both:.3f}"
        )
    if args.write_readme and write_section(args.write_readme, "triage-ceiling", table(rows)):
        print(f"wrote the ceiling figures into {args.write_readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
