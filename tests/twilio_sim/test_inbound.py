"""Phones texting the hotline: Twilio's webhook, its opt-out keywords, and inline TwiML replies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from hotline.simulators.twilio_sim.server import SimServer
from hotline.simulators.twilio_sim.state import CARRIER_CONFIRMATIONS

NEIGHBOUR = "+12025550101"
VOLUNTEER = "+12025550102"
SID = re.compile(r"SM[0-9a-f]{32}")


def test_inbound_text_is_signed_and_shaped_like_twilios(sim: SimServer, receiver: Any) -> None:
    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water at 12 Elm St")

    assert result.ok and result.status_code == 200
    [received] = receiver.received
    assert received.url == receiver.url + "/twilio/sms"
    assert received.signature_valid
    assert received.headers["Content-Type"] == "application/x-www-form-urlencoded"
    params = received.params
    assert SID.fullmatch(params["MessageSid"])
    assert params["SmsSid"] == params["SmsMessageSid"] == params["MessageSid"]
    assert params == result.params
    assert {k: params[k] for k in params if k not in {"MessageSid", "SmsSid", "SmsMessageSid"}} == {
        "AccountSid": sim.state.account_sid,
        "From": NEIGHBOUR,
        "To": sim.hotline_number,
        "Body": "Need water at 12 Elm St",
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "FromCountry": "US",
        "ToCountry": "US",
        "ApiVersion": "2010-04-01",
    }
    [sent] = sim.messages_from(NEIGHBOUR)
    assert (sent.sid, sent.direction, sent.body) == (
        params["MessageSid"],
        "inbound",
        params["Body"],
    )


def test_messaging_service_sid_is_included_when_configured(sim: SimServer, receiver: Any) -> None:
    sim.state.messaging_service_sid = "MG" + "2" * 32

    sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "hello")

    assert receiver.received[0].params["MessagingServiceSid"] == "MG" + "2" * 32
    assert receiver.received[0].signature_valid


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "stop",
        " Stop. ",
        "STOPALL",
        "unsubscribe!",
        "Cancel",
        "end",
        "QUIT",
        "revoke",
        "OptOut",
    ],
)
def test_opt_out_word_stops_later_sends_until_start(
    client: Client, sim: SimServer, receiver: Any, body: str
) -> None:
    hotline = sim.hotline_number or ""

    result = sim.text_hotline(NEIGHBOUR, hotline, body)

    assert result.opt_out_type == "STOP"
    assert receiver.received[-1].params["OptOutType"] == "STOP"
    assert receiver.received[-1].signature_valid
    assert sim.is_opted_out(NEIGHBOUR, hotline)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=NEIGHBOUR, from_=hotline, body="Still there?")
    assert (caught.value.status, caught.value.code) == (400, 21610)
    # The opt-out is for this pair of numbers only.
    assert client.messages.create(to=NEIGHBOUR, from_="+12025550199", body="Other line").sid
    assert client.messages.create(to=VOLUNTEER, from_=hotline, body="Unaffected").sid

    assert sim.text_hotline(NEIGHBOUR, hotline, "start").opt_out_type == "START"

    assert not sim.is_opted_out(NEIGHBOUR, hotline)
    assert client.messages.create(to=NEIGHBOUR, from_=hotline, body="Welcome back").sid


def test_unstop_also_opts_back_in(client: Client, sim: SimServer) -> None:
    hotline = sim.hotline_number or ""
    sim.text_hotline(NEIGHBOUR, hotline, "STOP")

    assert sim.text_hotline(NEIGHBOUR, hotline, "Unstop").opt_out_type == "START"
    assert client.messages.create(to=NEIGHBOUR, from_=hotline, body="Welcome back").sid


@pytest.mark.parametrize("body", ["HELP", "help?", "Info"])
def test_help_words_are_marked_help(sim: SimServer, receiver: Any, body: str) -> None:
    assert sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", body).opt_out_type == "HELP"
    assert receiver.received[-1].params["OptOutType"] == "HELP"
    assert not sim.is_opted_out(NEIGHBOUR, sim.hotline_number or "")


@pytest.mark.parametrize("body", ["CANCEL 4821", "please stop", "YES", "stopping by later", ""])
def test_other_texts_carry_no_opt_out_type(sim: SimServer, receiver: Any, body: str) -> None:
    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", body)

    assert result.opt_out_type is None
    assert "OptOutType" not in receiver.received[-1].params
    assert not sim.is_opted_out(NEIGHBOUR, sim.hotline_number or "")


def test_opt_out_type_can_be_forced_for_custom_keywords(
    client: Client, sim: SimServer, receiver: Any
) -> None:
    hotline = sim.hotline_number or ""

    result = sim.text_hotline(NEIGHBOUR, hotline, "ARRET", opt_out_type="STOP")

    assert receiver.received[-1].params["OptOutType"] == "STOP"
    assert result.opt_out_type == "STOP"
    with pytest.raises(TwilioRestException):
        client.messages.create(to=NEIGHBOUR, from_=hotline, body="Still there?")


def test_twiml_message_replies_are_delivered_to_the_phone(sim: SimServer, receiver: Any) -> None:
    receiver.reply_with(
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<Response><Message>Got it. Your code is 4821.</Message>"
        f"<Message to='{VOLUNTEER}'><Body>New request near you</Body></Message></Response>"
    )

    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water")

    assert [
        (r.to_number, r.from_number, r.body, r.direction, r.status) for r in result.replies
    ] == [
        (NEIGHBOUR, sim.hotline_number, "Got it. Your code is 4821.", "inline-reply", "delivered"),
        (VOLUNTEER, sim.hotline_number, "New request near you", "inline-reply", "delivered"),
    ]
    assert [m.body for m in sim.conversation(NEIGHBOUR)] == [
        "Need water",
        "Got it. Your code is 4821.",
    ]
    assert [m.body for m in sim.messages_to(VOLUNTEER)] == ["New request near you"]


def test_plain_text_answer_is_sent_back_as_it_stands(sim: SimServer, receiver: Any) -> None:
    receiver.answer_body, receiver.answer_type = "Thanks, we are on it", "text/plain"

    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water")

    assert [r.body for r in result.replies] == ["Thanks, we are on it"]


def test_empty_twiml_sends_nothing(sim: SimServer) -> None:
    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water")

    assert result.replies == []
    assert sim.messages_to(NEIGHBOUR) == []


def test_reply_to_an_opt_out_is_not_delivered(sim: SimServer, receiver: Any) -> None:
    receiver.reply_with("<Response><Message>Sorry to see you go</Message></Response>")

    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "STOP")

    [reply] = result.replies
    assert (reply.status, reply.error_code) == ("failed", 21610)
    assert not reply.delivered_to_phone


def test_repost_sends_the_same_message_again(sim: SimServer, receiver: Any) -> None:
    receiver.reply_with("<Response><Message>Got it</Message></Response>")
    first = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water")

    again = sim.repost(first)

    first_post, second_post = receiver.wait_for(2)
    assert first_post.params == second_post.params
    assert second_post.signature_valid
    assert (
        first_post.headers["I-Twilio-Idempotency-Token"]
        == second_post.headers["I-Twilio-Idempotency-Token"]
    )
    assert again.message.sid == first.message.sid
    # The phone sent one text; the hotline answered twice, so two replies arrive.
    assert [m.direction for m in sim.conversation(NEIGHBOUR)] == [
        "inbound",
        "inline-reply",
        "inline-reply",
    ]


def test_bad_signature_is_rejected_by_a_validating_hotline(sim: SimServer, receiver: Any) -> None:
    receiver.reply_with("<Response><Message>Got it</Message></Response>")

    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water", bad_signature=True)

    assert not receiver.received[0].signature_valid
    assert (result.status_code, result.ok, result.replies) == (403, False, [])


def test_unreachable_hotline_is_reported_not_raised(sim: SimServer) -> None:
    sim.hotline_url = "http://127.0.0.1:9"

    result = sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water")

    assert (result.status_code, result.ok) == (None, False)
    assert result.error
    assert [m.body for m in sim.messages_from(NEIGHBOUR)] == ["Need water"]


def test_texting_without_a_hotline_url_is_an_error(sim: SimServer) -> None:
    sim.hotline_url = None
    with pytest.raises(RuntimeError, match="hotline_url"):
        sim.text_hotline(NEIGHBOUR, sim.hotline_number or "", "Need water")


def test_reset_forgets_messages_and_opt_outs(client: Client, sim: SimServer) -> None:
    hotline = sim.hotline_number or ""
    sim.text_hotline(NEIGHBOUR, hotline, "STOP")
    sim.set_undeliverable(VOLUNTEER)

    sim.reset()

    assert sim.messages == []
    assert not sim.is_opted_out(NEIGHBOUR, hotline)
    assert client.messages.create(to=NEIGHBOUR, from_=hotline, body="Hi").sid
    assert VOLUNTEER not in sim.state.undeliverable


def test_twilio_confirms_stop_and_start_on_the_phone(sim: SimServer, receiver: Any) -> None:
    hotline = sim.hotline_number or ""

    sim.text_hotline(NEIGHBOUR, hotline, "Stop")
    sim.text_hotline(NEIGHBOUR, hotline, "UNSTOP")

    carried = [m for m in sim.state.conversation(NEIGHBOUR) if m.direction == "carrier"]
    assert [(m.from_number, m.body) for m in carried] == [
        (hotline, CARRIER_CONFIRMATIONS["STOP"]),
        (hotline, CARRIER_CONFIRMATIONS["START"]),
    ]
    assert CARRIER_CONFIRMATIONS["STOP"].startswith("You have successfully been unsubscribed.")
    # The hotline never sent them: its own outbox, and what it was posted, hold no such text.
    assert sim.messages_to(NEIGHBOUR) == []
    assert all("successfully" not in r.params["Body"] for r in receiver.received)
