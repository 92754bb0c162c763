"""The live queue page, its rows fragment and the event stream that says when to refetch."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from flask import Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from hotline.failures import failed_texts
from hotline.runtime.services import Hotline
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import desk, group_of, hotline, touch
from hotline.web.dashboard.listing import (
    QueueFilter,
    change_marker,
    filter_choices,
    queue_view,
)

# A stream ends after a while and the browser reconnects: no web thread is held for ever.
STREAM_SECONDS = 55.0
POLL_SECONDS = 2.0


def _filter() -> QueueFilter:
    args = request.args
    return QueueFilter(
        status=args.get("status", ""), category=args.get("category", ""), zone=args.get("zone", "")
    )


@bp.get("/")
def index() -> ResponseReturnValue:
    return redirect(url_for("dashboard.queue"))


@bp.get("/dashboard/")
def queue() -> str:
    h, wanted = hotline(), _filter()
    with h.sessions() as db:
        group = group_of(db)
        view = queue_view(db, group, h.clock.now(), wanted)
        return render_template(
            "dashboard/queue.html",
            group=group,
            rows=view.rows,
            banner=view.banner,
            wanted=wanted,
            choices=filter_choices(db, group),
            marker=change_marker(db, group.id),
            failed=len(failed_texts(db, group)),
        )


@bp.get("/dashboard/queue/rows", endpoint="queue_rows")
def queue_rows_fragment() -> str:
    h = hotline()
    with h.sessions() as db:
        group = group_of(db)
        view = queue_view(db, group, h.clock.now(), _filter())
        return render_template(
            "dashboard/_queue_rows.html", rows=view.rows, banner=view.banner, refresh=True
        )


@bp.get("/dashboard/events")
def events() -> Response:
    h, dispatcher_id, group_id = hotline(), desk().dispatcher_id, desk().group_id
    since = request.headers.get("Last-Event-ID") or request.args.get("since", "")
    seconds = float(current_app.config.get("DASHBOARD_STREAM_SECONDS", STREAM_SECONDS))
    poll = float(current_app.config.get("DASHBOARD_POLL_SECONDS", POLL_SECONDS))
    slots: threading.BoundedSemaphore | None = current_app.extensions["dashboard_streams"]
    if slots is None or not slots.acquire(blocking=False):
        # Every stream this process may hold is open: this page refreshes every 15 seconds
        # instead, and the Twilio webhooks keep their threads.
        return Response("", status=503, headers={"Retry-After": str(int(seconds))})
    try:
        response = Response(
            _stream(h, dispatcher_id, group_id, since, seconds, poll),
            mimetype="text/event-stream",
        )
        response.headers["X-Accel-Buffering"] = "no"  # let a proxy pass each event on at once
        response.call_on_close(slots.release)
    except BaseException:
        slots.release()
        raise
    return response


def _stream(
    h: Hotline, dispatcher_id: int, group_id: int, since: str, seconds: float, poll: float
) -> Iterator[str]:
    """Poll the database for a change marker; one event per change, a heartbeat otherwise."""
    yield f"retry: {int(poll * 1000) + 1000}\n\n"
    deadline = time.monotonic() + seconds
    last = since
    # The request that opened this stream was just counted as watching (guard.check_request).
    seen = h.clock.now()
    while time.monotonic() < deadline:
        with h.sessions() as db:
            marker = change_marker(db, group_id)
        seen = touch(h, dispatcher_id, seen)
        if marker != last:
            last = marker
            yield f"id: {marker}\nevent: change\ndata: {marker}\n\n"
        else:
            # A comment line: keeps proxies from closing an idle stream and finds gone clients.
            yield ": .\n\n"
        time.sleep(poll)
