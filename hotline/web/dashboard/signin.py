"""Signing in with a password or a texted one-time code, and signing out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.accounts import LoginCodes, check_password, dispatchers_for
from hotline.messages.dispatchers import login_code
from hotline.models import Dispatcher, Group
from hotline.phones import normalise
from hotline.runtime.ratelimit import AttemptLimit
from hotline.runtime.services import Hotline, Work
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import (
    desk_to_switch_to,
    hotline,
    sign_in_as,
    sign_out_here,
    work_at,
)

WINDOW_SECONDS = 15 * 60
# Limits are per (number, address): a stranger guessing from elsewhere uses up only their own
# tries and cannot lock the real dispatcher out. Per number from anywhere, a wider cap keeps
# password guessing bounded even from many addresses; it never stops texted codes, which are
# bound to the asking address and die with its five tries.
PER_NUMBER_AND_ADDRESS = 5  # tries at one number's password or code from one address
PER_ADDRESS = 30  # tries from one address, whatever the number
PASSWORDS_PER_NUMBER = 50  # password tries at one number from all addresses together
CODES_PER_NUMBER = 10  # codes texted to one number (each a text to the real phone)
GENERIC_FAILURE = "That number and password or code did not match."
TOO_MANY = "Too many tries. Wait 15 minutes."


@dataclass(frozen=True)
class Limits:
    pair: AttemptLimit
    address: AttemptLimit
    passwords: AttemptLimit
    codes_sent: AttemptLimit


def _limits(h: Hotline) -> Limits:
    secret = h.settings.secret_key or ""
    return Limits(
        pair=AttemptLimit(
            h.redis, secret, "number-address", PER_NUMBER_AND_ADDRESS, WINDOW_SECONDS
        ),
        address=AttemptLimit(h.redis, secret, "address", PER_ADDRESS, WINDOW_SECONDS),
        passwords=AttemptLimit(h.redis, secret, "number", PASSWORDS_PER_NUMBER, WINDOW_SECONDS),
        codes_sent=AttemptLimit(h.redis, secret, "codes-sent", CODES_PER_NUMBER, WINDOW_SECONDS),
    )


def _codes(h: Hotline) -> LoginCodes:
    return LoginCodes(h.redis, h.settings.secret_key or "")


def _number(h: Hotline, raw: str) -> str | None:
    try:
        return normalise(raw, h.settings.default_region)
    except ValueError:
        return None


def _address() -> str:
    return request.remote_addr or "unknown"


def _pair(number: str) -> str:
    return f"{number} {_address()}"


def _allowed(h: Hotline, number: str | None, per_number: AttemptLimit | None = None) -> bool:
    """Count this attempt against the address, the (number, address) pair and, when given,
    a limit on the number from anywhere; an attempt already refused counts no further."""
    limits = _limits(h)
    if not limits.address.hit(_address()):
        return False
    if number is None:
        return True
    if not limits.pair.hit(_pair(number)):
        return False
    return per_number is None or per_number.hit(number)


def _page(template: str, status: int = 200, **values: object) -> tuple[str, int]:
    return render_template(f"dashboard/{template}", **values), status


@bp.get("/dashboard/sign-in")
def sign_in() -> tuple[str, int]:
    return _page("sign_in.html")


@bp.post("/dashboard/sign-in")
def sign_in_password() -> ResponseReturnValue:
    h = hotline()
    raw = request.form.get("number", "")
    number = _number(h, raw)
    if not _allowed(h, number, _limits(h).passwords):
        return _page("sign_in.html", 429, number=raw, error=TOO_MANY)
    with h.sessions() as db:
        opened = check_password(
            dispatchers_for(db, number) if number else [], request.form.get("password", "")
        )
        if not opened:
            return _page("sign_in.html", 401, number=raw, error=GENERIC_FAILURE)
        # The same password set in several groups opens each of them; the first is shown.
        sign_in_as(opened, h.clock.now())
    _limits(h).pair.clear(_pair(number or ""))
    return redirect(url_for("dashboard.queue"))


@bp.post("/dashboard/sign-in/text-me")
def send_code() -> tuple[str, int]:
    h = hotline()
    raw = request.form.get("number", "")
    number = _number(h, raw)
    if number is None:
        return _page("sign_in.html", 400, number=raw, error="That does not look like a number.")
    if not _allowed(h, number, _limits(h).codes_sent):
        return _page("sign_in.html", 429, number=raw, error=TOO_MANY)
    with h.work() as work:
        found = dispatchers_for(work.session, number)
        if found:
            _text_code(h, work, found[0], number)
    # The same answer whether or not the number is a dispatcher's: it reveals nobody.
    return _page("sign_in_code.html", number=number)


def _text_code(h: Hotline, work: Work, dispatcher: Dispatcher, number: str) -> None:
    group = work.session.get_one(Group, dispatcher.group_id)
    code = _codes(h).issue(number, _address(), dispatcher.id)
    login_code(h, work, group, dispatcher, code)


@bp.post("/dashboard/sign-in/code")
def sign_in_code() -> ResponseReturnValue:
    h = hotline()
    number = _number(h, request.form.get("number", ""))
    if number is None:
        return _page("sign_in.html", 400, error=GENERIC_FAILURE)
    if not _allowed(h, number):
        return _page("sign_in_code.html", 429, number=number, error=TOO_MANY)
    dispatcher_id = _codes(h).redeem(number, _address(), request.form.get("code", ""))
    with h.sessions() as db:
        dispatcher = db.get(Dispatcher, dispatcher_id) if dispatcher_id else None
        if dispatcher is None or not dispatcher.active:
            return _page("sign_in_code.html", 401, number=number, error=GENERIC_FAILURE)
        # The code proves the phone: every group that made this number a dispatcher opens.
        others = [d for d in dispatchers_for(db, number) if d.id != dispatcher.id]
        sign_in_as([dispatcher, *others], h.clock.now())
    _limits(h).pair.clear(_pair(number))
    return redirect(url_for("dashboard.queue"))


@bp.post("/dashboard/switch-group")
def switch_group() -> ResponseReturnValue:
    """Work for another group this sign-in opened (a person can dispatch for several)."""
    h = hotline()
    target = request.form.get("desk", type=int)
    with h.sessions() as db:
        dispatcher = desk_to_switch_to(db, target) if target else None
        if dispatcher is None:
            flash("That group is not open to this sign-in: sign in again to reach it.", "error")
            return redirect(url_for("dashboard.queue"))
        work_at(dispatcher)
        name = db.get_one(Group, dispatcher.group_id).name
    flash(f"Now working for {name}.")
    return redirect(url_for("dashboard.queue"))


@bp.post("/dashboard/sign-out")
def sign_out() -> ResponseReturnValue:
    sign_out_here()
    flash("Signed out.")
    return redirect(url_for("dashboard.sign_in"))
