"""A request's page and the dispatcher's actions on it; every action is a POST that redirects."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import requests as http
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from hotline import desk as actions
from hotline.dispatch import volunteer_label
from hotline.models import Contact, Group, HelpRequest, RequestStatus, Urgency, Volunteer
from hotline.needs import full_address
from hotline.phones import display
from hotline.runtime.services import Hotline, Work
from hotline.triage import CATEGORIES
from hotline.triage_record import needs_a_look, set_by_person
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import desk, find_request, group_of, hotline, request_or_404
from hotline.web.dashboard.roster import roster
from hotline.web.dashboard.thread import calls_of, events_of, recordings, thread_of

TWILIO_API = "https://api.twilio.com"


@bp.get("/dashboard/requests/<code>")
def request_page(code: str) -> str:
    h = hotline()
    with h.sessions() as db:
        group = group_of(db)
        found = request_or_404(db, code)
        neighbour = db.get_one(Contact, found.contact_id)
        return render_template(
            "dashboard/request.html",
            group=group,
            r=found,
            neighbour=neighbour,
            phone=display(neighbour.phone_number),
            address=full_address(found),
            set_by=set_by_person(found),
            needs_look=needs_a_look(found.intent),
            claimant=volunteer_label(found.claimed_by) if found.claimed_by else None,
            thread=thread_of(db, found),
            events=events_of(db, found),
            volunteers=roster(db, group, h.clock.now()),
            categories=sorted(set(CATEGORIES) | set(found.categories)),
            urgencies=[u.value for u in Urgency],
            zones=[str(z["name"]) for z in group.zones],
            note_limit=actions.NOTE_LIMIT,
            now=h.clock.now(),
        )


def _act(
    code: str, action: Callable[[Hotline, Work, Group, HelpRequest], str]
) -> ResponseReturnValue:
    """Run one action in one transaction; a refusal becomes a message on the page."""
    h = hotline()
    try:
        with h.work() as work:
            group = group_of(work.session)
            found = request_or_404(work.session, code, lock=True)
            done = action(h, work, group, found)
    except actions.ActionRefused as refused:
        flash(str(refused), "error")
    else:
        flash(done)
    return redirect(url_for("dashboard.request_page", code=code))


@bp.post("/dashboard/requests/<code>/triage")
def edit_triage(code: str) -> ResponseReturnValue:
    form = request.form
    try:
        urgency = Urgency(form.get("urgency", ""))
        people = int(form["people"]) if form.get("people", "").strip() else None
    except ValueError:
        abort(400)
    edit = actions.TriageEdit(
        categories=[c for c in form.getlist("categories") if c in CATEGORIES],
        urgency=urgency,
        location=form.get("location", "").strip() or None,
        zone=form.get("zone", "").strip() or None,
        people=people,
    )

    def run(h: Hotline, work: Work, group: Group, found: HelpRequest) -> str:
        changes = actions.edit_triage(h, work, group, found, desk().actor(), edit)
        if not changes:
            return "Nothing changed."
        done = f"Updated {', '.join(changes)}."
        raised = changes.get("urgency", [None, None])[1] == Urgency.EMERGENCY.value
        if raised and found.status in (RequestStatus.OPEN, RequestStatus.OFFERING):
            done += " Emergency offers go out now to a wider wave of volunteers."
        return done

    return _act(code, run)


@bp.post("/dashboard/requests/<code>/offer")
def offer_again(code: str) -> ResponseReturnValue:
    def run(h: Hotline, work: Work, group: Group, found: HelpRequest) -> str:
        actions.offer_again(h, work, found, desk().actor())
        return f"A new wave of offers for #{found.code} is on its way."

    return _act(code, run)


@bp.post("/dashboard/requests/<code>/assign")
def assign(code: str) -> ResponseReturnValue:
    volunteer_id = request.form.get("volunteer", type=int)

    def run(h: Hotline, work: Work, group: Group, found: HelpRequest) -> str:
        volunteer = work.session.scalar(
            select(Volunteer).where(
                Volunteer.id == volunteer_id,
                Volunteer.group_id == group.id,
                Volunteer.active.is_(True),
            )
        )
        if volunteer is None:
            raise actions.ActionRefused("choose a volunteer from the list")
        actions.assign(h, work, group, found, volunteer, desk().actor())
        return f"#{found.code} assigned to {volunteer_label(volunteer)}."

    return _act(code, run)


@bp.post("/dashboard/requests/<code>/text")
def text_neighbour(code: str) -> ResponseReturnValue:
    note = request.form.get("text", "")

    def run(h: Hotline, work: Work, group: Group, found: HelpRequest) -> str:
        actions.text_neighbour(h, work, group, found, desk().actor(), note)
        return "Text queued to the neighbour."

    return _act(code, run)


@bp.post("/dashboard/requests/<code>/merge")
def merge(code: str) -> ResponseReturnValue:
    duplicate_code = request.form.get("duplicate", "").strip().lstrip("#")

    def run(h: Hotline, work: Work, group: Group, found: HelpRequest) -> str:
        duplicate = find_request(work.session, duplicate_code)
        if duplicate is None:
            raise actions.ActionRefused(f"no request #{duplicate_code}")
        moved = actions.merge(h, work, group, found, duplicate, desk().actor())
        return f"#{duplicate.code} merged into #{found.code}; {moved} texts moved."

    return _act(code, run)


@bp.post("/dashboard/requests/<code>/close")
def close(code: str) -> ResponseReturnValue:
    reason = request.form.get("reason", "")

    def run(h: Hotline, work: Work, group: Group, found: HelpRequest) -> str:
        actions.close(h, work, group, found, desk().actor(), reason=reason)
        return f"#{found.code} {reason}."

    return _act(code, run)


@bp.get("/dashboard/requests/<code>/recordings/<int:index>")
def recording(code: str, index: int) -> ResponseReturnValue:
    """Relay a call recording from the phone provider: the browser talks only to us."""
    h = hotline()
    with h.sessions() as db:
        found = request_or_404(db, code)
        urls = recordings(found, calls_of(db, found))
    if not 0 <= index < len(urls) or not _provider_url(h, urls[index]):
        abort(404)
    try:
        upstream = http.get(
            urls[index],
            auth=(h.settings.twilio_account_sid or "", h.settings.twilio_auth_token or ""),
            timeout=15,
            stream=True,
        )
    except http.RequestException:
        abort(502)
    if upstream.status_code != 200:
        upstream.close()
        abort(502)
    kind = upstream.headers.get("Content-Type", "audio/mpeg")
    return Response(upstream.iter_content(16384), mimetype=kind)


def _provider_url(h: Hotline, url: str) -> bool:
    """Only the provider's own API is fetched: a stored URL must not make us fetch elsewhere."""
    allowed = {TWILIO_API, *(filter(None, [h.settings.twilio_api_url]))}
    parts = urlsplit(url)
    return any(
        (parts.scheme, parts.netloc) == (urlsplit(a).scheme, urlsplit(a).netloc) for a in allowed
    )
