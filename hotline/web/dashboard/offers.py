"""What neighbours offered with OFFER ...: list them and match one with an open request."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from hotline import desk as actions
from hotline.models import ACTIVE_STATUSES, AidOffer, HelpRequest
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import desk, find_request, group_of, hotline

SHOWN = 200


@bp.get("/dashboard/offers")
def offers() -> str:
    with hotline().sessions() as db:
        group = group_of(db)
        listed = db.scalars(
            select(AidOffer)
            .where(AidOffer.group_id == group.id)
            .order_by(case((AidOffer.status == "open", 0), else_=1), AidOffer.created_at.desc())
            .limit(SHOWN)
        ).all()
        codes = dict(
            db.execute(
                select(HelpRequest.id, HelpRequest.code).where(
                    HelpRequest.id.in_(
                        [o.matched_request_id for o in listed if o.matched_request_id]
                    )
                )
            ).all()
        )
        open_codes = db.scalars(
            select(HelpRequest.code)
            .where(HelpRequest.group_id == group.id, HelpRequest.status.in_(ACTIVE_STATUSES))
            .order_by(HelpRequest.created_at)
        ).all()
        return render_template(
            "dashboard/offers.html",
            group=group,
            offers=listed,
            codes=codes,
            open_codes=open_codes,
        )


def _offer(db: Session, offer_id: int) -> AidOffer:
    found = db.scalar(
        select(AidOffer).where(AidOffer.id == offer_id, AidOffer.group_id == desk().group_id)
    )
    if found is None:
        abort(404)
    return found


@bp.post("/dashboard/offers/<int:offer_id>/match")
def match_offer(offer_id: int) -> ResponseReturnValue:
    code = request.form.get("code", "").strip().lstrip("#")
    h = hotline()
    try:
        with h.work() as work:
            offer = _offer(work.session, offer_id)
            found = find_request(work.session, code)
            if found is None:
                raise actions.ActionRefused(f"no request #{code}")
            actions.match_offer(h, work, offer, found, desk().actor())
    except actions.ActionRefused as refused:
        flash(str(refused), "error")
    else:
        flash(f"Offer matched with #{code}.")
    return redirect(url_for("dashboard.offers"))


@bp.post("/dashboard/offers/<int:offer_id>/close")
def close_offer(offer_id: int) -> ResponseReturnValue:
    with hotline().work() as work:
        _offer(work.session, offer_id).status = "closed"
    flash("Offer closed.")
    return redirect(url_for("dashboard.offers"))
