"""One process's hotline: settings, database, Redis, queues, clock, templates and SMS channel.

Web views, jobs and CLI commands receive this object instead of reaching for globals. RQ jobs
run in a work horse that has no request context, so the worker installs the object once at
start-up and `current()` hands it to each job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from redis import Redis
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from hotline.channels import SmsChannel
from hotline.channels.gateway import GatewayChannel
from hotline.channels.twilio import TwilioChannel, twilio_client
from hotline.models import Group
from hotline.runtime.breaker import Breaker
from hotline.runtime.clock import Clock, SystemClock
from hotline.runtime.db import make_engine, make_session_factory
from hotline.runtime.queues import Queues
from hotline.runtime.ratelimit import MenuLimit
from hotline.runtime.settings import Settings
from hotline.sms.templates import TemplateBook, default_template_root
from hotline.triage import Triager, Zone

log = logging.getLogger(__name__)


@dataclass
class Work:
    """A database transaction plus what to do once it has committed (enqueue, never before)."""

    session: Session
    _after_commit: list[Callable[[], object]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], object]) -> None:
        self._after_commit.append(action)


@dataclass
class Hotline:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    redis: Redis[bytes]
    clock: Clock
    # Ordered: the first channel whose breaker is closed sends (Twilio, then a local gateway).
    channels: tuple[SmsChannel, ...]
    templates: TemplateBook

    @cached_property
    def queues(self) -> Queues:
        return Queues(self.redis)

    @cached_property
    def menu_limit(self) -> MenuLimit:
        return MenuLimit(self.redis, self.settings.secret_key or "")

    def breaker(self, channel: str) -> Breaker:
        return Breaker(self.redis, channel)

    def channel_chain(self, group_name: str) -> tuple[SmsChannel, ...]:
        """The channels a group sends through, in order; a gateway may belong to one group."""
        only = self.settings.gateway_group
        return tuple(
            c for c in self.channels if c.name != "gateway" or not only or only == group_name
        )

    _triagers: dict[tuple[object, ...], Triager] = field(default_factory=dict)
    # Hotline number -> (expiry, (group id, region)), filled by the webhook path.
    group_numbers: dict[str, tuple[float, tuple[int, str]]] = field(default_factory=dict)

    def triager_for(self, zones: list[dict[str, object]], default_language: str) -> Triager:
        """A triager for a group's zones; built once per process, compiling is the slow part."""
        key = (repr(zones), default_language)
        if key not in self._triagers:
            extra = [self.settings.lexicon_dir] if self.settings.lexicon_dir else []
            self._triagers[key] = Triager(
                zones=[Zone.from_setting(zone) for zone in zones],
                extra_lexicon_dirs=extra,
                default_language=default_language,
            )
        return self._triagers[key]

    @contextmanager
    def work(self) -> Iterator[Work]:
        """Run a unit of work: commit, then run its after-commit actions (e.g. enqueue jobs)."""
        with self.sessions() as session:
            work = Work(session)
            with session.begin():
                yield work
        for action in work._after_commit:
            action()

    def warm_up(self) -> None:
        """Compile every group's triager now, in the worker's parent process.

        RQ forks a work horse per job: whatever a job builds dies with its horse, so a
        triager built lazily would be compiled again for every single text.
        """
        with self.sessions() as session:
            for group in session.scalars(select(Group)):
                self.triager_for(group.zones, group.default_language)

    def status_callback_url(self, outbound_id: int) -> str | None:
        if not self.settings.public_url:
            return None
        return f"{self.settings.public_url}/twilio/status?m={outbound_id}"


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    redis: Redis[bytes] | None = None,
    channel: SmsChannel | None = None,
    engine: Engine | None = None,
    channels: tuple[SmsChannel, ...] | None = None,
) -> Hotline:
    engine = engine or make_engine(settings.database_url)
    if redis is None:
        settings.require("REDIS_URL")
        redis = Redis.from_url(settings.redis_url or "")
    if channels is None:
        if channel is None:
            settings.require("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
            channel = TwilioChannel(
                twilio_client(
                    settings.twilio_account_sid or "",
                    settings.twilio_auth_token or "",
                    settings.twilio_api_url,
                )
            )
        channels = (channel, *gateway_channels(settings))
    return Hotline(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        redis=redis,
        clock=clock or SystemClock(),
        channels=channels,
        templates=TemplateBook(settings.templates_dir or default_template_root()),
    )


def gateway_channels(settings: Settings) -> tuple[SmsChannel, ...]:
    """The local SMS gateway, when one is configured."""
    if not (settings.gateway_url and settings.gateway_number):
        return ()
    return (
        GatewayChannel(
            settings.gateway_url,
            settings.gateway_username or "",
            settings.gateway_password or "",
            settings.gateway_number,
        ),
    )


_current: Hotline | None = None


def install(hotline: Hotline | None) -> None:
    """Make `hotline` the one that jobs in this process use (None uninstalls)."""
    global _current  # noqa: PLW0603  # the one process-wide handle RQ jobs can reach
    _current = hotline


def current() -> Hotline:
    """The installed hotline, or one built from the environment (e.g. under a plain `rq worker`)."""
    if _current is None:
        install(build(Settings.from_env()))
    assert _current is not None
    return _current
