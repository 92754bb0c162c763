"""Inbound SMS at the edge: signature, persistence before the answer, idempotency, the group."""

from __future__ import annotations

import requests
from rq import Queue
from sqlalchemy import func, select
from story import AUTH_TOKEN, HOTLINE_NUMBER, run_jobs
from twilio.request_validator import RequestValidator

from hotline.groups import add_group
from hotline.models import Group, InboundMessage
from hotline.runtime.queues import INBOUND
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer


def inbound_rows(h: Hotline) -> list[InboundMessage]:
    with h.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_signed_text_is_stored_and_queued_before_the_answer(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    result = sim.text_hotline("(617) 555-0111", HOTLINE_NUMBER, "we need water")
    assert result.status_code == 200
    assert result.response_text.strip().startswith("<?xml")
    assert "<Response" in result.response_text
    [row] = inbound_rows(hotline)
    assert row.from_number == "+16175550111"  # normalised to E.164
    assert row.body == "we need water"
    assert row.group_id == group.id
    assert row.processed_at is None
    queue = Queue(INBOUND, connection=hotline.redis)
    [job] = queue.get_jobs()
    assert job.func_name == "workers.inbound.handle_inbound" and job.args == (row.id,)


def test_retried_webhook_creates_nothing_new(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    first = sim.text_hotline("+16175550111", HOTLINE_NUMBER, "water please")
    again = sim.repost(first)
    assert again.status_code == 200
    assert len(inbound_rows(hotline)) == 1


def test_bad_or_missing_signature_is_refused_and_nothing_stored(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    forged = sim.text_hotline("+16175550111", HOTLINE_NUMBER, "hello", bad_signature=True)
    assert forged.status_code == 403
    url = f"{hotline.settings.public_url}/twilio/sms"
    unsigned = requests.post(
        url,
        data={"MessageSid": "SM1", "From": "+16175550111", "To": HOTLINE_NUMBER, "Body": "x"},
        timeout=5,
    )
    assert unsigned.status_code == 403
    assert inbound_rows(hotline) == []


def test_signature_is_checked_against_the_public_url_not_the_proxied_one(
    hotline: Hotline, group: Group
) -> None:
    """Behind a proxy Flask sees another host; the signature must match the URL Twilio used."""
    params = {
        "MessageSid": "SM" + "a" * 32,
        "From": "+16175550111",
        "To": HOTLINE_NUMBER,
        "Body": "hi",
    }
    local_url = f"{hotline.settings.public_url}/twilio/sms"
    public = "https://hotline.example.org/twilio/sms"
    hotline.settings = hotline.settings.with_overrides(public_url="https://hotline.example.org")
    good = RequestValidator(AUTH_TOKEN).compute_signature(public, params)
    wrong = RequestValidator(AUTH_TOKEN).compute_signature(local_url, params)
    assert (
        requests.post(
            local_url, data=params, headers={"X-Twilio-Signature": wrong}, timeout=5
        ).status_code
        == 403
    )
    assert (
        requests.post(
            local_url, data=params, headers={"X-Twilio-Signature": good}, timeout=5
        ).status_code
        == 200
    )
    assert len(inbound_rows(hotline)) == 1


def test_the_to_number_decides_the_group(hotline: Hotline, sim: SimServer, group: Group) -> None:
    with hotline.sessions.begin() as session:
        other = add_group(session, "Medford Neighbours", "+1 781 555 0100")
    sim.text_hotline("+16175550111", "+17815550100", "need diapers")
    sim.text_hotline("+16175550111", HOTLINE_NUMBER, "need water")
    rows = inbound_rows(hotline)
    assert [(r.body, r.group_id) for r in rows] == [
        ("need diapers", other.id),
        ("need water", group.id),
    ]


def test_unknown_hotline_number_is_kept_but_answers_nobody(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    sim.text_hotline("+16175550111", "+12125550100", "hello?")
    run_jobs(hotline)
    [row] = inbound_rows(hotline)
    assert row.group_id is None and row.outcome == "unknown_hotline_number"
    assert sim.messages_to("+16175550111") == []
    with hotline.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
