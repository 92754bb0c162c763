"""One dispatcher's desk: by SMS and on the dashboard, the same things are refused the same
way, by SMS in the dispatcher's language and on the page in its words."""

from __future__ import annotations

import html

import pytest
from dashboard.pages import ANA, DEE, MakeRequest, Web, request_by_code
from people import expected
from sqlalchemy import select
from story import Story

from hotline.desk import Refusal
from hotline.models import Contact, RequestEvent, RequestStatus, Volunteer
from hotline.runtime.services import Hotline
from hotline.sms.templates import TemplateBook, default_template_root

LANGUAGES = ("en", "es", "fr", "ht")


def claims(hotline: Hotline, code: str) -> list[str]:
    request = request_by_code(hotline, code)
    with hotline.sessions() as session:
        rows = session.scalars(
            select(RequestEvent.action).where(RequestEvent.request_id == request.id)
        )
        return [a for a in rows if a in ("claimed", "reassigned")]


def test_assigning_to_whoever_has_it_already_is_refused_on_both(
    story: Story, signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    code = make_request()
    story.text(DEE, f"ASSIGN {code} Ana")
    assert story.last(DEE) == expected(
        hotline, "dispatcher_assigned", "en", code=code, assignee="Ana Lopez"
    )
    story.text(DEE, f"ASSIGN {code} Ana")
    assert story.last(DEE) == expected(
        hotline, "dispatcher_already_with", "en", code=code, assignee="Ana Lopez"
    )
    page = signed_in.act(code, "assign", {"volunteer": _volunteer_id(hotline, ANA)})
    assert f"#{code} is already with Ana Lopez" in html.unescape(page)
    assert claims(hotline, code) == ["claimed"]  # neither face claimed it twice


@pytest.mark.parametrize("status", [RequestStatus.DONE, RequestStatus.CANCELLED])
def test_a_finished_request_is_neither_assigned_nor_closed_again_on_both(
    story: Story,
    signed_in: Web,
    hotline: Hotline,
    make_request: MakeRequest,
    status: RequestStatus,
) -> None:
    code = make_request(status=status)
    story.text(DEE, f"ASSIGN {code} Ana")
    assert story.last(DEE) == expected(
        hotline, "dispatcher_not_assignable", "en", code=code, status=status.value
    )
    page = html.unescape(signed_in.act(code, "assign", {"volunteer": _volunteer_id(hotline, ANA)}))
    assert f"#{code} is {status.value}: it cannot be assigned" in page
    story.text(DEE, f"CLOSE {code}")
    assert story.last(DEE) == expected(
        hotline, "dispatcher_already_closed", "en", code=code, status=status.value
    )
    page = html.unescape(signed_in.act(code, "close", {"reason": "closed"}))
    assert f"#{code} is already {status.value}" in page
    assert request_by_code(hotline, code).status == status
    assert claims(hotline, code) == []


def test_a_refusal_by_sms_is_in_the_dispatchers_language(
    story: Story, signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    code = make_request(status=RequestStatus.DONE)
    with hotline.sessions.begin() as session:
        session.scalars(select(Contact).where(Contact.phone_number == DEE)).one().language = "ht"
    story.text(DEE, f"CLOSE {code}")
    assert story.last(DEE) == expected(
        hotline, "dispatcher_already_closed", "ht", code=code, status="done"
    )
    assert story.last(DEE) != expected(
        hotline, "dispatcher_already_closed", "en", code=code, status="done"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(Refusal))
def test_every_shared_refusal_is_written_in_four_languages(kind: Refusal, language: str) -> None:
    book = TemplateBook(default_template_root())
    key = f"dispatcher_{kind.value}"
    assert (default_template_root() / language / f"{key}.txt").is_file()
    assert book.budget(key) == 1  # one segment; the template tests check the longest values


def _volunteer_id(h: Hotline, number: str) -> int:
    with h.sessions() as session:
        found = session.scalar(
            select(Volunteer.id).join(Contact).where(Contact.phone_number == number)
        )
        assert found
        return found
