"""RQ job: send one stored outbound SMS by id; a failed send is retried from the database."""

from hotline.outbound import send_outbound
from hotline.runtime.services import current


def send_sms(outbound_id: int) -> None:
    send_outbound(current(), outbound_id)
