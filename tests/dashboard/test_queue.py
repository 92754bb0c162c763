"""The live queue, its event stream, group isolation, CSRF, security headers and page weight."""

from __future__ import annotations

import gzip
import re
from dataclasses import replace
from datetime import timedelta

from dashboard.pages import DEE, PASSWORD, MakeRequest, Web
from flask.testing import FlaskClient
from werkzeug.serving import BaseWSGIServer

from hotline import create_app
from hotline.groups import add_group
from hotline.models import Group, RequestStatus, Urgency
from hotline.runtime.services import Hotline

PAGE_BUDGET = 60 * 1024


def codes_in_order(html: str, codes: list[str]) -> list[str]:
    return sorted(codes, key=lambda c: html.index(f"#{c}<"))


def test_the_queue_pins_emergencies_and_overdue_then_oldest_first(
    signed_in: Web, make_request: MakeRequest
) -> None:
    young = make_request(age=timedelta(minutes=2))
    older = make_request(age=timedelta(minutes=10))
    overdue = make_request(age=timedelta(hours=2))
    emergency = make_request(
        urgency=Urgency.EMERGENCY, categories=("rescue",), age=timedelta(minutes=1)
    )
    claimed = make_request(status=RequestStatus.CLAIMED)
    html = signed_in.get("/dashboard/").text
    assert f"#{claimed}<" not in html
    assert codes_in_order(html, [young, older, overdue, emergency]) == [
        emergency,
        overdue,
        older,
        young,
    ]
    assert "overdue" in html
    only_claimed = signed_in.get("/dashboard/?status=claimed").text
    assert f"#{claimed}<" in only_claimed and f"#{young}<" not in only_claimed


def test_filters_by_category_and_zone(signed_in: Web, make_request: MakeRequest) -> None:
    water = make_request(categories=("water",), zone="02145")
    food = make_request(categories=("food",), zone="02143")
    by_category = signed_in.get("/dashboard/queue/rows?category=food").text
    assert f"#{food}<" in by_category and f"#{water}<" not in by_category
    by_zone = signed_in.get("/dashboard/?zone=02145").text
    assert f"#{water}<" in by_zone and f"#{food}<" not in by_zone


def test_another_groups_requests_are_invisible(
    signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    with hotline.sessions.begin() as session:
        other = add_group(session, "Medford Aid", "+16175550900").id
    theirs = make_request("their secret need", group_id=other, phone="+16175550901")
    ours = make_request()
    assert signed_in.get(f"/dashboard/requests/{ours}").status_code == 200
    if theirs != ours:
        assert signed_in.get(f"/dashboard/requests/{theirs}").status_code == 404
        assert (
            signed_in.post(f"/dashboard/requests/{theirs}/close", {"reason": "closed"}).status_code
            == 404
        )
    assert "their secret need" not in signed_in.get("/dashboard/").text
    assert "their secret need" not in signed_in.get(f"/dashboard/requests/{ours}").text


def test_every_action_needs_a_csrf_token(signed_in: Web, make_request: MakeRequest) -> None:
    code = make_request()
    for path in (f"/dashboard/requests/{code}/close", "/dashboard/sign-in", "/dashboard/sign-out"):
        assert signed_in.post(path, {"reason": "closed"}, csrf=False).status_code == 400, path
    bad = signed_in.post(
        f"/dashboard/requests/{code}/close",
        {"reason": "closed", "csrf_token": "forged"},
        csrf=False,
    )
    assert bad.status_code == 400
    assert (
        signed_in.post(f"/dashboard/requests/{code}/close", {"reason": "closed"}).status_code == 302
    )


def test_pages_carry_security_headers(signed_in: Web, make_request: MakeRequest) -> None:
    code = make_request()
    for path in (
        "/dashboard/",
        f"/dashboard/requests/{code}",
        "/dashboard/sign-in",
        "/dashboard/static/dashboard.css",
    ):
        headers = signed_in.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "camera=()" in headers["Permissions-Policy"]
    assert signed_in.get("/dashboard/").headers["Cache-Control"] == "no-store"


def test_no_neighbour_data_in_links(signed_in: Web, make_request: MakeRequest) -> None:
    code = make_request()
    for path in ("/dashboard/", f"/dashboard/requests/{code}"):
        html = signed_in.get(path).text
        assert "6175550111" not in "".join(
            part.split('"')[0] for part in html.split('href="')[1:] + html.split('action="')[1:]
        )


def test_the_event_stream_announces_a_change(
    signed_in: Web, make_request: MakeRequest, web_server: tuple[BaseWSGIServer, object]
) -> None:
    app = web_server[1].app  # type: ignore[attr-defined]  # the fixture's late-bound app
    app.config.update(DASHBOARD_STREAM_SECONDS=1.0, DASHBOARD_POLL_SECONDS=0.2)
    make_request()
    with signed_in.http.get(
        signed_in.base + "/dashboard/events?since=stale", stream=True, timeout=10
    ) as answer:
        assert answer.headers["Content-Type"].startswith("text/event-stream")
        body = b"".join(answer.iter_content(None)).decode()
    assert "event: change" in body
    marker = body.split("id: ")[1].split("\n")[0]
    with signed_in.http.get(
        signed_in.base + f"/dashboard/events?since={marker}", stream=True, timeout=10
    ) as answer:
        quiet = b"".join(answer.iter_content(None)).decode()
    assert "event: change" not in quiet


def _signed_in_client(hotline: Hotline, streams: int) -> FlaskClient:
    app = create_app(
        hotline=replace(
            hotline, settings=hotline.settings.with_overrides(dashboard_streams=streams)
        )
    )
    app.config.update(DASHBOARD_STREAM_SECONDS=30.0, DASHBOARD_POLL_SECONDS=0.05)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard/sign-in").text)
    assert token
    answer = client.post(
        "/dashboard/sign-in",
        data={"number": DEE, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert answer.status_code == 302
    return client


def test_live_streams_are_capped_so_webhooks_keep_their_threads(
    hotline: Hotline, people: None
) -> None:
    client = _signed_in_client(hotline, streams=1)
    first = client.get("/dashboard/events", buffered=False)
    assert first.status_code == 200
    second = client.get("/dashboard/events", buffered=False)
    assert second.status_code == 503 and second.headers["Retry-After"] == "30"
    # The page that was refused a stream refreshes its rows instead.
    assert client.get("/dashboard/queue/rows").status_code == 200
    first.close()  # that dispatcher closed the tab: the slot is free again
    third = client.get("/dashboard/events", buffered=False)
    assert third.status_code == 200
    third.close()


def test_streams_can_be_turned_off(hotline: Hotline, people: None) -> None:
    client = _signed_in_client(hotline, streams=0)
    assert client.get("/dashboard/events", buffered=False).status_code == 503
    assert client.get("/dashboard/queue/rows").status_code == 200


def test_two_hundred_open_requests_weigh_under_60_kb(
    signed_in: Web, hotline: Hotline, group: Group, make_request: MakeRequest
) -> None:
    for n in range(200):
        make_request(
            f"need {n}: water and food for the family, the road is blocked",
            phone=f"+1617555{2000 + n}",
            categories=("water", "food"),
            urgency=Urgency.URGENT if n % 7 == 0 else Urgency.ROUTINE,
            age=timedelta(minutes=n),
        )
    total = 0
    for path in (
        "/dashboard/",
        "/dashboard/static/dashboard.css",
        "/dashboard/static/dashboard.js",
    ):
        answer = signed_in.http.get(
            signed_in.base + path, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10
        )
        raw = answer.raw.read(decode_content=False)
        assert answer.headers.get("Content-Encoding") == "gzip", path
        assert gzip.decompress(raw)
        total += len(raw)
    assert total < PAGE_BUDGET
    print(f"queue page with 200 open requests: {total} bytes gzipped")
    assert signed_in.get("/dashboard/").text.count('<tr class="') == 200
