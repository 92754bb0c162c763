"""The one door from a message to the outbox: every SMS the hotline writes passes here."""

from __future__ import annotations

from hotline.models import Contact, Group, HelpRequest, OutboundMessage
from hotline.outbound import queue_sms
from hotline.runtime.services import Hotline, Work


def write(
    hotline: Hotline,
    work: Work,
    group: Group,
    contact: Contact,
    template: str,
    /,
    *,
    priority: int,
    dedupe: str | None,
    request: HelpRequest | None = None,
    **values: object,
) -> OutboundMessage | None:
    """Write one SMS for `contact`; None when its dedupe key shows it was written already."""
    return queue_sms(
        hotline,
        work,
        group,
        contact,
        template,
        priority=priority,
        request_id=request.id if request else None,
        dedupe_key=dedupe,
        **values,
    )
