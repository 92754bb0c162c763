"""Emergency precision and recall per language on the project's own hand-labelled examples.

Run: python benchmarks/triage_examples.py [--write-readme README.md]
The examples live in hotline/triage/examples/<lang>.toml, written for the project.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hotline.triage import Triager
from hotline.triage.examples import load_examples

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme import write_section


def table(triager: Triager) -> str:
    lines = [
        "| language | examples | emergencies | flagged | precision | recall | left routine |",
        "|---|---|---|---|---|---|---|",
    ]
    for language, examples in sorted(load_examples().items()):
        results = [(e, triager.triage(e.text)) for e in examples]
        actual = [r for e, r in results if e.urgency == "emergency"]
        flagged = [e for e, r in results if r.urgency == "emergency"]
        hits = sum(r.urgency == "emergency" for r in actual)
        routine = sum(r.urgency == "routine" for r in actual)
        precision = hits / len(flagged) if flagged else 0.0
        recall = hits / len(actual) if actual else 0.0
        lines.append(
            f"| {language} | {len(examples)} | {len(actual)} | {len(flagged)} | "
            f"{precision:.2f} | {recall:.2f} | {routine} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--write-readme", type=Path, metavar="PATH")
    args = parser.parse_args(argv)
    text = table(Triager())
    print(text, end="")
    if args.write_readme and write_section(args.write_readme, "triage-examples", text):
        print(f"wrote the example figures into {args.write_readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
