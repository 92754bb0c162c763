"""Each way out has its own capacity: per second, per rolling window, per day, shared in Redis.

Counted by the settable clock, on the machine's Redis and the embedded (older) one; a
gateway phone full for the window makes messages wait in the database, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from people import add_cast
from redis import Redis
from sqlalchemy import select
from story import run_jobs

from hotline.capacity import Capacity, ChannelKind, Limits, kind_of, limits_for
from hotline.channels.gateway import GatewayChannel
from hotline.group_settings import GroupSettings
from hotline.models import Group, OutboundMessage, OutboundStatus, Priority
from hotline.outbound import queue_sms
from hotline.people import contact_for
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline
from hotline.simulators.gateway_sim.server import GatewaySim
from hotline.simulators.twilio_sim.server import SimServer
from hotline.sweeper import sweep

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PHONE = "+16175550177"


@pytest.mark.parametrize(
    ("channel", "sender", "kind"),
    [
        ("twilio", "+16175550100", ChannelKind.LONG_CODE),
        ("twilio", "+18005550100", ChannelKind.TOLL_FREE),
        ("twilio", "+18885550100", ChannelKind.TOLL_FREE),
        ("twilio", "+18015550100", ChannelKind.LONG_CODE),  # Utah, not toll-free
        ("twilio", "+442071838750", ChannelKind.LONG_CODE),
        ("twilio", "87654", ChannelKind.SHORT_CODE),
        ("twilio", "MG" + "0" * 32, ChannelKind.MESSAGING_SERVICE),
        ("gateway", PHONE, ChannelKind.ANDROID),
    ],
)
def test_what_kind_of_sender_a_channel_is(channel: str, sender: str, kind: ChannelKind) -> None:
    assert kind_of(channel, sender) is kind


def test_the_defaults_are_the_carriers_and_androids_own() -> None:
    config = GroupSettings()
    assert limits_for(ChannelKind.LONG_CODE, config).per_second == 1.0
    assert limits_for(ChannelKind.TOLL_FREE, config).per_second == 3.0
    android = limits_for(ChannelKind.ANDROID, config)
    assert (android.window, android.window_seconds, android.per_day) == (30, 1800.0, None)
    assert android.per_second == pytest.approx(20 / 60)
    raised = GroupSettings.from_json(
        {"gateway_window_count": 200, "gateway_daily_limit": 500, "short_code_per_second": 30}
    )
    assert limits_for(ChannelKind.ANDROID, raised).window == 200
    assert limits_for(ChannelKind.ANDROID, raised).per_day == 500
    assert limits_for(ChannelKind.SHORT_CODE, raised).per_second == 30.0


ANDROID = limits_for(ChannelKind.ANDROID, GroupSettings())


def test_a_phone_sends_30_in_30_minutes_then_waits_for_the_oldest_to_leave_the_window(
    redis: Redis,
) -> None:
    capacity = Capacity(redis, "secret")
    now = START
    for n in range(30):
        assert capacity.take("gateway", PHONE, ANDROID, now, f"m{n}") == 0.0
        now += timedelta(seconds=3)  # a phone's pace: 20 a minute
    wait = capacity.take("gateway", PHONE, ANDROID, now, "m30")
    assert wait == pytest.approx(1800 - 90)  # the first send leaves the window at 30:00
    assert capacity.used("gateway", PHONE, ANDROID, now) == (30, 0)
    assert capacity.take("gateway", PHONE, ANDROID, START + timedelta(seconds=1799), "m30") > 0
    assert capacity.take("gateway", PHONE, ANDROID, START + timedelta(seconds=1800), "m30") == 0


def test_the_count_is_shared_by_workers_and_survives_a_restart(
    redis: Redis, redis_url: str
) -> None:
    first_worker = Capacity(redis, "secret")
    for n in range(20):
        first_worker.take("gateway", PHONE, ANDROID, START + timedelta(seconds=3 * n), f"a{n}")
    # Another process, its own connection, started after the first sent 20.
    restarted = Redis.from_url(redis_url)
    try:
        second_worker = Capacity(restarted, "secret")
        now = START + timedelta(minutes=2)
        sent = 0
        for n in range(20):
            worker = (first_worker, second_worker)[n % 2]
            if worker.take("gateway", PHONE, ANDROID, now, f"b{n}") == 0.0:
                sent += 1
            now += timedelta(seconds=3)
        assert sent == 10
        assert second_worker.used("gateway", PHONE, ANDROID, now) == (30, 0)
    finally:
        restarted.close()


def test_each_way_out_counts_for_itself(redis: Redis) -> None:
    capacity = Capacity(redis, "secret")
    for n in range(30):
        capacity.take("gateway", PHONE, ANDROID, START + timedelta(seconds=3 * n), f"m{n}")
    later = START + timedelta(minutes=2)
    assert capacity.take("gateway", PHONE, ANDROID, later, "full") > 0
    assert capacity.take("gateway", "+16175550178", ANDROID, later, "other phone") == 0
    long_code = limits_for(ChannelKind.LONG_CODE, GroupSettings())
    assert capacity.take("twilio", "+16175550100", long_code, later, "twilio") == 0


def test_a_long_code_sends_one_segment_a_second(redis: Redis) -> None:
    capacity = Capacity(redis, "secret")
    long_code = Limits(per_second=1.0, burst=1.0)
    assert capacity.take("twilio", "+16175550100", long_code, START, "a") == 0
    assert capacity.take("twilio", "+16175550100", long_code, START, "b") == pytest.approx(1.0)
    roomy = Limits(per_second=1.0, burst=5.0)
    assert capacity.take("twilio", "+16175550101", roomy, START, "three parts", cost=3) == 0
    # Two tokens left: a two-part message fits, a third part waits its second.
    assert capacity.take("twilio", "+16175550101", roomy, START, "c", cost=2) == 0
    assert capacity.take("twilio", "+16175550101", roomy, START, "d") == pytest.approx(1.0)


def test_a_sim_plan_caps_the_day_and_a_refused_send_is_given_back(redis: Redis) -> None:
    capacity = Capacity(redis, "secret")
    plan = Limits(per_second=1000.0, burst=1000.0, per_day=100)
    now = START
    for n in range(100):
        assert capacity.take("gateway", PHONE, plan, now, f"m{n}") == 0
        now += timedelta(minutes=10)  # 100 sends over 16 h 40 min
    assert capacity.take("gateway", PHONE, plan, now, "late") == pytest.approx(86400 - 100 * 600)
    capacity.give_back("gateway", PHONE, "m99")
    assert capacity.take("gateway", PHONE, plan, now, "late") == 0


def test_no_key_holds_the_sending_number(redis: Redis) -> None:
    Capacity(redis, "secret").take("gateway", PHONE, ANDROID, START, "m")
    keys = [key.decode() for key in redis.scan_iter(match="hotline:capacity:*")]
    assert len(keys) == 2 and not [key for key in keys if PHONE[2:] in key]


# --- the outbox drain ------------------------------------------------------------------------


@pytest.fixture
def gateway_only(hotline: Hotline, sim: SimServer, group: Group) -> Iterator[GatewaySim]:
    """Twilio cannot be reached; the group's gateway phone, with Android's real limits."""
    url = f"{hotline.settings.public_url}/gateway/sms"
    with GatewaySim("hotline", "pw", "key", PHONE, webhook_url=url, phones=sim) as phone:
        hotline.settings = hotline.settings.with_overrides(
            gateway_url=phone.url, gateway_number=PHONE, gateway_signing_key="key"
        )
        hotline.channels = (GatewayChannel(phone.url, "hotline", "pw", PHONE, timeout=30),)
        add_cast(hotline, group)
        with hotline.sessions.begin() as session:
            # The phone's own pace and window; the conftest's fast number rate stays.
            session.get_one(Group, group.id).settings = {
                **session.get_one(Group, group.id).settings,
                "send_burst": 1000,
            }
        yield phone


def queue_many(h: Hotline, group: Group, count: int) -> None:
    with h.work() as work:
        g = work.session.get_one(Group, group.id)
        for n in range(count):
            contact = contact_for(work.session, g, f"+1617555{3000 + n:04d}")
            queue_sms(h, work, g, contact, "help", priority=Priority.REPLY, group=g.name)


def statuses(h: Hotline) -> list[OutboundStatus]:
    with h.sessions() as session:
        return list(session.scalars(select(OutboundMessage.status)))


def test_a_full_phone_defers_the_rest_to_the_next_window_and_drops_nothing(
    hotline: Hotline, group: Group, gateway_only: GatewaySim
) -> None:
    assert isinstance(hotline.clock, SettableClock)
    queue_many(hotline, group, 35)
    run_jobs(hotline)
    for _ in range(29):
        hotline.clock.advance(timedelta(minutes=1))
        sweep(hotline)
        run_jobs(hotline)
    gateway_only.wait_for_webhooks()
    sent = [s for s in statuses(hotline) if s is not OutboundStatus.QUEUED]
    assert len(sent) == 30 and len(gateway_only.messages) == 30
    assert statuses(hotline).count(OutboundStatus.QUEUED) == 5  # waiting, not lost
    for _ in range(3):
        hotline.clock.advance(timedelta(minutes=1))
        sweep(hotline)
        run_jobs(hotline)
    gateway_only.wait_for_webhooks()
    assert len(gateway_only.messages) == 35
    assert OutboundStatus.QUEUED not in statuses(hotline)
