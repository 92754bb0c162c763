"""Two texts from a new number handled at the same moment: one contact, both texts handled."""

from __future__ import annotations

import threading

from people import NEIGHBOUR
from sqlalchemy import select

from hotline.models import Contact, Group
from hotline.people import contact_for
from hotline.runtime.services import Hotline


def test_two_workers_meeting_a_new_number_at_once_share_one_contact(
    hotline: Hotline, group: Group
) -> None:
    # Both transactions look the number up (nobody there) before either inserts it. SQLite
    # lets one writing transaction in at a time, so there the two only run side by side.
    both = hotline.engine.dialect.name == "postgresql"
    looked_up = threading.Barrier(2 if both else 1, timeout=30)
    found: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with hotline.sessions.begin() as session:
                g = session.get_one(Group, group.id)
                nobody = session.scalar(select(Contact.id).where(Contact.group_id == g.id))
                assert nobody is None or not both
                looked_up.wait()
                found.append(contact_for(session, g, NEIGHBOUR).id)
        except BaseException as exc:  # the test reports it below, with the other thread's
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with hotline.sessions() as session:
        [contact] = session.scalars(select(Contact)).all()
    assert contact.phone_number == NEIGHBOUR
    assert found == [contact.id, contact.id]
