"""Signing in and out: passwords, texted codes, expiry, rate limits and the session cookie."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from dashboard.pages import DEE, PASSWORD, MakeRequest, Web
from sqlalchemy import select
from story import run_jobs

from hotline import create_app
from hotline.accounts import set_password
from hotline.models import Contact, Dispatcher
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer
from hotline.web.dashboard.signin import PASSWORDS_PER_NUMBER


def test_signed_out_visitors_are_sent_to_sign_in(web: Web, people: None) -> None:
    for path in ("/", "/dashboard/", "/dashboard/volunteers", "/dashboard/stats"):
        answer = web.get(path, allow_redirects=True)
        assert answer.url.endswith("/dashboard/sign-in"), path
        assert "Dispatcher sign-in" in answer.text
    assert web.get("/dashboard/queue/rows").status_code == 401
    assert web.get("/dashboard/events").status_code == 401


def test_a_password_signs_in_and_sign_out_ends_it(web: Web, people: None) -> None:
    answer = web.sign_in("617-555-0199")  # any local format of the registered number
    assert answer.status_code == 302
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test server is plain http
    page = web.get("/dashboard/")
    assert page.status_code == 200
    assert "Open requests" in page.text
    assert web.get("/", allow_redirects=True).url.endswith("/dashboard/")
    web.post("/dashboard/sign-out")
    assert web.get("/dashboard/").status_code == 302


def test_signing_out_ends_the_session_on_the_server_too(signed_in: Web) -> None:
    copied = Web(signed_in.base)
    copied.http.cookies.update(signed_in.http.cookies)  # the cookie, taken from the browser
    assert copied.get("/dashboard/").status_code == 200
    signed_in.post("/dashboard/sign-out")
    assert copied.get("/dashboard/").status_code == 302
    assert copied.get("/dashboard/queue/rows").status_code == 401


def test_signing_in_again_in_the_same_browser_ends_the_session_before(signed_in: Web) -> None:
    copied = Web(signed_in.base)
    copied.http.cookies.update(signed_in.http.cookies)  # the first dispatcher's cookie
    assert copied.get("/dashboard/").status_code == 200
    assert signed_in.sign_in(DEE).status_code == 302  # someone signs in over it
    assert copied.get("/dashboard/").status_code == 302
    assert signed_in.get("/dashboard/").status_code == 200


def test_a_wrong_password_or_unknown_number_is_refused_alike(web: Web, people: None) -> None:
    wrong = web.sign_in(DEE, "not the password")
    unknown = web.sign_in("+16175550000", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "did not match" in wrong.text
    assert "did not match" in unknown.text
    assert web.get("/dashboard/").status_code == 302


def test_a_texted_code_signs_in_once(
    web: Web, people: None, hotline: Hotline, sim: SimServer
) -> None:
    page = web.post("/dashboard/sign-in/text-me", {"number": DEE})
    assert page.status_code == 200
    run_jobs(hotline)
    text = sim.messages_to(DEE)[-1].body
    assert text.startswith("Somerville Mutual Aid: your sign-in code is")
    code = re.search(r"\b(\d{6})\b", text)
    assert code
    assert (
        web.post(
            "/dashboard/sign-in/code",
            {"number": DEE, "code": "000000" if code.group(1) != "000000" else "111111"},
        ).status_code
        == 401
    )
    assert (
        web.post("/dashboard/sign-in/code", {"number": DEE, "code": code.group(1)}).status_code
        == 302
    )
    assert web.get("/dashboard/").status_code == 200
    other = Web(web.base)
    assert (
        other.post("/dashboard/sign-in/code", {"number": DEE, "code": code.group(1)}).status_code
        == 401
    )
    # Only a keyed hash of the code is kept in Redis.
    stored = b"".join(
        hotline.redis.get(k) or b"" for k in hotline.redis.keys("hotline:login-code:*")
    )
    assert code.group(1).encode() not in stored


def test_asking_a_code_for_an_unknown_number_looks_the_same_and_texts_nobody(
    web: Web, people: None, hotline: Hotline, sim: SimServer
) -> None:
    page = web.post("/dashboard/sign-in/text-me", {"number": "+16175550000"})
    assert page.status_code == 200
    assert "a 6-digit code is on its way" in page.text
    run_jobs(hotline)
    assert sim.messages_to("+16175550000") == []


def test_a_code_expires(web: Web, people: None, hotline: Hotline, sim: SimServer) -> None:
    web.post("/dashboard/sign-in/text-me", {"number": DEE})
    run_jobs(hotline)
    code = re.search(r"\b(\d{6})\b", sim.messages_to(DEE)[-1].body)
    assert code
    for key in hotline.redis.keys("hotline:login-code:*"):
        assert 0 < hotline.redis.ttl(key) <= 600


def test_sign_in_tries_are_limited_per_number_and_address(web: Web, people: None) -> None:
    for _ in range(5):
        assert web.sign_in(DEE, "guessing wrong").status_code == 401
    blocked = web.sign_in(DEE)  # even the right password, until the window passes
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.text
    assert web.get("/dashboard/").status_code == 302


def test_sign_in_tries_are_limited_per_address(web: Web, people: None) -> None:
    for n in range(30):
        assert web.sign_in(f"+1617555{1000 + n}", "guess").status_code == 401
    assert web.sign_in(DEE).status_code == 429


def test_sessions_expire(signed_in: Web, clock: SettableClock) -> None:
    assert signed_in.get("/dashboard/").status_code == 200
    clock.advance(timedelta(hours=25))
    assert signed_in.get("/dashboard/").status_code == 302


def test_a_new_password_ends_other_sessions(signed_in: Web, hotline: Hotline) -> None:
    with hotline.sessions.begin() as session:
        dispatcher = session.scalar(
            select(Dispatcher).join(Contact).where(Contact.phone_number == DEE)
        )
        assert dispatcher is not None
        set_password(dispatcher, "another long password")
    assert signed_in.get("/dashboard/").status_code == 302


def test_a_removed_dispatcher_is_signed_out(signed_in: Web, hotline: Hotline) -> None:
    with hotline.sessions.begin() as session:
        for dispatcher in session.scalars(select(Dispatcher)):
            dispatcher.active = False
    assert signed_in.get("/dashboard/").status_code == 302


def _tries_through_a_proxy(hotline: Hotline, trusted_proxies: int) -> Callable[..., int]:
    """Sign-in attempts through a load balancer that adds X-Forwarded-For; returns a status."""
    behind = replace(
        hotline, settings=hotline.settings.with_overrides(trusted_proxies=trusted_proxies)
    )
    client = create_app(hotline=behind).test_client()
    page = client.get("/dashboard/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token

    def attempt(number: str, password: str, client_address: str) -> int:
        return client.post(
            "/dashboard/sign-in",
            data={"number": number, "password": password, "csrf_token": token.group(1)},
            headers={"X-Forwarded-For": client_address},
        ).status_code

    return attempt


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(
    hotline: Hotline, people: None
) -> None:
    attempt = _tries_through_a_proxy(hotline, trusted_proxies=1)
    for n in range(30):
        assert attempt(f"+1617555{1000 + n}", "guess", "203.0.113.5") == 401
    assert attempt(DEE, PASSWORD, "203.0.113.5") == 429
    # Everyone else behind the same balancer can still sign in.
    assert attempt(DEE, PASSWORD, "198.51.100.7") == 302


def test_without_trusted_proxies_a_forwarded_address_is_ignored(
    hotline: Hotline, people: None
) -> None:
    attempt = _tries_through_a_proxy(hotline, trusted_proxies=0)
    for n in range(30):
        assert attempt(f"+1617555{1000 + n}", "guess", f"203.0.113.{n}") == 401
    # A made-up X-Forwarded-For does not buy more tries from the same address.
    assert attempt(DEE, PASSWORD, "198.51.100.7") == 429


def test_the_cookie_is_secure_behind_https(hotline: Hotline, people: None) -> None:
    https = replace(
        hotline, settings=hotline.settings.with_overrides(public_url="https://hotline.example")
    )
    client = create_app(hotline=https).test_client()
    page = client.get("/dashboard/sign-in", base_url="https://hotline.example")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    answer = client.post(
        "/dashboard/sign-in",
        data={"number": DEE, "password": PASSWORD, "csrf_token": token.group(1)},
        base_url="https://hotline.example",
        headers={"Referer": "https://hotline.example/dashboard/sign-in"},
    )
    assert answer.status_code == 302
    assert "Secure" in answer.headers["Set-Cookie"]


def test_the_dashboard_marks_the_dispatcher_as_watching(
    signed_in: Web, hotline: Hotline, clock: SettableClock, make_request: MakeRequest
) -> None:
    def seen() -> object:
        with hotline.sessions() as session:
            return session.scalar(select(Dispatcher.last_seen_at))

    assert seen() is None
    signed_in.get("/dashboard/")
    assert seen() == clock.now()
    clock.advance(timedelta(minutes=5))
    signed_in.get("/dashboard/queue/rows")
    assert seen() == clock.now()


def _client_at(hotline: Hotline) -> Callable[..., Any]:
    """A browser behind a trusted balancer: post(path, form, address) -> the answer."""
    behind = replace(hotline, settings=hotline.settings.with_overrides(trusted_proxies=1))
    client = create_app(hotline=behind).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard/sign-in").text)
    assert token

    def post(path: str, form: dict[str, str], address: str) -> Any:
        return client.post(
            path,
            data={**form, "csrf_token": token.group(1)},
            headers={"X-Forwarded-For": address},
        )

    return post


def _texted_code(hotline: Hotline, sim: SimServer) -> str:
    run_jobs(hotline)
    found = re.search(r"\b(\d{6})\b", sim.messages_to(DEE)[-1].body)
    assert found
    return found.group(1)


def test_a_stranger_guessing_elsewhere_does_not_lock_the_dispatcher_out(
    hotline: Hotline, people: None, sim: SimServer
) -> None:
    stranger, dispatcher = _client_at(hotline), _client_at(hotline)
    for _ in range(5):
        wrong = {"number": DEE, "password": "guessing wrong"}
        assert stranger("/dashboard/sign-in", wrong, "203.0.113.5").status_code == 401
    assert stranger("/dashboard/sign-in", wrong, "203.0.113.5").status_code == 429
    # Wrong codes from the stranger's address neither burn nor block the dispatcher's code.
    asked = dispatcher("/dashboard/sign-in/text-me", {"number": DEE}, "198.51.100.7")
    assert asked.status_code == 200
    code = _texted_code(hotline, sim)
    for guess in ("000000", "111111", "222222"):
        stranger("/dashboard/sign-in/code", {"number": DEE, "code": guess}, "203.0.113.6")
    answer = dispatcher("/dashboard/sign-in/code", {"number": DEE, "code": code}, "198.51.100.7")
    assert answer.status_code == 302
    password = {"number": DEE, "password": PASSWORD}
    laptop = _client_at(hotline)  # the password, too, from the dispatcher's own address
    assert laptop("/dashboard/sign-in", password, "198.51.100.8").status_code == 302


def test_guessing_one_password_from_many_addresses_stays_bounded(
    hotline: Hotline, people: None, sim: SimServer
) -> None:
    post = _client_at(hotline)
    wrong = {"number": DEE, "password": "guessing wrong"}
    for n in range(PASSWORDS_PER_NUMBER):
        assert post("/dashboard/sign-in", wrong, f"10.0.{n // 200}.{n % 200}").status_code == 401
    password = {"number": DEE, "password": PASSWORD}
    assert post("/dashboard/sign-in", password, "198.51.100.7").status_code == 429
    # The phone still proves who is who: a texted code signs the dispatcher in.
    assert post("/dashboard/sign-in/text-me", {"number": DEE}, "198.51.100.7").status_code == 200
    code = _texted_code(hotline, sim)
    answer = post("/dashboard/sign-in/code", {"number": DEE, "code": code}, "198.51.100.7")
    assert answer.status_code == 302


def test_a_code_works_only_where_it_was_asked_for(
    hotline: Hotline, people: None, sim: SimServer
) -> None:
    post = _client_at(hotline)
    post("/dashboard/sign-in/text-me", {"number": DEE}, "198.51.100.7")
    code = _texted_code(hotline, sim)
    assert (
        post("/dashboard/sign-in/code", {"number": DEE, "code": code}, "203.0.113.5").status_code
        == 401
    )
    assert (
        post("/dashboard/sign-in/code", {"number": DEE, "code": code}, "198.51.100.7").status_code
        == 302
    )


def test_https_answers_carry_hsts_and_plain_http_does_not(
    hotline: Hotline, people: None, web: Web
) -> None:
    assert "Strict-Transport-Security" not in web.get("/dashboard/sign-in").headers
    https = replace(
        hotline, settings=hotline.settings.with_overrides(public_url="https://hotline.example")
    )
    page = create_app(hotline=https).test_client().get("/dashboard/sign-in")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    # No public URL set, but the request itself came over https (TLS ended at gunicorn).
    plain = create_app(hotline=hotline).test_client()
    secure = plain.get("/dashboard/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain.get("/healthz").headers
