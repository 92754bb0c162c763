"""The benchmark on the Haiti SMS set meets its held-out targets (skipped without the data)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".." / "shared" / "data" / "triage" / "dev.jsonl"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "triage_benchmark", REPO / "benchmarks" / "triage.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data() -> Path:
    if not DATA.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"benchmark data missing at {DATA}")
        pytest.skip("benchmark data not present")
    return DATA


def test_held_out_targets(data: Path) -> None:
    bench = _benchmark()
    _tuning, held_out = bench.split(bench.load(data))
    triager = bench.Triager()
    text = bench.evaluate(held_out, "text", triager)
    original = bench.evaluate(held_out, "original", triager)
    assert text.macro_f1 > 0.465
    assert original.macro_f1 > 0.374
    assert text.life.precision >= 0.4
    assert text.life.recall >= 0.6
    # `original` misses recall 0.6 (README: the labels allow no more); hold what it reaches.
    assert original.life.precision >= 0.4
    assert original.life.recall >= 0.49
    # A real need read as small talk would get a kind reply instead of a volunteer.
    assert text.lost_needs < 0.01 * text.needs
    assert original.lost_needs < 0.01 * original.needs


def test_write_readme_replaces_between_markers(tmp_path: Path) -> None:
    bench = _benchmark()
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n{bench.START}\nold\n{bench.END}\nafter\n", encoding="utf-8")
    assert bench.write_readme(readme, "| new |\n")
    assert (
        readme.read_text(encoding="utf-8") == f"# x\n{bench.START}\n| new |\n{bench.END}\nafter\n"
    )
    plain = tmp_path / "PLAIN.md"
    plain.write_text("no markers\n", encoding="utf-8")
    assert not bench.write_readme(plain, "| new |\n")
    assert plain.read_text(encoding="utf-8") == "no markers\n"
