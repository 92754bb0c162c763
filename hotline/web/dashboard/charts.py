"""Bar charts drawn on the server as inline SVG: readable at a glance, no script needed."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

ROW = 22  # height of one horizontal bar's row
LABEL = 110  # room for the labels left of the bars
WIDTH = 360  # fits a 360px-wide phone with the page's margins


def bars(title: str, items: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per label, the count printed at the end of each."""
    top = max((n for _, n in items), default=0) or 1
    room = WIDTH - LABEL - 40
    height = ROW * max(len(items), 1) + 4
    parts = [_open(title, WIDTH, height)]
    for i, (label, n) in enumerate(items):
        y = i * ROW + 2
        width = round(room * n / top)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{LABEL}" y="{y + 3}" width="{max(width, 1)}"'
            f' height="{ROW - 6}"/>'
            f'<text x="{LABEL + width + 4}" y="{y + 15}">{n}</text>'
        )
    if not items:
        parts.append('<text x="4" y="16">nothing yet</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(title: str, items: Sequence[tuple[str, int]], every: int = 1) -> Markup:
    """Columns over time, oldest left; every `every`-th label is written under its column."""
    top = max((n for _, n in items), default=0) or 1
    plot, base = 110, 124
    step = (WIDTH - 30) / max(len(items), 1)
    parts = [_open(title, WIDTH, base + 18)]
    parts.append(
        f'<text x="0" y="12">{top}</text><line x1="26" y1="{base}" x2="{WIDTH}" y2="{base}"/>'
    )
    for i, (label, n) in enumerate(items):
        x = 28 + i * step
        height = round(plot * n / top)
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{base - height}" width="{max(step - 2, 1):.1f}"'
            f' height="{height}"><title>{escape(label)}: {n}</title></rect>'
        )
        if i % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{base + 14}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
