"""Closed requests lose their personal data after the retention period (HOTLINE_RETENTION_DAYS).

What stays is what the statistics need: the code, categories, urgency, zone and timestamps.
What goes is what could identify or locate someone: the words they wrote, the address, the
recording, and the text of every SMS about the request.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from hotline.models import HelpRequest, InboundMessage, OutboundMessage, RequestStatus, VoiceCall
from hotline.needs import SYSTEM, record_event
from hotline.runtime.services import Hotline

REDACTED = "[removed after the retention period]"


def redact_closed(hotline: Hotline) -> int:
    """Redact requests closed more than the retention period ago; returns how many."""
    now = hotline.clock.now()
    cutoff = now - timedelta(days=hotline.settings.retention_days)
    with hotline.sessions.begin() as session:
        requests = session.scalars(
            select(HelpRequest).where(
                HelpRequest.status.in_([RequestStatus.DONE, RequestStatus.CANCELLED]),
                HelpRequest.closed_at <= cutoff,
                HelpRequest.redacted_at.is_(None),
            )
        ).all()
        ids = [r.id for r in requests]
        for request in requests:
            request.need = REDACTED
            request.location = None
            request.people = None
            request.recording_url = None
            request.triage_reason = request.gist = None  # the neighbour's phrase, the street
            request.redacted_at = now
            record_event(session, request, SYSTEM, "redacted", now)
        if ids:
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.request_id.in_(ids))
                .values(body=REDACTED, raw=None)  # the raw copy holds the same words
            )
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.request_id.in_(ids))
                .values(body=REDACTED)
            )
            session.execute(
                update(VoiceCall).where(VoiceCall.request_id.in_(ids)).values(recording_url=None)
            )
    return len(ids)
