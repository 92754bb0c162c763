"""Who is signed in, and what every dashboard response carries: CSRF checks, headers, gzip."""

from __future__ import annotations

import gzip
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Response, abort, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from hotline.accounts import session_stamp
from hotline.models import Dispatcher, Group, HelpRequest
from hotline.needs import Actor
from hotline.runtime.services import Hotline
from hotline.web.dashboard.blueprint import bp

csrf = CSRFProtect()

# Reached without signing in (POSTs to them are still CSRF-checked).
PUBLIC_ENDPOINTS = frozenset(
    {
        "dashboard.static",
        "dashboard.sign_in",
        "dashboard.sign_in_password",
        "dashboard.send_code",
        "dashboard.sign_in_code",
    }
)
# Answered with 401 rather than a redirect: the page's script reloads into the sign-in page.
BACKGROUND_ENDPOINTS = frozenset({"dashboard.queue_rows", "dashboard.events"})
SIGNED_IN_AT_MOST = timedelta(hours=24)
# Writing last_seen_at on every fragment fetch would be a write per second per dashboard.
SEEN_EVERY = timedelta(seconds=30)
GZIP_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript", "image/svg")
GZIP_AT_LEAST = 512

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(frozen=True)
class OtherDesk:
    """Another group the signed-in person may switch to without signing in again."""

    dispatcher_id: int
    group_name: str


@dataclass(frozen=True)
class Desk:
    """The signed-in dispatcher, as plain values that outlive the database session."""

    dispatcher_id: int
    group_id: int
    name: str
    group_name: str = ""
    others: tuple[OtherDesk, ...] = ()

    def actor(self) -> Actor:
        return Actor("dispatcher", self.dispatcher_id, self.name)


def hotline() -> Hotline:
    h: Hotline = current_app.extensions["hotline"]
    return h


def desk() -> Desk:
    signed_in: Desk = g.desk
    return signed_in


def group_of(db: Session) -> Group:
    return db.get_one(Group, desk().group_id)


def find_request(db: Session, code: str, *, lock: bool = False) -> HelpRequest | None:
    """A request of the signed-in dispatcher's group by its code; another group's code is
    simply not found."""
    query = select(HelpRequest).where(
        HelpRequest.group_id == desk().group_id, HelpRequest.code == code
    )
    return db.scalar(query.with_for_update() if lock else query)


def request_or_404(db: Session, code: str, *, lock: bool = False) -> HelpRequest:
    found = find_request(db, code, lock=lock)
    if found is None:
        abort(404)
    return found


def touch(h: Hotline, dispatcher_id: int, seen: datetime | None) -> datetime:
    """Record that this dispatcher is watching, so alerts need not go to them by SMS.
    Returns when they were last recorded as watching."""
    now = h.clock.now()
    if seen is not None and now - seen < SEEN_EVERY:
        return seen
    with h.sessions.begin() as db:
        db.execute(
            update(Dispatcher).where(Dispatcher.id == dispatcher_id).values(last_seen_at=now)
        )
    return now


def _live_key(session_id: str) -> str:
    # Hashed, so that reading Redis gives nobody a session id to paste into a cookie.
    return "hotline:dashboard-session:" + hashlib.sha256(session_id.encode()).hexdigest()


def sign_in_as(opened: Sequence[Dispatcher], now: datetime) -> None:
    """Start a session at the first of `opened`: the dispatcher records (one per group) that
    this sign-in proved, each kept with its stamp so a later password change still ends it.

    The cookie alone is not enough: its id must also be live in Redis, so that signing out
    ends it on the server and a copied cookie stops working at once.
    """
    sign_out_here()  # a session already in this browser (someone else's) ends on the server too
    session_id = secrets.token_urlsafe(24)
    hotline().redis.set(_live_key(session_id), b"1", ex=int(SIGNED_IN_AT_MOST.total_seconds()))
    session["sid"] = session_id
    session.permanent = True
    session["desks"] = {str(d.id): session_stamp(d) for d in opened}
    session["since"] = now.timestamp()
    work_at(opened[0])


def sign_out_here() -> None:
    """End this session on the server and in the browser."""
    session_id = session.get("sid")
    if isinstance(session_id, str):
        hotline().redis.delete(_live_key(session_id))
    session.clear()


def work_at(dispatcher: Dispatcher) -> None:
    session["dispatcher_id"] = dispatcher.id
    session["stamp"] = session_stamp(dispatcher)


def desk_to_switch_to(db: Session, dispatcher_id: int) -> Dispatcher | None:
    """One of the records this session's sign-in opened, still active and unchanged."""
    desks = session.get("desks")
    if not isinstance(desks, dict) or str(dispatcher_id) not in desks:
        return None
    dispatcher = db.get(Dispatcher, dispatcher_id)
    if dispatcher is None or not dispatcher.active:
        return None
    return dispatcher if session_stamp(dispatcher) == desks[str(dispatcher_id)] else None


def _has_nul() -> bool:
    """A NUL anywhere in the address or form: PostgreSQL cannot even compare such a text."""
    values = [*(request.view_args or {}).values(), *request.args.values()]
    if request.method == "POST":
        values += request.form.values()
    return any(isinstance(value, str) and "\x00" in value for value in values)


@bp.before_request
def check_request() -> Any:
    # A query name starting "_" would be taken by url_for (_method, _external, _anchor) when
    # a page passes the filters on to the link it builds; no dashboard filter starts so.
    if _has_nul() or any(name.startswith("_") for name in request.args):
        abort(400)
    if request.method == "POST":
        csrf.protect()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    found = _signed_in()
    if found is None:
        session.pop("dispatcher_id", None)
        if request.endpoint in BACKGROUND_ENDPOINTS:
            abort(401)
        return redirect(url_for("dashboard.sign_in"))
    g.desk = found
    return None


def _signed_in() -> Desk | None:
    dispatcher_id, stamp, since = (session.get(k) for k in ("dispatcher_id", "stamp", "since"))
    if not isinstance(dispatcher_id, int) or not isinstance(since, float | int):
        return None
    h = hotline()
    if h.clock.now().timestamp() - since > SIGNED_IN_AT_MOST.total_seconds():
        return None
    session_id = session.get("sid")
    if not isinstance(session_id, str) or not h.redis.exists(_live_key(session_id)):
        return None  # signed out (here or from a copy of this cookie)
    desks = session.get("desks")
    stamps = desks if isinstance(desks, dict) else {}
    wanted = {dispatcher_id, *(int(key) for key in stamps if key.isdigit())}
    with h.sessions() as db:
        # One query for this desk and every other group the sign-in opened.
        rows = db.execute(
            select(Dispatcher, Group.name)
            .join(Group, Group.id == Dispatcher.group_id)
            .options(joinedload(Dispatcher.contact))
            .where(Dispatcher.id.in_(wanted), Dispatcher.active.is_(True))
            .order_by(Dispatcher.id)
        ).all()
    by_id = {dispatcher.id: (dispatcher, name) for dispatcher, name in rows}
    if dispatcher_id not in by_id:
        return None
    dispatcher, group_name = by_id.pop(dispatcher_id)
    if session_stamp(dispatcher) != stamp:
        return None
    others = tuple(
        OtherDesk(other.id, name)
        for other, name in by_id.values()
        if session_stamp(other) == stamps.get(str(other.id))
    )
    found = Desk(
        dispatcher.id,
        dispatcher.group_id,
        dispatcher.contact.name or "dispatcher",
        group_name,
        others,
    )
    touch(h, found.dispatcher_id, dispatcher.last_seen_at)
    return found


@bp.after_request
def harden(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "dashboard.static":
        # Pages hold neighbours' details: never keep them in a shared or back-button cache.
        response.headers["Cache-Control"] = "no-store"
    return _gzipped(response)


def _gzipped(response: Response) -> Response:
    """Compress text for phones on a weak link; the event stream and small bodies go as they are."""
    if (
        response.status_code != 200
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(GZIP_TYPES)
    ):
        return response
    response.direct_passthrough = False
    body = response.get_data()
    response.vary.add("Accept-Encoding")
    if len(body) < GZIP_AT_LEAST:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(etag + "-gz", weak=bool(weak))
    return response
