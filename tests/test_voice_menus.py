"""Calling the hotline: every keypad menu path, timeouts, wrong keys, hang-ups and retries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select
from story import AUTH_TOKEN, HOTLINE_NUMBER, Story
from twilio.request_validator import RequestValidator

from hotline import create_app
from hotline.models import (
    Group,
    HelpRequest,
    InboundMessage,
    OutboundMessage,
    RequestEvent,
    RequestStatus,
    Urgency,
    VoiceCall,
)
from hotline.people import add_dispatcher
from hotline.runtime.services import Hotline
from hotline.simulators.twilio_sim.server import SimServer
from hotline.simulators.twilio_sim.voice import TWIML_ATTRIBUTES, TWIML_CHILDREN, Call
from hotline.voice.prompts import VoicePrompts

CALLER = "+16175550177"
DEE = "+16175550199"  # dispatcher
SAY_LANGUAGES = {"en-US", "es-US", "fr-FR"}


@pytest.fixture
def prompts(hotline: Hotline) -> VoicePrompts:
    return VoicePrompts(hotline.templates.root)


def requests_of(h: Hotline) -> list[HelpRequest]:
    with h.sessions() as session:
        return list(session.scalars(select(HelpRequest).order_by(HelpRequest.id)))


def the_request(h: Hotline) -> HelpRequest:
    [request] = requests_of(h)
    return request


def voice_call(h: Hotline, sid: str) -> VoiceCall:
    with h.sessions() as session:
        return session.scalars(select(VoiceCall).where(VoiceCall.call_sid == sid)).one()


def texts_to(h: Hotline, number: str) -> list[OutboundMessage]:
    with h.sessions() as session:
        return list(
            session.scalars(select(OutboundMessage).where(OutboundMessage.to_number == number))
        )


def last_says(call: Call) -> list[tuple[str, str | None]]:
    """(text, language) of every <Say> in the latest TwiML answer."""
    root = ET.fromstring(call.documents[-1])
    return [((s.text or "").strip(), s.get("language")) for s in root.iter("Say")]


def said(prompts: VoicePrompts, key: str, language: str, **values: object) -> str:
    return prompts.line(key, language, **values).text


def signed_post(h: Hotline, path: str, params: dict[str, str]) -> requests.Response:
    url = f"{h.settings.public_url}{path}"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    return requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=5)


# --- the menus -------------------------------------------------------------------------


def test_language_menu_names_each_language_in_that_language(
    hotline: Hotline, sim: SimServer, group: Group, prompts: VoicePrompts
) -> None:
    call = sim.call_hotline(CALLER)

    assert call.waiting_for == "Gather"
    assert last_says(call) == [
        (said(prompts, "welcome", "en", group=group.name), "en-US"),
        (said(prompts, "language_option", "en", digit=1), "en-US"),
        (said(prompts, "language_option", "es", digit=2), "es-US"),
        # No Haitian Creole voice exists: the Creole words are read by a French voice.
        (said(prompts, "language_option", "ht", digit=3), "fr-FR"),
        (said(prompts, "language_option", "fr", digit=4), "fr-FR"),
    ]
    assert "Kreyòl" in last_says(call)[3][0]


@pytest.mark.parametrize(
    ("key", "language", "say_language"),
    [("1", "en", "en-US"), ("2", "es", "es-US"), ("3", "ht", "fr-FR"), ("4", "fr", "fr-FR")],
)
def test_the_chosen_language_is_spoken_from_then_on(
    hotline: Hotline,
    sim: SimServer,
    group: Group,
    prompts: VoicePrompts,
    key: str,
    language: str,
    say_language: str,
) -> None:
    call = sim.call_hotline(CALLER)
    call.press(key)
    assert last_says(call) == [(said(prompts, "need_menu", language), say_language)]
    call.press("1")
    assert last_says(call)[0] == (said(prompts, "where", language), say_language)
    assert voice_call(hotline, call.sid).language == language


@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("1", "food"),
        ("2", "water"),
        ("3", "medical"),
        ("4", "shelter"),
        ("6", "transport"),
        ("7", "other"),
    ],
)
def test_each_need_key_opens_its_category_when_the_caller_hangs_up(
    hotline: Hotline, sim: SimServer, group: Group, story: Story, key: str, category: str
) -> None:
    call = sim.call_hotline(CALLER)
    call.press("1")
    call.press(key)
    assert requests_of(hotline) == []  # not before the caller is done (or gone)
    call.hang_up()

    request = the_request(hotline)
    assert request.categories == [category] and request.urgency == Urgency.ROUTINE
    assert request.channel == "voice" and request.callback_by == "call"
    assert request.status == RequestStatus.OPEN
    assert voice_call(hotline, call.sid).status == "completed"
    story.settle()
    assert story.inbox(CALLER) == []  # nobody said this phone takes texts


def test_a_whole_call_in_spanish(
    hotline: Hotline, sim: SimServer, group: Group, story: Story, prompts: VoicePrompts
) -> None:
    call = sim.call_hotline(CALLER)
    call.press("2")  # Espanol
    call.press("2")  # water
    call.press("02145#")
    assert call.waiting_for == "Record"
    recording = call.record()
    assert last_says(call) == [(said(prompts, "reach", "es"), "es-US")]
    call.press("1")  # this phone takes texts

    request = the_request(hotline)
    code = request.code
    assert call.ended and call.errors == []
    # The code digit by digit, twice, then goodbye; and the line is hung up.
    spoken_code = ", ".join(code)
    assert last_says(call) == [
        (said(prompts, "code", "es", code=spoken_code), "es-US"),
        (said(prompts, "goodbye_sms", "es"), "es-US"),
    ]
    assert ET.fromstring(call.documents[-1])[-1].tag == "Hangup"

    assert request.categories == ["water"] and request.language == "es"
    assert (request.location, request.zone) == ("02145", "02145")
    assert request.recording_url == recording and request.callback_by == "sms"
    assert request.channel == "voice"
    with hotline.sessions() as session:
        inbound = session.scalars(select(InboundMessage)).one()
        events = session.scalars(
            select(RequestEvent.action).where(RequestEvent.request_id == request.id)
        ).all()
    assert (inbound.provider, inbound.provider_sid) == ("twilio-voice", call.sid)
    assert inbound.request_id == request.id and inbound.from_number == CALLER
    assert inbound.processed_at is not None
    assert "water" in inbound.body and "02145" in inbound.body
    assert list(events) == ["opened"]

    story.settle()
    expected = hotline.templates.render(
        "ack", "es", fallback="en", group=group.name, code=code
    ).text
    assert story.inbox(CALLER) == [expected]
    row = voice_call(hotline, call.sid)
    assert (row.step, row.request_id, row.status) == ("done", request.id, "completed")


def test_zero_repeats_the_need_menu(
    hotline: Hotline, sim: SimServer, group: Group, prompts: VoicePrompts
) -> None:
    call = sim.call_hotline(CALLER)
    call.press("1")
    call.press("0")
    call.press("0")
    assert last_says(call) == [(said(prompts, "need_menu", "en"), "en-US")]
    call.press("6")
    assert voice_call(hotline, call.sid).need == "transport"


def test_silence_asks_once_then_moves_on(
    hotline: Hotline, sim: SimServer, group: Group, story: Story, prompts: VoicePrompts
) -> None:
    sorry = said(prompts, "not_understood", "en")
    call = sim.call_hotline(CALLER)
    call.wait()
    assert last_says(call)[0] == (sorry, "en-US")  # the language menu once more
    call.wait()
    assert last_says(call) == [(said(prompts, "need_menu", "en"), "en-US")]  # default language
    call.wait()
    assert last_says(call)[0][0] == sorry
    call.wait()
    assert last_says(call)[0][0] == said(prompts, "where", "en")
    call.wait()
    call.wait()
    assert call.waiting_for == "Record"
    call.wait()  # says nothing at the beep
    assert last_says(call)[0][0] == said(prompts, "reach", "en")
    call.wait()
    call.wait()
    assert call.ended and call.errors == []
    assert said(prompts, "goodbye_call", "en") in call.said()

    request = the_request(hotline)
    assert request.categories == ["other"] and request.language == "en"
    assert request.location is None and request.zone is None
    assert request.recording_url is None and request.callback_by == "call"
    story.settle()
    assert story.inbox(CALLER) == []


def test_wrong_keys_ask_once_then_move_on(
    hotline: Hotline, sim: SimServer, group: Group, prompts: VoicePrompts
) -> None:
    sorry = said(prompts, "not_understood", "en")
    call = sim.call_hotline(CALLER)
    moves_on_to = {
        "language": said(prompts, "need_menu", "en"),
        "need": said(prompts, "where", "en"),
        "where": said(prompts, "record", "en"),
    }
    for step, first, second in [
        ("language", "9", "*"),
        ("need", "8", "9"),
        ("where", "9#", "12345678901#"),
    ]:
        call.press(first)
        assert last_says(call)[0][0] == sorry, step
        call.press(second)
        assert last_says(call)[0][0] == moves_on_to[step], step
    assert call.waiting_for == "Record"
    call.press("#")  # ends the recording before a word: nothing recorded
    call.press("3")
    assert last_says(call)[0][0] == sorry
    call.press("3")
    assert call.ended

    row = voice_call(hotline, call.sid)
    assert (row.language, row.need, row.location_digits, row.callback_by) == (
        "en",
        "other",
        None,
        "call",
    )
    assert the_request(hotline).callback_by == "call"


@pytest.mark.parametrize(
    ("keys", "location", "zone"),
    [
        ("2#", None, "02143"),  # the second zone the group listed
        ("02145#", "02145", "02145"),  # a ZIP code that is one of the group's zones
        ("90210#", "90210", None),  # a ZIP code outside them: kept for the dispatcher
        ("02143", "02143", "02143"),  # no #: Twilio sends the digits when the caller pauses
    ],
)
def test_where_takes_a_zone_number_or_a_postal_code(
    hotline: Hotline,
    sim: SimServer,
    group: Group,
    keys: str,
    location: str | None,
    zone: str | None,
) -> None:
    call = sim.call_hotline(CALLER)
    call.press("1")
    call.press("1")
    call.press(keys)
    if call.waiting_for == "Gather":
        call.wait()
    assert call.waiting_for == "Record"
    call.hang_up()
    request = the_request(hotline)
    assert (request.location, request.zone) == (location, zone)


def test_where_names_the_zones(
    hotline: Hotline, sim: SimServer, group: Group, prompts: VoicePrompts
) -> None:
    call = sim.call_hotline(CALLER)
    call.press("1")
    call.press("1")
    texts = [text for text, _lang in last_says(call)]
    assert said(prompts, "zone_option", "en", number=1, zone="Winter Hill") in texts
    assert said(prompts, "zone_option", "en", number=2, zone="Union Square") in texts


def test_rescue_tells_them_to_call_the_emergency_number_and_alerts_at_once(
    hotline: Hotline, sim: SimServer, group: Group, story: Story, prompts: VoicePrompts
) -> None:
    with hotline.sessions.begin() as session:
        add_dispatcher(session, session.get_one(Group, group.id), DEE, name="Dee")
    call = sim.call_hotline(CALLER)
    call.press("3")  # Kreyol
    call.press("5")  # rescue or danger now

    assert last_says(call)[0] == (said(prompts, "emergency", "ht", emergency="9 1 1"), "fr-FR")
    request = the_request(hotline)  # open already, while the caller is still on the line
    assert request.urgency == Urgency.EMERGENCY and request.categories == ["rescue"]
    story.settle()
    assert request.code in story.last(DEE)

    call.press("1#")
    call.record()
    call.press("1")
    request = the_request(hotline)
    assert request.zone == "02145" and request.callback_by == "sms"
    assert request.recording_url is not None
    with hotline.sessions() as session:
        events = session.scalars(
            select(RequestEvent.action).where(RequestEvent.request_id == request.id)
        ).all()
    assert events[0] == "opened" and "detail_added" in events
    story.settle()
    ack = hotline.templates.render(
        "ack_emergency", "ht", fallback="en", code=request.code, emergency="911"
    ).text
    assert story.inbox(CALLER) == [ack]
    alerts = [m for m in texts_to(hotline, DEE) if m.template == "dispatcher_emergency"]
    assert len(alerts) == 1  # alerted once, not again for each key pressed after


def test_a_hang_up_before_any_key_still_leaves_a_request(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    call = sim.call_hotline(CALLER)
    call.hang_up()
    request = the_request(hotline)
    assert request.categories == ["other"] and request.callback_by == "call"
    with hotline.sessions() as session:
        assert session.get_one(HelpRequest, request.id).contact.phone_number == CALLER


def test_a_single_language_group_skips_the_language_menu(
    hotline: Hotline, sim: SimServer, group: Group, prompts: VoicePrompts
) -> None:
    with hotline.sessions.begin() as session:
        g = session.get_one(Group, group.id)
        g.settings = {**g.settings, "voice_languages": ["es"]}
    call = sim.call_hotline(CALLER)
    assert [lang for _text, lang in last_says(call)] == ["es-US", "es-US"]
    assert last_says(call)[1][0] == said(prompts, "need_menu", "es")


def test_a_number_no_group_owns_is_told_so(
    hotline: Hotline, sim: SimServer, group: Group, prompts: VoicePrompts
) -> None:
    call = sim.call_hotline(CALLER, "+16175550999")
    assert call.ended and call.errors == []
    assert said(prompts, "unknown_number", "en") in call.said()
    assert requests_of(hotline) == []


# --- the edge: signatures, retries, callbacks out of order -----------------------------


def base_params(sid: str, status: str = "in-progress") -> dict[str, str]:
    return {
        "CallSid": sid,
        "AccountSid": "AC" + "0" * 31 + "1",
        "From": CALLER,
        "To": HOTLINE_NUMBER,
        "CallStatus": status,
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }


def test_unsigned_voice_webhooks_are_refused(hotline: Hotline, group: Group) -> None:
    for path in ("/twilio/voice", "/twilio/voice/menu?step=need&retry=0", "/twilio/voice/status"):
        answer = requests.post(
            f"{hotline.settings.public_url}{path}", data=base_params("CA" + "1" * 32), timeout=5
        )
        assert answer.status_code == 403
    assert requests_of(hotline) == []


def test_retried_webhooks_change_nothing(
    hotline: Hotline, group: Group, story: Story, prompts: VoicePrompts
) -> None:
    sid = "CA" + "2" * 32
    steps = [
        ("/twilio/voice", {}),
        ("/twilio/voice/menu?step=language&retry=0", {"Digits": "1"}),
        ("/twilio/voice/menu?step=need&retry=0", {"Digits": "9"}),  # wrong key: asked again
        ("/twilio/voice/menu?step=need&retry=1", {"Digits": "2"}),
        ("/twilio/voice/menu?step=where&retry=0", {"Digits": "02145"}),
        ("/twilio/voice/menu?step=record&retry=0", {"RecordingUrl": "https://r.example/RE1"}),
        ("/twilio/voice/menu?step=reach&retry=0", {"Digits": "1"}),
    ]
    answers = []
    for path, extra in steps:
        first = signed_post(hotline, path, base_params(sid) | extra)
        again = signed_post(hotline, path, base_params(sid) | extra)  # Twilio's retry
        assert first.status_code == again.status_code == 200
        answers.append(again.text)
    # The wrong key, retried, does not count as the second miss.
    assert voice_call(hotline, sid).need == "water"
    for _ in range(2):
        assert signed_post(hotline, "/twilio/voice/status", base_params(sid, "completed")).ok

    request = the_request(hotline)
    assert request.callback_by == "sms" and request.zone == "02145"
    assert said(prompts, "code", "en", code=", ".join(request.code)) in answers[-1]
    story.settle()
    assert len(story.inbox(CALLER)) == 1
    with hotline.sessions() as session:
        assert len(session.scalars(select(InboundMessage)).all()) == 1


def test_a_status_callback_for_a_call_never_seen_still_leaves_a_request(
    hotline: Hotline, group: Group
) -> None:
    # The voice webhook failed (the hotline was restarting), but the call reached the number.
    sid = "CA" + "3" * 32
    assert signed_post(hotline, "/twilio/voice/status", base_params(sid, "canceled")).ok
    request = the_request(hotline)
    assert request.callback_by == "call" and request.channel == "voice"
    assert voice_call(hotline, sid).status == "canceled"


def test_a_recording_that_arrives_after_the_hang_up_reaches_the_request(
    hotline: Hotline, group: Group
) -> None:
    sid = "CA" + "4" * 32
    signed_post(hotline, "/twilio/voice", base_params(sid))
    signed_post(hotline, "/twilio/voice/menu?step=language&retry=0", base_params(sid))
    signed_post(
        hotline, "/twilio/voice/menu?step=language&retry=1", base_params(sid) | {"Digits": "1"}
    )
    signed_post(hotline, "/twilio/voice/menu?step=need&retry=0", base_params(sid) | {"Digits": "1"})
    signed_post(
        hotline, "/twilio/voice/menu?step=where&retry=0", base_params(sid) | {"Digits": "2"}
    )
    # The caller talks, then hangs up: the status callback can beat the <Record> action.
    signed_post(hotline, "/twilio/voice/status", base_params(sid, "completed"))
    url = "https://api.example/Recordings/RE9"
    signed_post(
        hotline,
        "/twilio/voice/menu?step=record&retry=0",
        base_params(sid, "completed") | {"RecordingUrl": url, "Digits": "hangup"},
    )
    request = the_request(hotline)
    assert request.recording_url == url and request.zone == "02143"
    assert request.categories == ["food"]


# --- the TwiML itself -------------------------------------------------------------------


def test_every_answer_is_twiml_twilio_accepts(
    hotline: Hotline, sim: SimServer, group: Group
) -> None:
    documents: list[str] = []
    paths = [
        ["2", "2", "02145#", "record", "1"],
        ["wait", "wait", "wait", "wait", "wait", "wait", "wait", "wait", "wait"],
        ["9", "4", "8", "0", "5", "77#", "#", "wait", "2"],
    ]
    for number, path in enumerate(paths):
        call = sim.call_hotline(f"+1617555020{number}")
        for step in path:
            if step == "wait":
                call.wait()
            elif step == "record":
                call.record()
            else:
                call.press(step)
        assert call.ended and call.errors == []
        documents += call.documents
    documents += sim.call_hotline(CALLER, "+16175550999").documents

    url_map = create_app(hotline=hotline).url_map.bind("localhost")
    public = hotline.settings.public_url or ""
    for document in documents:
        root = ET.fromstring(document)
        assert root.tag == "Response"
        for parent in root.iter():
            assert set(parent.attrib) <= TWIML_ATTRIBUTES[parent.tag], parent.attrib
            for child in parent:
                assert child.tag in TWIML_CHILDREN.get(parent.tag, set()), child.tag
        for say in root.iter("Say"):
            assert say.get("language") in SAY_LANGUAGES and (say.text or "").strip()
        urls = [e.get("action") for e in root.iter() if e.get("action")]
        urls += [(r.text or "").strip() for r in root.iter("Redirect")]
        for url in urls:
            assert url is not None
            assert url.startswith((public + "/", "/")), url
            url_map.match(urlsplit(url).path, method="POST")  # raises if no such route
