"""A dispatcher's browser without the browser: real HTTP, cookies and CSRF tokens."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests
from sqlalchemy import select

from hotline import demo
from hotline.models import HelpRequest
from hotline.runtime.services import Hotline

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"
DEE = demo.DEE.number  # the dispatcher
ANA = demo.ANA.number
BEN = demo.BEN.number
NEIGHBOUR = demo.NEIGHBOUR.number

MakeRequest = Callable[..., str]


class Web:
    """Talks to the hotline's loopback server the way the dashboard's forms do."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.base + path, timeout=10, **kwargs)

    def token(self, page: str = "/dashboard/sign-in") -> str:
        found = CSRF.search(self.http.get(self.base + page, timeout=10).text)
        assert found, f"no CSRF token on {page}"
        return found.group(1)

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True
    ) -> requests.Response:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token()
        return self.http.post(self.base + path, data=form, timeout=10, allow_redirects=False)

    def sign_in(self, number: str, password: str = PASSWORD) -> requests.Response:
        return self.post("/dashboard/sign-in", {"number": number, "password": password})

    def act(self, code: str, action: str, data: dict[str, Any] | None = None) -> str:
        """Post an action on a request and return the page it redirects to."""
        answer = self.post(f"/dashboard/requests/{code}/{action}", data)
        assert answer.status_code == 302, answer.text
        return self.get(answer.headers["Location"].removeprefix(self.base)).text


def request_by_code(hotline: Hotline, code: str, group_id: int | None = None) -> HelpRequest:
    with hotline.sessions() as session:
        query = select(HelpRequest).where(HelpRequest.code == code)
        if group_id is not None:
            query = query.where(HelpRequest.group_id == group_id)
        found = session.scalar(query)
        assert found is not None
        return found
