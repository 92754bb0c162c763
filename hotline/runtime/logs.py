"""What the hotline's processes log: one line per event, written once it is committed, with
masked numbers and never a message body; the libraries' per-request chatter is quiet."""

from __future__ import annotations

import logging
import re
from types import TracebackType

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


# A number in E.164 or a long run of digits: PostgreSQL's own error text repeats a row's key
# ("Key (group_id, phone_number)=(1, +16175550142) already exists"), whatever the engine hides.
_NUMBER = re.compile(
    r"\+\d{7,15}\b|\b\d{10,15}\b"
    r"|(?<![\w-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b"  # 617-555-0142, (617) 555 0142
)
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def mask_numbers(text: str) -> str:
    """Every phone number in `text` with all but its last two digits starred."""
    return _NUMBER.sub(lambda m: m.group()[:-2].translate(_STARS) + m.group()[-2:], text)


_STARS = str.maketrans("0123456789", "**********")


class MaskingFormatter(logging.Formatter):
    """Formats a record with phone numbers masked in its message and its traceback, so that
    no library's error text can put a full number in the log."""

    def format(self, record: logging.LogRecord) -> str:
        msg, args = record.msg, record.args
        record.msg, record.args = mask_numbers(record.getMessage()), None
        try:
            return super().format(record)
        finally:
            record.msg, record.args = msg, args

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 (logging's own name)
        return mask_numbers(super().formatException(ei))


def configure(level: str, library_level: str) -> None:
    """Set up logging for a process: the hotline at `level`, chatty libraries at theirs."""
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(MaskingFormatter(FORMAT))
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
