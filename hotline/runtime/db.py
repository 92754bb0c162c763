"""The database engine and session factory, tuned per engine (SQLite needs care)."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import CursorResult, Engine, Executable, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from hotline.runtime import logs


def make_engine(url: str, **kwargs: Any) -> Engine:
    # A database error must not print its statement's parameters: numbers and message bodies.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _tune_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    # RQ forks a work horse per job: the child must not reuse the parent's sockets.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where a transaction begins (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Take the write lock up front: a deferred transaction that later writes can fail
        # with "database is locked" under concurrent workers, whatever the busy timeout.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    logs.attach(factory)
    return factory


def changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE and return how many rows it changed: the count that decides races."""
    result = session.execute(statement)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
