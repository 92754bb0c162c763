"""RQ job: send one stored outbound SMS by id (retried with backoff by the queue)."""

from hotline.outbound import send_outbound
from hotline.services import current


def send_sms(outbound_id: int) -> None:
    send_outbound(current(), outbound_id)
