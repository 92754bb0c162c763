"""Redis never holds a phone number in the clear: after a whole conversation, with menus held
back, a claim, rates taken and a sign-in limited, no key names anyone's number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from people import BEN, CARLA, DEE, NEIGHBOUR, ROSA, add_cast, code_in
from redis import Redis
from story import HOTLINE_NUMBER, Story

from hotline.models import Group
from hotline.runtime.clock import SettableClock
from hotline.runtime.ratelimit import AttemptLimit, hashed_key
from hotline.runtime.services import Hotline

NUMBERS = (NEIGHBOUR, ROSA, BEN, CARLA, DEE, HOTLINE_NUMBER)


def _spellings(number: str) -> set[str]:
    """A number as a key might carry it: E.164, bare digits, the national ten digits."""
    digits = number.lstrip("+")
    return {number, digits, digits[-10:]}


def test_no_redis_key_holds_a_phone_number(
    story: Story, hotline: Hotline, group: Group, redis: Redis, clock: SettableClock
) -> None:
    add_cast(hotline, group)
    story.text(NEIGHBOUR, "we need water at 12 Elm St 02145")
    code = code_in(story.last(NEIGHBOUR))
    for _ in range(4):
        story.text(CARLA, "what")  # menus, then menus held back
    story.text(BEN, f"YES {code}")
    story.text(DEE, "Q")
    story.text(ROSA, "HELP")
    clock.advance(timedelta(minutes=1))
    story.text(BEN, f"DONE {code}")
    signin = AttemptLimit(hotline.redis, "secret", "number", limit=1, window_seconds=60)
    assert signin.hit(DEE) and not signin.hit(DEE)
    keys = [k.decode() for k in redis.scan_iter(count=1000)]
    assert any(k.startswith("hotline:menu:") for k in keys)  # the scan sees the limits
    assert any(k.startswith("hotline:capacity:") for k in keys)  # and the send limits
    leaked = sorted(
        (key, number)
        for key in keys
        for number in NUMBERS
        if any(spelling in key for spelling in _spellings(number))
    )
    assert leaked == []


@pytest.mark.parametrize(
    ("parts_a", "parts_b", "same"),
    [
        ((1, "+16175550100"), (1, "+16175550100"), True),
        ((1, "+16175550100"), (2, "+16175550100"), False),  # another group's limit
        ((1, "+16175550100"), (1, "+16175550101"), False),
    ],
)
def test_a_hashed_key_is_stable_and_tells_numbers_apart(
    parts_a: tuple[object, ...], parts_b: tuple[object, ...], same: bool
) -> None:
    a, b = hashed_key("secret", "menu", *parts_a), hashed_key("secret", "menu", *parts_b)
    assert (a == b) is same
    assert a.startswith("hotline:menu:") and "6175550" not in a
    assert hashed_key("other secret", "menu", *parts_a) != a
