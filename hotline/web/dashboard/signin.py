"""Signing in with a password or a texted one-time code, and signing out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from hotline.accounts import LoginCodes, RateLimit, check_password, dispatchers_for
from hotline.models import Dispatcher, Group, Priority
from hotline.outbound import queue_sms
from hotline.phones import normalise
from hotline.services import Hotline, Work
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import desk_to_switch_to, hotline, sign_in_as, work_at

WINDOW_SECONDS = 15 * 60
PER_NUMBER = 5  # tries at one number's password or code per window
PER_ADDRESS = 30  # tries from one address, whatever the number
GENERIC_FAILURE = "That number and password or code did not match."


def _limits(h: Hotline) -> tuple[RateLimit, RateLimit]:
    secret = h.settings.secret_key or ""
    return (
        RateLimit(h.redis, secret, "number", PER_NUMBER, WINDOW_SECONDS),
        RateLimit(h.redis, secret, "address", PER_ADDRESS, WINDOW_SECONDS),
    )


def _codes(h: Hotline) -> LoginCodes:
    return LoginCodes(h.redis, h.settings.secret_key or "")


def _number(h: Hotline, raw: str) -> str | None:
    try:
        return normalise(raw, h.settings.default_region)
    except ValueError:
        return None


def _allowed(h: Hotline, number: str | None) -> bool:
    """Count this attempt against the address and (when given) the number."""
    per_number, per_address = _limits(h)
    address_ok = per_address.hit(request.remote_addr or "unknown")
    number_ok = per_number.hit(number) if number else True
    return address_ok and number_ok


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
    if not _allowed(h, number):
        return _page("sign_in.html", 429, number=raw, error="Too many tries. Wait 15 minutes.")
    with h.sessions() as db:
        opened = check_password(
            dispatchers_for(db, number) if number else [], request.form.get("password", "")
        )
        if not opened:
            return _page("sign_in.html", 401, number=raw, error=GENERIC_FAILURE)
        # The same password set in several groups opens each of them; the first is shown.
        sign_in_as(opened, h.clock.now())
    _limits(h)[0].clear(number or "")
    return redirect(url_for("dashboard.queue"))


@bp.post("/dashboard/sign-in/text-me")
def send_code() -> tuple[str, int]:
    h = hotline()
    raw = request.form.get("number", "")
    number = _number(h, raw)
    if number is None:
        return _page("sign_in.html", 400, number=raw, error="That does not look like a number.")
    if not _allowed(h, number):
        return _page("sign_in.html", 429, number=raw, error="Too many tries. Wait 15 minutes.")
    with h.work() as work:
        found = dispatchers_for(work.session, number)
        if found:
            _text_code(h, work, found[0], number)
    # The same answer whether or not the number is a dispatcher's: it reveals nobody.
    return _page("sign_in_code.html", number=number)


def _text_code(h: Hotline, work: Work, dispatcher: Dispatcher, number: str) -> None:
    group = work.session.get_one(Group, dispatcher.group_id)
    code = _codes(h).issue(number, dispatcher.id)
    queue_sms(
        h,
        work,
        group,
        dispatcher.contact,
        "login_code",
        priority=Priority.CLAIM,
        group=group.name,
        code=code,
    )


@bp.post("/dashboard/sign-in/code")
def sign_in_code() -> ResponseReturnValue:
    h = hotline()
    number = _number(h, request.form.get("number", ""))
    if number is None:
        return _page("sign_in.html", 400, error=GENERIC_FAILURE)
    if not _allowed(h, number):
        return _page(
            "sign_in_code.html", 429, number=number, error="Too many tries. Wait 15 minutes."
        )
    dispatcher_id = _codes(h).redeem(number, request.form.get("code", ""))
    with h.sessions() as db:
        dispatcher = db.get(Dispatcher, dispatcher_id) if dispatcher_id else None
        if dispatcher is None or not dispatcher.active:
            return _page("sign_in_code.html", 401, number=number, error=GENERIC_FAILURE)
        # The code proves the phone: every group that made this number a dispatcher opens.
        others = [d for d in dispatchers_for(db, number) if d.id != dispatcher.id]
        sign_in_as([dispatcher, *others], h.clock.now())
    _limits(h)[0].clear(number)
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
    session.clear()
    flash("Signed out.")
    return redirect(url_for("dashboard.sign_in"))
