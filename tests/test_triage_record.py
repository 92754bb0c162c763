"""What a request keeps of its triage fits its columns for any text a phone can send."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.models import HelpRequest, RequestStatus, Urgency
from hotline.triage import Triager
from hotline.triage_record import needs_a_look, record_edit, record_triage, set_by_person

TRIAGER = Triager()
LIMITS = {"triage_rule": 160, "intent": 12, "gist": 120}


def blank_request(text: str) -> HelpRequest:
    return HelpRequest(
        need=text,
        categories=[],
        urgency=Urgency.ROUTINE,
        kind="request",
        language="en",
        status=RequestStatus.NEW,
    )


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_any_text_stores_a_reason_that_fits(text: str) -> None:
    request = blank_request(text)
    triage = TRIAGER.triage(text)
    record_triage(request, triage, text)
    for column, limit in LIMITS.items():
        assert len(getattr(request, column) or "") <= limit, column
    assert request.intent == triage.intent


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_any_dispatcher_name_keeps_the_rule_in_its_column(name: str) -> None:
    request = blank_request("we need water")
    request.categories = ["water"]
    record_edit(request, name)
    assert len(request.triage_rule or "") <= LIMITS["triage_rule"]
    assert set_by_person(request) is not None and request.intent == "request"


def test_only_texts_that_ask_for_nothing_need_a_look() -> None:
    assert [i for i in ("request", "offer", None, "greeting", "vague") if needs_a_look(i)] == [
        "greeting",
        "vague",
    ]
