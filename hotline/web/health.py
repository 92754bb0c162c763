"""A health check for load balancers and the process manager."""

from __future__ import annotations

from flask import Blueprint, current_app
from redis.exceptions import RedisError
from sqlalchemy import text

from hotline.runtime.services import Hotline

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    h: Hotline = current_app.extensions["hotline"]
    report = {"database": "ok", "redis": "ok"}
    try:
        with h.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy", reported, not raised
        report["database"] = "down"
    try:
        h.redis.ping()
    except RedisError:
        report["redis"] = "down"
    # Redis down is degraded, not dead: texts are still committed and the sweeper catches up.
    return report, 200 if report["database"] == "ok" else 503
