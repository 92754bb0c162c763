"""Texts set aside after their handling kept failing: list them and try one again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from hotline import failures
from hotline.web.dashboard.blueprint import bp
from hotline.web.dashboard.guard import group_of, hotline


@bp.get("/dashboard/failed")
def failed_texts() -> str:
    with hotline().sessions() as db:
        group = group_of(db)
        return render_template(
            "dashboard/failed.html", group=group, texts=failures.failed_texts(db, group)
        )


@bp.post("/dashboard/failed/<int:inbound_id>/retry")
def retry_text(inbound_id: int) -> ResponseReturnValue:
    h = hotline()
    with h.work() as work:
        retried = failures.retry(h, work, group_of(work.session), inbound_id)
    flash("Trying that text again." if retried else "That text is no longer set aside.")
    return redirect(url_for("dashboard.failed_texts"))
