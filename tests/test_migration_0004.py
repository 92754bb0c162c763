"""Migration 0004 (the triage reason, intent and gist of a request) goes up and down on both
databases, and a request stored before it keeps its row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from backends import POSTGRES_SERVER_URL, RUN, RunDatabase
from sqlalchemy import Engine, inspect, text

from hotline.runtime.db import make_engine
from hotline.runtime.migrate import alembic_config, upgrade

NEW_COLUMNS = {"triage_reason", "triage_rule", "intent", "gist"}


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own: this test moves the schema, the shared one stays."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
        yield engine
        engine.dispose()
        return
    database = RunDatabase(POSTGRES_SERVER_URL, name=f"hotline_test_{RUN}_m4")
    engine = make_engine(database.create())
    try:
        yield engine
    finally:
        engine.dispose()
        database.drop()


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def request_columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("requests")}


def test_0004_adds_the_triage_columns_and_takes_them_away(fresh_engine: Engine) -> None:
    upgrade(fresh_engine, "0003")
    assert not NEW_COLUMNS & request_columns(fresh_engine)
    with fresh_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO groups (name, hotline_number, region, default_language,"
                " emergency_number, zones, settings, created_at)"
                " VALUES ('G', '+16175550100', 'US', 'en', '911', '[]', '{}', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO contacts (group_id, phone_number, opted_out, created_at)"
                " VALUES (1, '+16175550111', false, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO requests (group_id, code, contact_id, status, need, categories,"
                " urgency, kind, language, channel, callback_by, wave, created_at, updated_at)"
                " VALUES (1, '4821', 1, 'open', 'water please', '[\"water\"]', 'urgent',"
                " 'request', 'en', 'sms', 'sms', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )

    upgrade(fresh_engine)
    assert request_columns(fresh_engine) >= NEW_COLUMNS
    with fresh_engine.begin() as conn:
        before = conn.execute(text("SELECT need, intent, gist FROM requests")).one()
        conn.execute(
            text("UPDATE requests SET triage_rule = :rule, gist = :gist, intent = 'greeting'"),
            {"rule": "r" * 160, "gist": "g" * 120},
        )
    assert tuple(before) == ("water please", None, None)  # old rows read as "not known"

    downgrade(fresh_engine, "0003")
    assert not NEW_COLUMNS & request_columns(fresh_engine)
    with fresh_engine.connect() as conn:
        assert conn.execute(text("SELECT code, need FROM requests")).one() == (
            "4821",
            "water please",
        )
    upgrade(fresh_engine)
    assert request_columns(fresh_engine) >= NEW_COLUMNS
