"""The queue as dispatchers see it: open requests, most urgent first, then oldest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.models import UNCLAIMED_STATUSES, Group, HelpRequest, RequestStatus
from hotline.needs import urgency_rank

_SHORT_URGENCY = {"emergency": "E!", "urgent": "U", "routine": "R"}


def open_queue(session: Session, group: Group) -> list[HelpRequest]:
    """Requests still waiting for a volunteer: emergencies and escalations on top, then by age."""
    requests = session.scalars(
        select(HelpRequest).where(
            HelpRequest.group_id == group.id, HelpRequest.status.in_(UNCLAIMED_STATUSES)
        )
    ).all()
    return sorted(
        requests,
        key=lambda r: (urgency_rank(r.urgency), r.status != RequestStatus.ESCALATED, r.created_at),
    )


def queue_line(request: HelpRequest, now: datetime) -> str:
    """One compact line for the SMS queue summary: code, urgency, what, where, age."""
    minutes = max(0, int((now - request.created_at).total_seconds() // 60))
    age = f"{minutes}m" if minutes < 120 else f"{minutes // 60}h"
    what = "/".join(request.categories[:2]) or "?"
    where = request.zone or "?"
    return f"#{request.code} {_SHORT_URGENCY[request.urgency.value]} {what} {where} {age}"
