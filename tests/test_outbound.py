"""Outbound SMS: a row first, then the real twilio client; statuses, retries, permanent errors."""

from __future__ import annotations

import pytest
import requests
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select
from story import AUTH_TOKEN, Story, run_jobs
from twilio.request_validator import RequestValidator

from hotline.models import Contact, Group, OutboundMessage, OutboundStatus
from hotline.outbound import queue_sms, send_outbound
from hotline.people import contact_for
from hotline.runtime.queues import OUTBOUND
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer
from hotline.sweeper import sweep

PHONE = "+16175550111"


def queue_help(h: Hotline, group: Group, number: str = PHONE) -> int:
    with h.work() as work:
        g = work.session.get_one(Group, group.id)
        contact = contact_for(work.session, g, number)
        message = queue_sms(h, work, g, contact, "help", group=g.name)
        assert message is not None
        return message.id


def outbound(h: Hotline, message_id: int) -> OutboundMessage:
    with h.sessions() as session:
        return session.get_one(OutboundMessage, message_id)


def test_sent_through_the_twilio_client_and_moved_by_callbacks(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    message_id = queue_help(hotline, group)
    assert outbound(hotline, message_id).status == OutboundStatus.QUEUED
    run_jobs(hotline)
    sim.wait_for_callbacks(10)
    row = outbound(hotline, message_id)
    [sent] = sim.messages_to(PHONE)
    assert row.provider_sid == sent.sid
    assert row.status == OutboundStatus.DELIVERED
    assert sent.body == row.body and "Somerville" in sent.body
    assert sent.status_callback == f"{hotline.settings.public_url}/twilio/status?m={message_id}"


def test_undelivered_callback_is_recorded(hotline: Hotline, sim: SimServer, group: Group) -> None:
    sim.set_undeliverable(PHONE)
    message_id = queue_help(hotline, group)
    run_jobs(hotline)
    sim.wait_for_callbacks(10)
    row = outbound(hotline, message_id)
    assert row.status == OutboundStatus.UNDELIVERED and row.error_code == 30003


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda sim: sim.add_landline(PHONE), 21614),
        (lambda sim: sim.text_hotline(PHONE, sim.hotline_number, "STOP"), 21610),
    ],
)
def test_permanent_errors_are_recorded_and_never_retried(
    hotline: Hotline, sim: SimServer, group: Group, setup, code: int
) -> None:
    setup(sim)
    # Read the STOP (if any) only at the carrier, not by the hotline, to reach Twilio's refusal.
    hotline.redis.flushdb()
    message_id = queue_help(hotline, group)
    run_jobs(hotline)
    row = outbound(hotline, message_id)
    assert row.status == OutboundStatus.FAILED and row.error_code == code
    for name in OUTBOUND:
        assert (
            ScheduledJobRegistry(
                queue=Queue(name, connection=hotline.redis), connection=hotline.redis
            ).count
            == 0
        )
    if code == 21610:
        with hotline.sessions() as session:
            assert session.scalar(select(Contact.opted_out).where(Contact.phone_number == PHONE))


def test_invalid_number_is_a_permanent_error(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    message_id = queue_help(hotline, group, number="+1555")
    run_jobs(hotline)
    row = outbound(hotline, message_id)
    assert row.status == OutboundStatus.FAILED and row.error_code == 21211


@pytest.mark.parametrize("fault", ["error_500", "error_503", "refuse"])
def test_server_errors_and_network_failures_wait_and_retry_with_growing_intervals(
    hotline: Hotline, sim: SimServer, group: Group, fault: str
) -> None:
    sim.set_fault(fault)
    message_id = queue_help(hotline, group)
    waits = []
    for attempt in range(1, 4):
        run_jobs(hotline)
        row = outbound(hotline, message_id)
        assert row.status == OutboundStatus.QUEUED and row.attempts == attempt
        assert row.next_attempt_at is not None
        waits.append((row.next_attempt_at - hotline.clock.now()).total_seconds())
        assert sweep(hotline).outbound == 0  # not due yet: nothing is sent early
        hotline.clock.advance(row.next_attempt_at - hotline.clock.now())  # type: ignore[attr-defined]
        hotline.redis.delete("hotline:breaker:twilio")  # keep the breaker out of this test
        assert sweep(hotline).outbound == 1
    assert waits == sorted(waits) and waits[0] < waits[-1]
    # The link comes back: the next retry sends it exactly once.
    sim.set_fault(None)
    run_jobs(hotline)
    assert outbound(hotline, message_id).status in (OutboundStatus.SENT, OutboundStatus.DELIVERED)
    assert len(sim.messages_to(PHONE)) == 1


def test_sending_twice_sends_once(hotline: Hotline, sim: SimServer, group: Group) -> None:
    message_id = queue_help(hotline, group)
    send_outbound(hotline, message_id)
    send_outbound(hotline, message_id)
    run_jobs(hotline)
    assert len(sim.messages_to(PHONE)) == 1


def test_nothing_is_ever_sent_to_an_opted_out_number(
    story: Story, hotline: Hotline, group: Group
) -> None:
    story.text(PHONE, "STOP")
    story.text(PHONE, "we need water at 12 Elm St 02145")
    message_id = queue_help(hotline, group)
    run_jobs(hotline)
    assert story.inbox(PHONE) == []
    assert outbound(hotline, message_id).status == OutboundStatus.BLOCKED
    with hotline.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.phone_number == PHONE)).one()
        assert contact.opted_out and contact.opt_out_type == "STOP"


def post_status(h: Hotline, message_id: int, params: dict[str, str]) -> int:
    url = f"{h.settings.public_url}/twilio/status?m={message_id}"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    answer = requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=5)
    return answer.status_code


def test_a_report_that_the_carrier_unsubscribed_the_number_stops_everything_after_it(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    message_id = queue_help(hotline, group)
    report = {"MessageSid": "SM" + "c" * 32, "MessageStatus": "failed", "ErrorCode": "21610"}
    assert post_status(hotline, message_id, report) == 204
    row = outbound(hotline, message_id)
    assert (row.status, row.error_code) == (OutboundStatus.FAILED, 21610)
    with hotline.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.phone_number == PHONE)).one()
        assert contact.opted_out and contact.opt_out_type == "carrier"
    later = queue_help(hotline, group)
    run_jobs(hotline)
    assert outbound(hotline, later).status == OutboundStatus.BLOCKED
    assert sim.messages_to(PHONE) == []


@pytest.mark.parametrize(
    ("word", "status"),
    [("sent", OutboundStatus.SENT), ("read", OutboundStatus.QUEUED), ("", OutboundStatus.QUEUED)],
)
def test_a_status_word_we_do_not_know_moves_nothing(
    hotline: Hotline, sim: SimServer, group: Group, word: str, status: OutboundStatus
) -> None:
    message_id = queue_help(hotline, group)
    report = {"MessageSid": "SM" + "d" * 32, "MessageStatus": word}
    assert post_status(hotline, message_id, report) == 204
    assert outbound(hotline, message_id).status == status
