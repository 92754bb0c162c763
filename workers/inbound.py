"""RQ job: handle one stored inbound message by id; a failure is noted on the row and retried."""

from hotline.failures import handle
from hotline.runtime.services import current


def handle_inbound(inbound_id: int) -> None:
    handle(current(), inbound_id)
