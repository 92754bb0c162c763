"""What the hotline's processes log: one line per event, written once it is committed, with
masked numbers and never a message body; the libraries' per-request chatter is quiet."""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# INFO lines per HTTP request or job: twilio's client alone writes about ten per SMS.
CHATTY_LIBRARIES = (
    "twilio.http_client",
    "rq.worker",
    "rq.scheduler",
    "rq.queue",
    "werkzeug",
    "urllib3",
    "alembic.runtime.migration",
)
_PENDING = "hotline.log_lines"
events = logging.getLogger("hotline.events")


def configure(level: str, library_level: str) -> None:
    """Set up logging for a process: the hotline at `level`, chatty libraries at theirs."""
    logging.basicConfig(level=level, format=FORMAT)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(library_level)


def on_commit(session: Session, line: str) -> None:
    """Log `line` when the session's transaction commits (and never if it rolls back)."""
    session.info.setdefault(_PENDING, []).append(line)


def attach(factory: sessionmaker[Session]) -> None:
    """Make `on_commit` work for every session of this factory."""
    event.listen(factory, "after_commit", _write)
    event.listen(factory, "after_rollback", _forget)


def _write(session: Session) -> None:
    for line in session.info.pop(_PENDING, ()):
        events.info("%s", line)


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
