"""Recording what arrives at the edge: one row per provider message id, committed first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline.models import Group, InboundMessage
from hotline.phones import normalise_loose, region_of
from hotline.services import Hotline


@dataclass(frozen=True)
class Recorded:
    inbound_id: int
    group_id: int | None
    created: bool  # False when the provider retried a message we already hold
    processed: bool


def group_for_number(hotline: Hotline, to_number: str) -> Group | None:
    with hotline.sessions() as session:
        return session.scalar(select(Group).where(Group.hotline_number == to_number))


def record_inbound(
    hotline: Hotline,
    *,
    provider: str,
    provider_sid: str,
    from_number: str,
    to_number: str,
    body: str,
    opt_out_type: str | None = None,
) -> Recorded:
    """Commit the message (unique on provider + id), then enqueue its handling by id."""
    to_e164 = normalise_loose(to_number, hotline.settings.default_region)
    group = group_for_number(hotline, to_e164)
    region = group.region if group else region_of(to_e164, hotline.settings.default_region)
    row = InboundMessage(
        group_id=group.id if group else None,
        provider=provider,
        provider_sid=provider_sid,
        from_number=normalise_loose(from_number, region),
        to_number=to_e164,
        body=body,
        opt_out_type=(opt_out_type or None),
        received_at=hotline.clock.now(),
    )
    try:
        with hotline.work() as work:
            work.session.add(row)
            work.session.flush()
            inbound_id = row.id
            work.after_commit(lambda: hotline.queues.handle_inbound(inbound_id))
    except IntegrityError:
        with hotline.sessions() as session:
            existing = session.scalars(
                select(InboundMessage).where(
                    InboundMessage.provider == provider, InboundMessage.provider_sid == provider_sid
                )
            ).one()
            return Recorded(
                existing.id, existing.group_id, False, existing.processed_at is not None
            )
    return Recorded(inbound_id, row.group_id, True, False)
