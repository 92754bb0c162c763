"""The hotline's tables (SQLAlchemy 2.0) and the status enums with their transitions.

A help request moves through these states (the full table, and the only code that writes a
request's or an offer's status, is `hotline.lifecycle`)::

    new -> needs_info -> open -> offering -> claimed -> done
                          ^         |  \\                 \\
                          |         |   -> escalated -----> claimed (a dispatcher assigns)
                          +---------+  (wave timer re-offers)
    any open state -> cancelled (the neighbour texts CANCEL <code>, or a dispatcher closes it)
    done -> open (the neighbour replies that they still need help)
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from hotline.group_settings import GroupSettings


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(cls: type[StrEnum]) -> Enum:
    # Stored as plain strings so that adding a state later is a code change, not a migration.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class RequestStatus(StrEnum):
    NEW = "new"
    NEEDS_INFO = "needs_info"
    OPEN = "open"
    OFFERING = "offering"
    ESCALATED = "escalated"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"


# States in which a request still wants a volunteer or is being served.
ACTIVE_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.NEEDS_INFO,
    RequestStatus.OPEN,
    RequestStatus.OFFERING,
    RequestStatus.ESCALATED,
    RequestStatus.CLAIMED,
)
# States in which nobody has the request yet.
UNCLAIMED_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.NEEDS_INFO,
    RequestStatus.OPEN,
    RequestStatus.OFFERING,
    RequestStatus.ESCALATED,
)


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    ROUTINE = "routine"


class OfferStatus(StrEnum):
    OFFERED = "offered"
    DECLINED = "declined"
    CLAIMED = "claimed"
    TAKEN = "taken"  # someone else claimed first
    WITHDRAWN = "withdrawn"  # the request closed or was released before an answer


class OutboundStatus(StrEnum):
    """queued -> sending -> sent -> delivered | undelivered; failed and blocked are final."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    BLOCKED = "blocked"  # never sent: the recipient has opted out


class Priority:
    """Lower sends first when a backlog drains: lives before paperwork."""

    EMERGENCY = 0
    CLAIM = 1
    # A neighbour hearing that they were heard (the code, where are you?) goes before offers.
    ACK = 1
    OFFER = 2
    REPLY = 3
    DIGEST = 4


def utcnow() -> datetime:
    return datetime.now(UTC)


# Defaults for Group.settings; a group overrides any of them.


class Group(Base):
    """A mutual-aid group: its own number(s), people and requests, invisible to other groups."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    hotline_number: Mapped[str] = mapped_column(String(20), unique=True)
    region: Mapped[str] = mapped_column(String(2), default="US")
    default_language: Mapped[str] = mapped_column(String(8), default="en")
    emergency_number: Mapped[str] = mapped_column(String(8), default="911")
    zones: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def config(self) -> GroupSettings:
        """The group's settings, typed, with defaults for what it has not set."""
        return GroupSettings.from_json(self.settings)


class Contact(Base):
    """Anyone who texts or is texted by a group: a neighbour, a volunteer, a dispatcher."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("group_id", "phone_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    phone_number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str | None] = mapped_column(String(8))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None]
    opt_out_type: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group] = relationship()


class Volunteer(Base):
    """A contact who can be offered requests."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    zones: Mapped[list[str]] = mapped_column(default=list)
    skills: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    on_call: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_offered_at: Mapped[datetime | None]
    last_answer_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The weekly availability in its canonical text (`hotline.availability`), in the group's
    # time zone; None means no schedule, and then the ON/OFF switch (`on_call`) decides.
    availability: Mapped[str | None] = mapped_column(String(200))
    # ON 3h, OFF until tue: on or off call until then, whatever the schedule says.
    override_on: Mapped[bool | None] = mapped_column(Boolean)
    override_until: Mapped[datetime | None]

    contact: Mapped[Contact] = relationship()


class Dispatcher(Base):
    """A contact who runs the queue, on the dashboard or by SMS."""

    __tablename__ = "dispatchers"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    last_seen_at: Mapped[datetime | None]  # the dashboard was last open at
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship()


class HelpRequest(Base):
    """A need that a neighbour texted or called in; see the module docstring for its states."""

    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("group_id", "code"),
        Index("ix_requests_group_id_status", "group_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    code: Mapped[str] = mapped_column(String(8))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), default=RequestStatus.NEW)
    need: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(default=list)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.ROUTINE)
    kind: Mapped[str] = mapped_column(String(12), default="request")
    language: Mapped[str] = mapped_column(String(8), default="en")
    location: Mapped[str | None] = mapped_column(Text)
    zone: Mapped[str | None] = mapped_column(String(80))
    people: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    callback_by: Mapped[str] = mapped_column(String(8), default="sms")  # sms | call
    recording_url: Mapped[str | None] = mapped_column(Text)
    # Why triage read the text so (the phrase that fired, as written, and its lexicon rule, or
    # "set by <dispatcher>" after an edit), what the text is for (request, greeting, ...) and
    # the need's gist as the dashboard's queue shows it: built from triage, never the words.
    triage_reason: Mapped[str | None] = mapped_column(Text)
    triage_rule: Mapped[str | None] = mapped_column(String(160))
    intent: Mapped[str | None] = mapped_column(String(12))
    gist: Mapped[str | None] = mapped_column(String(120))
    wave: Mapped[int] = mapped_column(Integer, default=0)
    next_wave_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    claimed_at: Mapped[datetime | None]
    stale_prompted_at: Mapped[datetime | None]
    stale_alerted_at: Mapped[datetime | None]
    location_asked_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    redacted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    contact: Mapped[Contact] = relationship()
    claimed_by: Mapped[Volunteer | None] = relationship()


class Offer(Base):
    """One volunteer asked to take one request; the claim race is decided on the request row."""

    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("request_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    wave: Mapped[int] = mapped_column(Integer)
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus), default=OfferStatus.OFFERED)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    request: Mapped[HelpRequest] = relationship()
    volunteer: Mapped[Volunteer] = relationship()


class RequestEvent(Base):
    """The audit trail: every change to a request, who made it and when."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(12))  # neighbour|volunteer|dispatcher|system
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class InboundMessage(Base):
    """Every text (or call) that reached the hotline, committed before the webhook answers."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("provider", "provider_sid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16), default="twilio")
    provider_sid: Mapped[str] = mapped_column(String(64))
    from_number: Mapped[str] = mapped_column(String(20))
    to_number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    opt_out_type: Mapped[str | None] = mapped_column(String(16))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))  # what handling it did, for the record
    # The sender and body exactly as they arrived (JSON, ASCII-escaped), kept only when they had
    # to be cleaned to fit the columns above (a NUL byte, a sender longer than a number).
    raw: Mapped[str | None] = mapped_column(Text)
    # Handling that raised: how many times, why (the error's type and first line), when it may
    # be tried again, and when it was set aside for a dispatcher after the last attempt.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failure: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None] = mapped_column(index=True)


class OutboundMessage(Base):
    """A text to send: written first, sent by a job, then moved along by delivery callbacks."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index("ix_outbound_messages_status_priority", "status", "priority"),
        Index("ix_outbound_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    to_number: Mapped[str] = mapped_column(String(20))
    from_number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[OutboundStatus] = mapped_column(
        _enum(OutboundStatus), default=OutboundStatus.QUEUED
    )
    priority: Mapped[int] = mapped_column(Integer, default=Priority.REPLY)
    # One key per intended message (e.g. "offer:12:7"): a job that runs twice cannot text twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    channel: Mapped[str | None] = mapped_column(String(16))
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When a queued message may be tried again (backoff after a failure, or the rate limit).
    next_attempt_at: Mapped[datetime | None]
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AidOffer(Base):
    """Help or goods someone offered with OFFER ..., for dispatchers to match with needs."""

    __tablename__ = "aid_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    body: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | matched | closed
    matched_request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship()


class VoiceCall(Base):
    """One call to the hotline and where the caller is in the keypad menus."""

    __tablename__ = "voice_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(20))
    to_number: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(8))
    step: Mapped[str] = mapped_column(String(20), default="language")
    retries: Mapped[int] = mapped_column(Integer, default=0)
    need: Mapped[str | None] = mapped_column(String(20))
    location_digits: Mapped[str | None] = mapped_column(String(12))
    recording_url: Mapped[str | None] = mapped_column(Text)
    callback_by: Mapped[str | None] = mapped_column(String(8))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
