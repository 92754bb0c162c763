"""Writing a benchmark's figures between its markers in the README."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, name: str, markdown: str) -> bool:
    """Replace what stands between <!-- bench:NAME:start --> and :end -->; False if absent."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        print(f"{path}: no {start} ... {end} markers; nothing written")
        return False
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    path.write_text(f"{before}{start}\n{markdown.strip()}\n{end}{after}", encoding="utf-8")
    return True
