"""The dashboard blueprint object that every dashboard module adds its routes to."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "dashboard",
    __name__,
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/dashboard/static",
)
