"""A database that refuses to record the handling of one number's texts: a real fault, injected.

A trigger raises when a handled text from that number gets its outcome, the way a bug or a
value the database refuses makes a job raise; the hotline's own code is left untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

_SQLITE = """
CREATE TRIGGER poison BEFORE UPDATE OF outcome ON inbound_messages
WHEN NEW.from_number = '{number}' AND NEW.outcome IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'poisoned text refused'); END
"""
_POSTGRES = (
    "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN"
    " RAISE EXCEPTION 'poisoned text refused'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER poison BEFORE UPDATE OF outcome ON inbound_messages FOR EACH ROW"
    " WHEN (NEW.from_number = '{number}' AND NEW.outcome IS NOT NULL) EXECUTE FUNCTION poison()",
)


def poison(engine: Engine, number: str) -> None:
    statements = (_SQLITE,) if engine.dialect.name == "sqlite" else _POSTGRES
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement.format(number=number)))


def cure(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS poison" + _on(engine)))
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION IF EXISTS poison()"))


def _on(engine: Engine) -> str:
    return " ON inbound_messages" if engine.dialect.name == "postgresql" else ""


@contextmanager
def poisoned(engine: Engine, number: str) -> Iterator[None]:
    poison(engine, number)
    try:
        yield
    finally:
        cure(engine)
