"""Recording what arrives at the edge: one row per provider message id, committed first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from time import monotonic
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert

from hotline.channels import InboundText
from hotline.models import Group, InboundMessage, OutboundMessage
from hotline.phones import normalise_loose, region_of
from hotline.runtime.services import Hotline
from hotline.storable import (
    NUMBER_LENGTH,
    OPT_OUT_LENGTH,
    Arrived,
    fitted,
    fitted_id,
    storable_text,
)


@dataclass(frozen=True)
class Recorded:
    inbound_id: int
    created: bool  # False when the provider retried a message we already hold


def _group_for_number(hotline: Hotline, db: Connection, to_number: str) -> tuple[int, str] | None:
    """The group (id, region) that owns a hotline number, cached briefly in this process.

    Every webhook needs it; groups change rarely, so a minute of staleness costs nothing and
    saves a query per text under load.
    """
    now = monotonic()
    cached = hotline.group_numbers.get(to_number)
    if cached is not None and cached[0] > now:
        return cached[1]
    row = db.execute(
        select(Group.id, Group.region).where(Group.hotline_number == to_number)
    ).first()
    found = (row[0], row[1]) if row else None
    if found is not None:
        hotline.group_numbers[to_number] = (now + 60.0, found)
    return found


def record_inbound(
    hotline: Hotline,
    *,
    provider: str,
    provider_sid: str,
    from_number: str,
    to_number: str,
    body: str,
    opt_out_type: str | None = None,
    enqueue: bool = True,
) -> Recorded:
    """Commit the message (unique on provider + id), then enqueue its handling by id.

    Without `enqueue` the caller handles it inline; the sweeper still picks it up if not.
    Whatever arrives is stored: what the columns cannot hold is cleaned, the raw form kept.
    """
    to_e164 = fitted(
        normalise_loose(storable_text(to_number), hotline.settings.default_region), NUMBER_LENGTH
    )
    arrived = Arrived(provider_sid, from_number, body)
    provider_sid = fitted_id(provider_sid)
    with _single_statements(hotline.engine) as db:
        group = _group_for_number(hotline, db, to_e164)
        region = group[1] if group else region_of(to_e164, hotline.settings.default_region)
        sender = normalise_loose(storable_text(from_number), region)
        stored = Arrived(provider_sid, fitted(sender, NUMBER_LENGTH), storable_text(body))
        cleaned = (
            stored.provider_sid != arrived.provider_sid
            or stored.body != arrived.body
            or stored.from_number != sender
            or storable_text(from_number) != from_number
        )
        row = {
            "group_id": group[0] if group else None,
            "provider": provider,
            "provider_sid": provider_sid,
            "from_number": stored.from_number,
            "to_number": to_e164,
            "body": stored.body,
            "raw": arrived.raw() if cleaned else None,
            "opt_out_type": fitted(opt_out_type, OPT_OUT_LENGTH) if opt_out_type else None,
            "received_at": hotline.clock.now(),
        }
        # One statement, no unit of work: this runs for every text, at the surge's rate.
        # A retried webhook (same provider id) inserts nothing and finds the first row.
        inbound_id: int | None = db.execute(_insert_once(db.dialect.name), row).scalar()
        if inbound_id is None:
            existing = db.execute(
                select(InboundMessage.id).where(
                    InboundMessage.provider == provider, InboundMessage.provider_sid == provider_sid
                )
            ).scalar_one()
            return Recorded(existing, created=False)
    # The row is committed: only now may a worker be told about it.
    if enqueue:
        hotline.queues.handle_inbound(inbound_id)
    return Recorded(inbound_id, created=True)


@contextmanager
def _single_statements(engine: Engine) -> Iterator[Connection]:
    """A connection whose statements each commit on their own.

    On PostgreSQL that is autocommit: the one INSERT is atomic by itself, and the BEGIN and
    COMMIT round trips are half the webhook's database time. SQLite keeps a transaction, in
    which it takes its write lock up front (see runtime/db.py).
    """
    if engine.dialect.name == "sqlite":
        with engine.begin() as db:
            yield db
        return
    with engine.connect() as db:
        yield db.execution_options(isolation_level="AUTOCOMMIT")


def _insert_once(dialect: str) -> ReturningInsert[Any]:
    """INSERT ... ON CONFLICT (provider, provider_sid) DO NOTHING RETURNING id, built once."""
    statement = _INSERTS.get(dialect)
    if statement is None:
        insert = sqlite_insert if dialect == "sqlite" else postgres_insert
        statement = _INSERTS[dialect] = (
            insert(InboundMessage)
            .on_conflict_do_nothing(index_elements=["provider", "provider_sid"])
            .returning(InboundMessage.id)
        )
    return statement


_INSERTS: dict[str, ReturningInsert[Any]] = {}


def record_text(hotline: Hotline, text: InboundText, *, enqueue: bool = True) -> Recorded:
    """`record_inbound` for a text as a provider adapter read it."""
    return record_inbound(
        hotline,
        provider=text.provider,
        provider_sid=text.provider_sid,
        from_number=text.from_number,
        to_number=text.to_number,
        body=text.body,
        opt_out_type=text.opt_out_type,
        enqueue=enqueue,
    )


def inline_replies_for(hotline: Hotline, inbound_id: int) -> list[str]:
    """Replies already given inline to this message (Twilio retried the webhook)."""
    with hotline.sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage.body)
                .where(
                    OutboundMessage.dedupe_key.like(f"reply:{inbound_id}:%"),
                    OutboundMessage.channel == "inline",
                )
                .order_by(OutboundMessage.id)
            )
        )
