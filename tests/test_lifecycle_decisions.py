"""The lifecycle's decisions, table-driven on plain values: no database, no Redis, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hotline.lifecycle import (
    ClaimCheck,
    ClaimCheckStep,
    after_opening,
    assignable,
    can_advance,
    can_offer_wave,
    claim_check,
    fired_early,
    may_claim,
    on_claim,
    wave_size,
    whole_wave_declined,
)
from hotline.models import OfferStatus, RequestStatus

RS, OS = RequestStatus, OfferStatus
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("emergency", "expected"), [(False, 3), (True, 8)], ids=["routine", "emergency"]
)
def test_an_emergency_asks_a_wider_wave(emergency: bool, expected: int) -> None:
    assert wave_size(emergency=emergency, routine=3, for_emergency=8) == expected


@pytest.mark.parametrize(
    ("now", "due", "early"),
    [
        (T0, T0, False),
        (T0 - timedelta(milliseconds=500), T0, False),  # within the slack: due
        (T0 - timedelta(seconds=2), T0, True),
        (T0 + MIN, T0, False),  # late is never early
    ],
)
def test_a_timer_is_early_only_beyond_the_slack(now: datetime, due: datetime, early: bool) -> None:
    assert fired_early(now, due) is early


@pytest.mark.parametrize(
    ("status", "wave", "sent", "goes"),
    [
        (RS.OPEN, 1, 0, True),
        (RS.OFFERING, 2, 1, True),
        (RS.OFFERING, 2, 2, False),  # that wave went already: the job ran twice
        (RS.OPEN, 3, 1, False),  # a wave skipped
        (RS.NEEDS_INFO, 1, 0, False),  # waiting to hear where
        (RS.ESCALATED, 1, 0, False),
        (RS.CLAIMED, 2, 1, False),
        (RS.CANCELLED, 1, 0, False),
    ],
)
def test_a_wave_goes_once_while_nobody_has_the_request(
    status: RequestStatus, wave: int, sent: int, goes: bool
) -> None:
    assert can_offer_wave(status, wave, sent) is goes


@pytest.mark.parametrize(
    ("status", "wave", "sent", "goes"),
    [
        (RS.OFFERING, 1, 1, True),
        (RS.OFFERING, 1, 2, False),  # the next wave went already (everyone said NO)
        (RS.CLAIMED, 1, 1, False),
        (RS.OPEN, 1, 1, False),  # released and being offered afresh
    ],
)
def test_the_next_wave_follows_only_the_wave_that_is_out(
    status: RequestStatus, wave: int, sent: int, goes: bool
) -> None:
    assert can_advance(status, wave, sent) is goes


@pytest.mark.parametrize(
    ("has_place", "emergency", "expected"),
    [
        (True, False, (RS.OPEN, False)),
        (True, True, (RS.OPEN, False)),
        (False, False, (RS.NEEDS_INFO, True)),
        (False, True, (RS.OPEN, True)),  # asked where, but offered at once
    ],
)
def test_a_new_request_waits_for_a_place_unless_it_is_an_emergency(
    has_place: bool, emergency: bool, expected: tuple[RequestStatus, bool]
) -> None:
    assert after_opening(has_place=has_place, emergency=emergency) == expected


@pytest.mark.parametrize(
    ("status", "waiting", "next_now"),
    [(RS.OFFERING, 0, True), (RS.OFFERING, 1, False), (RS.CLAIMED, 0, False), (RS.OPEN, 0, False)],
)
def test_the_next_wave_goes_at_once_when_the_whole_wave_said_no(
    status: RequestStatus, waiting: int, next_now: bool
) -> None:
    assert whole_wave_declined(status, waiting) is next_now


@pytest.mark.parametrize(
    ("status", "winner", "becomes"),
    [
        (OS.OFFERED, True, OS.CLAIMED),
        (OS.DECLINED, True, OS.CLAIMED),  # said NO, then YES after all
        (OS.TAKEN, True, OS.CLAIMED),
        (OS.WITHDRAWN, True, OS.CLAIMED),  # a dispatcher assigned them
        (OS.CLAIMED, True, None),
        (OS.OFFERED, False, OS.TAKEN),  # still asked: told it was taken
        (OS.DECLINED, False, None),  # their NO stands
        (OS.TAKEN, False, None),
        (OS.WITHDRAWN, False, None),
        (OS.CLAIMED, False, None),  # a previous holder's offer is withdrawn elsewhere
    ],
)
def test_which_offers_close_when_a_claim_wins(
    status: OfferStatus, winner: bool, becomes: OfferStatus | None
) -> None:
    assert on_claim(status, winner=winner) == becomes


@pytest.mark.parametrize(
    ("active", "opted_out", "ok"),
    [(True, False, True), (True, True, False), (False, False, False), (False, True, False)],
)
def test_a_volunteer_can_be_assigned_only_on_the_roster_and_taking_texts(
    active: bool, opted_out: bool, ok: bool
) -> None:
    assert assignable(active=active, opted_out=opted_out) is ok


@pytest.mark.parametrize(
    ("status", "ok"),
    [(OS.OFFERED, True), (OS.DECLINED, True), (OS.TAKEN, True), (OS.WITHDRAWN, False)],
)
def test_a_yes_may_win_unless_the_offer_was_withdrawn(status: OfferStatus, ok: bool) -> None:
    assert may_claim(status) is ok


STALE, ALERT = 60 * MIN, 30 * MIN


@pytest.mark.parametrize(
    ("now", "prompted", "alerted", "expected"),
    [
        (T0 + 10 * MIN, None, None, ClaimCheckStep(ClaimCheck.WAIT, T0 + STALE)),
        (T0 + STALE, None, None, ClaimCheckStep(ClaimCheck.PROMPT, T0 + STALE + ALERT)),
        (
            T0 + STALE + MIN,
            T0 + STALE,
            None,
            ClaimCheckStep(ClaimCheck.WAIT, T0 + STALE + ALERT),
        ),
        (T0 + STALE + ALERT, T0 + STALE, None, ClaimCheckStep(ClaimCheck.ALERT)),
        (T0 + 3 * STALE, T0 + STALE, T0 + 2 * STALE, ClaimCheckStep(ClaimCheck.NOTHING)),
    ],
    ids=["early", "prompt", "early-for-alert", "alert", "all-done"],
)
def test_a_stale_claim_is_prompted_once_then_alerted_once(
    now: datetime,
    prompted: datetime | None,
    alerted: datetime | None,
    expected: ClaimCheckStep,
) -> None:
    step = claim_check(
        now,
        claimed_at=T0,
        prompted_at=prompted,
        alerted_at=alerted,
        stale_after=STALE,
        alert_after=ALERT,
    )
    assert step == expected
