"""RQ job: handle one stored inbound message by id."""

from hotline.intake import handle_inbound as _handle
from hotline.services import current


def handle_inbound(inbound_id: int) -> None:
    _handle(current(), inbound_id)
