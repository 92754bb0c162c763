"""How it is going: requests by hour, day, status and category, time to claim, unclaimed now."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.models import UNCLAIMED_STATUSES, Group, HelpRequest
from hotline.web.dashboard import charts
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import group_of, hotline


@dataclass(frozen=True)
class Figures:
    unclaimed_now: int
    median_minutes_to_claim: int | None
    requests_24h: int
    requests_7d: int
    by_hour: list[tuple[str, int]]
    by_day: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_category: list[tuple[str, int]]


def figures(session: Session, group: Group, now: datetime) -> Figures:
    week_ago = now - timedelta(days=7)
    rows = session.execute(
        select(
            HelpRequest.created_at,
            HelpRequest.status,
            HelpRequest.categories,
            HelpRequest.claimed_at,
        ).where(HelpRequest.group_id == group.id, HelpRequest.created_at >= week_ago)
    ).all()
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    hours = [hour_start - timedelta(hours=h) for h in range(23, -1, -1)]
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = [day_start - timedelta(days=d) for d in range(6, -1, -1)]
    per_hour: Counter[datetime] = Counter()
    per_day: Counter[datetime] = Counter()
    statuses: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    waits = []
    for created, status, cats, claimed in rows:
        per_day[created.replace(hour=0, minute=0, second=0, microsecond=0)] += 1
        if created >= hours[0]:
            per_hour[created.replace(minute=0, second=0, microsecond=0)] += 1
        statuses[status.value] += 1
        categories.update(cats or ["uncategorised"])
        if claimed is not None:
            waits.append((claimed - created).total_seconds() / 60)
    unclaimed = session.scalar(
        select(func.count()).where(
            HelpRequest.group_id == group.id, HelpRequest.status.in_(UNCLAIMED_STATUSES)
        )
    )
    return Figures(
        unclaimed_now=int(unclaimed or 0),
        median_minutes_to_claim=round(median(waits)) if waits else None,
        requests_24h=sum(1 for created, *_ in rows if created >= now - timedelta(hours=24)),
        requests_7d=len(rows),
        by_hour=[(f"{h:%H}h", per_hour[h]) for h in hours],
        by_day=[(f"{d:%a}", per_day[d]) for d in days],
        by_status=statuses.most_common(),
        by_category=categories.most_common(10),
    )


@bp.get("/dashboard/stats")
def stats() -> str:
    h = hotline()
    with h.sessions() as db:
        group = group_of(db)
        found = figures(db, group, h.clock.now())
    charts_shown: dict[str, Markup] = {
        "Requests per hour, last 24 hours (UTC)": charts.columns(
            "Requests per hour", found.by_hour, every=4
        ),
        "Requests per day, last 7 days (UTC)": charts.columns("Requests per day", found.by_day),
        "Last 7 days by status": charts.bars("By status", found.by_status),
        "Last 7 days by category": charts.bars("By category", found.by_category),
    }
    return render_template("dashboard/stats.html", group=group, f=found, charts=charts_shown)
