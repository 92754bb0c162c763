"""What a dispatcher sees of triage: why it read a text so, the emergency banner and rows,
the need's gist in the queue, texts that ask for nothing, and a person's correction."""

from __future__ import annotations

import html as markup
import re
from datetime import timedelta

from dashboard.pages import NEIGHBOUR, MakeRequest, Web, request_by_code
from people import code_in
from sqlalchemy import event, select
from story import Story

from hotline.models import HelpRequest, RequestStatus, Urgency
from hotline.retention import redact_closed
from hotline.runtime.clock import SettableClock
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer
from hotline.triage import Triager
from hotline.triage_record import record_triage

TRAPPED = "my brother is trapped under rubble at 12 Oak St, please hurry"
OTHER_NEIGHBOUR = "+16175550177"


def row_of(page: str, code: str) -> str:
    """The queue row of one request, as the browser gets it."""
    found = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*#{code}<(?:(?!</tr>).)*</tr>", page, re.S)
    assert found, f"#{code} is not in the queue"
    return found.group(0)


def text_of(fragment: str) -> str:
    """What a person reads: the markup's words, entities decoded, spaces collapsed."""
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def banner_of(page: str) -> str:
    found = re.search(r'<div id="emergency-banner"[^>]*>(.*?)</div>', page, re.S)
    assert found, "the page has no banner slot"
    return text_of(found.group(1))


def test_a_texted_emergency_stands_out_and_says_why(
    story: Story, signed_in: Web, hotline: Hotline, clock: SettableClock
) -> None:
    story.text(NEIGHBOUR, TRAPPED)
    code = code_in(story.inbox(NEIGHBOUR)[0])
    clock.advance(timedelta(minutes=4))

    queue = signed_in.get("/dashboard/").text
    assert banner_of(queue) == "⚠ 1 emergency waiting — 4 min"
    row = row_of(queue, code)
    assert 'class="emergency pinned"' in row
    assert "EMERGENCY" in text_of(row)
    assert "rescue in Oak St" in text_of(row)
    # The queue is read over shoulders: the gist, never the neighbour's own words.
    assert "brother" not in queue and "12 Oak" not in queue

    page = text_of(signed_in.get(f"/dashboard/requests/{code}").text)
    assert "Why emergency: “trapped” (rule: en emergency rescue: trapped)" in page

    stored = request_by_code(hotline, code)
    assert (stored.triage_reason, stored.intent) == ("trapped", "request")
    assert stored.gist == "EMERGENCY: rescue in Oak St"


def test_the_banner_counts_every_waiting_emergency_whatever_the_filter(
    signed_in: Web, make_request: MakeRequest
) -> None:
    make_request(urgency=Urgency.EMERGENCY, categories=("rescue",), age=timedelta(minutes=10))
    make_request(
        urgency=Urgency.EMERGENCY, categories=("medical",), age=timedelta(minutes=3), zone=None
    )
    make_request(urgency=Urgency.EMERGENCY, status=RequestStatus.CLAIMED)  # someone has it
    make_request(categories=("food",))
    assert banner_of(signed_in.get("/dashboard/").text) == "⚠ 2 emergencies waiting — oldest 10 min"
    only_food = signed_in.get("/dashboard/?category=food").text
    assert banner_of(only_food) == "⚠ 2 emergencies waiting — oldest 10 min"
    # The live refresh brings the banner's new text with the rows.
    fragment = signed_in.get("/dashboard/queue/rows").text
    assert 'class="banner-next"' in fragment and "2 emergencies waiting" in fragment


def test_no_banner_without_an_emergency(signed_in: Web, make_request: MakeRequest) -> None:
    code = make_request()
    queue = signed_in.get("/dashboard/").text
    assert banner_of(queue) == ""
    assert "EMERGENCY" not in row_of(queue, code)


def test_a_text_that_asks_for_nothing_needs_a_persons_look(
    signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    greeting = make_request("hi", categories=("other",), phone=OTHER_NEIGHBOUR)
    water = make_request("we need water for 4 at 12 Elm St")
    triager = Triager()
    ids = [request_by_code(hotline, code).id for code in (greeting, water)]
    with hotline.sessions.begin() as session:
        for request_id in ids:
            request = session.get_one(HelpRequest, request_id)
            record_triage(request, triager.triage(request.need), request.need)
    queue = signed_in.get("/dashboard/").text
    assert text_of(row_of(queue, greeting)).startswith(
        f"#{greeting} needs a person's look (greeting)"
    )
    assert "needs a person's look" not in row_of(queue, water)
    assert "Urgent: water for 4 people in Elm St" in text_of(row_of(queue, water))
    page = text_of(signed_in.get(f"/dashboard/requests/{greeting}").text)
    assert "Needs a person's look: the text asks for nothing yet (greeting)" in page


def test_after_a_dispatcher_edits_triage_the_page_says_a_person_set_it(
    story: Story, signed_in: Web, hotline: Hotline
) -> None:
    story.text(NEIGHBOUR, TRAPPED)
    code = code_in(story.inbox(NEIGHBOUR)[0])
    page = signed_in.act(
        code,
        "triage",
        {"categories": ["medical"], "urgency": "urgent", "location": "12 Oak St", "people": "2"},
    )
    assert "Why Set by a person (Dee); triage had read “trapped”" in text_of(page)
    stored = request_by_code(hotline, code)
    assert stored.triage_rule == "set by Dee"
    assert stored.gist == "Urgent: medical help for 2 people in Oak St"
    queue = signed_in.get("/dashboard/").text
    assert "medical help for 2 people in Oak St" in text_of(row_of(queue, code))
    assert banner_of(queue) == ""


def test_the_queue_page_asks_the_database_the_same_few_times_for_two_rows_or_twenty(
    signed_in: Web, hotline: Hotline, make_request: MakeRequest
) -> None:
    def statements() -> int:
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append("statement")

        event.listen(hotline.engine, "before_cursor_execute", count)
        try:
            assert signed_in.get("/dashboard/").status_code == 200
        finally:
            event.remove(hotline.engine, "before_cursor_execute", count)
        return len(seen)

    for n in range(2):
        make_request(urgency=Urgency.EMERGENCY if n else Urgency.ROUTINE)
    statements()  # the first page of a sign-in also notes that the dispatcher is watching
    few = statements()
    for n in range(18):
        make_request(
            phone=f"+1617555{1200 + n}", urgency=Urgency.EMERGENCY if n % 3 else Urgency.URGENT
        )
    assert statements() == few


def test_the_reason_and_gist_go_with_the_words_after_the_retention_period(
    story: Story, hotline: Hotline, clock: SettableClock, people: None
) -> None:
    story.text(NEIGHBOUR, TRAPPED)
    code = code_in(story.inbox(NEIGHBOUR)[0])
    request_id = request_by_code(hotline, code).id
    with hotline.sessions.begin() as session:
        request = session.get_one(HelpRequest, request_id)
        request.status = RequestStatus.DONE
        request.closed_at = clock.now()
    clock.advance(timedelta(days=hotline.settings.retention_days + 1))
    assert redact_closed(hotline) == 1
    stored = request_by_code(hotline, code)
    assert (stored.triage_reason, stored.gist) == (None, None)
    assert stored.triage_rule == "en emergency rescue: trapped"  # the rule names no one


def test_later_texts_fill_in_the_gist_and_an_emergency_says_why(
    story: Story, signed_in: Web, hotline: Hotline
) -> None:
    story.text(NEIGHBOUR, "we need water, 3 of us")
    code = code_in(story.inbox(NEIGHBOUR)[0])
    assert "area not given yet" in text_of(row_of(signed_in.get("/dashboard/").text, code))
    story.text(NEIGHBOUR, "12 Oak St")  # the answer to "where are you?"
    row = text_of(row_of(signed_in.get("/dashboard/").text, code))
    assert "Urgent: water for 3 people in Oak St" in row
    page = text_of(signed_in.get(f"/dashboard/requests/{code}").text)
    assert "Why urgent: “water” (rule: en categories water: water)" in page

    story.text(NEIGHBOUR, "my son stopped breathing")
    page = text_of(signed_in.get(f"/dashboard/requests/{code}").text)
    assert (
        "Why emergency: “stopped breathing” (rule: en emergency medical: stopped breathing)" in page
    )
    row = text_of(row_of(signed_in.get("/dashboard/").text, code))
    assert "EMERGENCY: medical help and water for 3 people in Oak St" in row


def test_a_call_says_which_key_the_caller_pressed(
    story: Story, signed_in: Web, hotline: Hotline, sim: SimServer
) -> None:
    landline = "+16175550166"
    sim.add_landline(landline)
    call = sim.call_hotline(landline)
    for keys in ("1", "2", "02145#"):  # English, water, the ZIP
        call.press(keys)
    call.record()
    call.press("2")
    assert call.ended and call.errors == []
    story.settle()
    with hotline.sessions() as session:
        code = session.scalars(select(HelpRequest.code)).one()
    page = text_of(signed_in.get(f"/dashboard/requests/{code}").text)
    assert "“pressed the key for water” (rule: voice keypad menu)" in page
    assert "water in 02145" in text_of(row_of(signed_in.get("/dashboard/").text, code))
