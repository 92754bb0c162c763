"""A database error in the log says what failed, never the numbers or words it carried."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy.exc import IntegrityError

from hotline.models import Contact, Group, InboundMessage
from hotline.phones import mask
from hotline.runtime import logs
from hotline.runtime.services import Hotline

NUMBER = "+16175550142"
WORDS = "my daughter needs insulin, 27 Maple St"


def test_a_failed_insert_logs_no_number_and_no_body(hotline: Hotline, group: Group) -> None:
    with hotline.sessions.begin() as session:
        session.add(Contact(group_id=group.id, phone_number=NUMBER))
    with pytest.raises(IntegrityError) as failure, hotline.sessions.begin() as session:
        session.add(
            InboundMessage(
                group_id=group.id,
                provider_sid="SM1",
                from_number=NUMBER,
                to_number=group.hotline_number,
                body=WORDS,
            )
        )
        session.add(Contact(group_id=group.id, phone_number=NUMBER))  # the unique index
    # What a worker's log shows: the processes' formatter (hotline.logs.configure) over it.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.MaskingFormatter(logs.FORMAT))
    worker_log = logging.getLogger("rq.worker")
    worker_log.addHandler(handler)
    try:
        worker_log.error("job failed for %s", NUMBER, exc_info=failure.value)
        worker_log.error("a driver error mentioning %s", "(617) 555-0142 or 617.555.0142")
    finally:
        worker_log.removeHandler(handler)
    written = stream.getvalue()
    assert "IntegrityError" in written  # the error itself is there for a person to read
    assert mask(NUMBER) in written  # masked as everywhere else in the log
    assert NUMBER not in written and NUMBER[2:] not in written
    assert "555-0142" not in written and "555.0142" not in written
    assert "insulin" not in written and "Maple" not in written
