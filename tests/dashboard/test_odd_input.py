"""Odd dashboard addresses and forms (a NUL, a method override): a 400, never a 500."""

from __future__ import annotations

import pytest
from dashboard.pages import MakeRequest, Web


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/requests/12%0034",
        "/dashboard/requests/%00",
        "/dashboard/?_method=",
        "/dashboard/?_method=DELETE",
        "/dashboard/?status=%00",
    ],
)
def test_odd_dashboard_addresses_are_bad_requests(signed_in: Web, path: str) -> None:
    assert signed_in.get(path).status_code == 400


def test_a_nul_in_a_form_is_a_bad_request(signed_in: Web, make_request: MakeRequest) -> None:
    code = make_request()
    answer = signed_in.post(f"/dashboard/requests/{code}/text", {"note": "on our way\x00"})
    assert answer.status_code == 400
