"""RQ jobs for dispatch: offer waves, their timers, stale-claim checks, location timeouts."""

from hotline import dispatch
from hotline.runtime.services import current


def offer_request(request_id: int, wave: int) -> None:
    dispatch.offer_request(current(), request_id, wave)


def advance_wave(request_id: int, wave: int) -> None:
    dispatch.advance_wave(current(), request_id, wave)


def advance_wave_now(request_id: int, wave: int) -> None:
    dispatch.advance_wave_now(current(), request_id, wave)


def check_claim(request_id: int) -> None:
    dispatch.check_claim(current(), request_id)


def location_timeout(request_id: int) -> None:
    dispatch.location_timeout(current(), request_id)
