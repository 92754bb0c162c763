"""The provider adapters read webhooks into the project's words: table-driven, no services."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from twilio.request_validator import RequestValidator

from hotline.channels import DeliveryReport, InboundText, MalformedWebhook
from hotline.channels.gateway import webhooks as gateway
from hotline.channels.twilio import webhooks as twilio
from hotline.models import OutboundStatus

HOTLINE = "+16175550100"
NEIGHBOUR = "+16175550111"


# --- Twilio -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"MessageStatus": "accepted"}, OutboundStatus.SENDING),
        ({"MessageStatus": "queued"}, OutboundStatus.SENDING),
        ({"MessageStatus": "sending"}, OutboundStatus.SENDING),
        ({"MessageStatus": "sent"}, OutboundStatus.SENT),
        ({"MessageStatus": "delivered"}, OutboundStatus.DELIVERED),
        ({"MessageStatus": "Delivered"}, OutboundStatus.DELIVERED),
        ({"MessageStatus": "undelivered"}, OutboundStatus.UNDELIVERED),
        ({"MessageStatus": "failed"}, OutboundStatus.FAILED),
        ({"SmsStatus": "delivered"}, OutboundStatus.DELIVERED),  # the older field name
        ({"MessageStatus": "read"}, None),  # a word that moves nothing of ours
        ({"MessageStatus": "canceled"}, None),
        ({}, None),
    ],
)
def test_twilio_status_words_become_ours(
    form: dict[str, str], status: OutboundStatus | None
) -> None:
    report = twilio.delivery_report({"MessageSid": "SM1", **form}, {"m": "7"})
    assert report == DeliveryReport(outbound_id=7, provider_sid="SM1", status=status)


@pytest.mark.parametrize(
    ("error", "code", "opted_out"),
    [
        ("30003", 30003, False),
        ("21610", 21610, True),  # the carrier has unsubscribed the recipient
        ("", None, False),
        ("²", None, False),  # isdigit() is true, int() refuses it
        ("30003x", None, False),
    ],
)
def test_twilio_error_codes_are_kept_for_the_record_and_opt_out_is_ours(
    error: str, code: int | None, opted_out: bool
) -> None:
    form = {"SmsSid": "SM2", "MessageStatus": "failed", "ErrorCode": error}
    report = twilio.delivery_report(form, {})
    assert (report.provider_sid, report.status) == ("SM2", OutboundStatus.FAILED)
    assert (report.error_code, report.opted_out) == (code, opted_out)


@pytest.mark.parametrize(("m", "outbound_id"), [("12", 12), ("", None), ("x1", None), ("١٢", None)])
def test_our_id_comes_back_in_the_callback_query(m: str, outbound_id: int | None) -> None:
    form = {"MessageSid": "SM3", "MessageStatus": "sent"}
    assert twilio.delivery_report(form, {"m": m}).outbound_id == outbound_id


@pytest.mark.parametrize(
    ("form", "text"),
    [
        (
            {"MessageSid": "SM4", "From": NEIGHBOUR, "To": HOTLINE, "Body": "need water"},
            InboundText("twilio", "SM4", NEIGHBOUR, HOTLINE, "need water"),
        ),
        (
            {"SmsSid": "SM5", "To": HOTLINE, "OptOutType": "STOP", "Body": "STOP"},
            InboundText("twilio", "SM5", "", HOTLINE, "STOP", opt_out_type="STOP"),
        ),
        (
            {"MessageSid": "SM6", "From": "x", "To": HOTLINE},
            InboundText("twilio", "SM6", "x", HOTLINE, ""),
        ),
    ],
)
def test_a_twilio_sms_webhook_becomes_an_inbound_text(
    form: dict[str, str], text: InboundText
) -> None:
    assert twilio.inbound_text(form) == text


@pytest.mark.parametrize(
    "form",
    [{"From": NEIGHBOUR, "To": HOTLINE}, {"MessageSid": "SM7"}, {"MessageSid": "", "To": HOTLINE}],
)
def test_a_twilio_sms_webhook_without_an_id_or_a_to_is_malformed(form: dict[str, str]) -> None:
    with pytest.raises(MalformedWebhook):
        twilio.inbound_text(form)


@pytest.mark.parametrize(
    ("public_url", "query", "url"),
    [
        ("https://hotline.example.org", b"", "https://hotline.example.org/twilio/status"),
        ("https://hotline.example.org", b"m=3", "https://hotline.example.org/twilio/status?m=3"),
        (None, b"m=3", "http://127.0.0.1:8000/twilio/status?m=3"),
    ],
)
def test_twilio_signs_the_public_url_not_the_proxied_one(
    public_url: str | None, query: bytes, url: str
) -> None:
    assert twilio.signed_url(public_url, "http://127.0.0.1:8000/", "/twilio/status", query) == url


def test_a_twilio_signature_is_checked_with_our_token() -> None:
    url, form = "https://hotline.example.org/twilio/sms", {"MessageSid": "SM8", "Body": "hi"}
    good = RequestValidator("token").compute_signature(url, form)
    assert twilio.signed_by_twilio("token", url, form, good)
    assert not twilio.signed_by_twilio("other-token", url, form, good)
    assert not twilio.signed_by_twilio("token", url, {**form, "Body": "hello"}, good)
    assert not twilio.signed_by_twilio("token", url, form, "")
    assert not twilio.signed_by_twilio(None, url, form, good)


# --- the local SMS gateway ----------------------------------------------------------------


def event(kind: object, **payload: object) -> bytes:
    return json.dumps({"event": kind, "id": "ev1", "payload": payload}).encode()


def no_number() -> str | None:
    raise AssertionError("only a text asks which number it was for")


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("sms:sent", OutboundStatus.SENT),
        ("sms:delivered", OutboundStatus.DELIVERED),
        ("sms:failed", OutboundStatus.FAILED),
    ],
)
def test_gateway_events_become_our_statuses(kind: str, status: OutboundStatus) -> None:
    report = gateway.read_event(event(kind, messageId="gw-9"), no_number)
    assert report == DeliveryReport(outbound_id=None, provider_sid="gw-9", status=status)


@pytest.mark.parametrize(
    "body",
    [
        event("sms:delivered"),  # no message id
        event("sms:data-received", messageId="gw-9"),
        event(["sms:sent"], messageId="gw-9"),  # an unhashable event name
        event(None),
        b"[1, 2]",
        b"not json",
        b"\xff\xfe\x00",
        json.dumps({"event": "sms:sent", "payload": ["gw-9"]}).encode(),
    ],
)
def test_other_gateway_events_are_ignored(body: bytes) -> None:
    assert gateway.read_event(body, no_number) is None


def test_a_text_to_the_gateway_phone_is_for_its_group_number() -> None:
    text = gateway.read_event(
        event("sms:received", phoneNumber=NEIGHBOUR, message="hi"), lambda: HOTLINE
    )
    assert text == InboundText("gateway", "ev1", NEIGHBOUR, HOTLINE, "hi")


@pytest.mark.parametrize(
    ("body", "number"),
    [
        (event("sms:received", phoneNumber=NEIGHBOUR, message="hi"), None),  # no group for it
        (event("sms:received", message="hi"), HOTLINE),
        (
            json.dumps({"event": "sms:received", "payload": {"phoneNumber": NEIGHBOUR}}).encode(),
            HOTLINE,
        ),
    ],
)
def test_a_gateway_text_without_a_sender_an_id_or_a_group_is_malformed(
    body: bytes, number: str | None
) -> None:
    with pytest.raises(MalformedWebhook):
        gateway.read_event(body, lambda: number)


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "signed_with", "seconds_ago", "valid"),
    [
        ("key", "key", 0, True),
        ("key", "key", 299, True),
        ("key", "key", -299, True),  # the phone's clock may run a little ahead
        ("key", "key", 301, False),  # a replay
        ("key", "other", 0, False),
        (None, "key", 0, False),  # no key set: nothing is trusted
        ("", "", 0, False),
    ],
)
def test_a_gateway_signature_must_be_ours_and_recent(
    key: str | None, signed_with: str, seconds_ago: int, valid: bool
) -> None:
    body = event("sms:received", phoneNumber=NEIGHBOUR, message="hi")
    timestamp = str(int(NOW.timestamp()) - seconds_ago)
    signature = gateway.signed(body, timestamp, signed_with)
    assert gateway.signed_by_gateway(body, timestamp, signature, key, NOW) is valid


@pytest.mark.parametrize(("timestamp", "signature"), [("²", "ab"), ("1", "é")])
def test_non_ascii_gateway_signature_headers_are_malformed(timestamp: str, signature: str) -> None:
    with pytest.raises(MalformedWebhook):
        gateway.signed_by_gateway(b"{}", timestamp, signature, "key", NOW)


@pytest.mark.parametrize("timestamp", ["", "soon", "-5", "1.5"])
def test_a_gateway_timestamp_that_is_not_whole_seconds_is_refused(timestamp: str) -> None:
    signature = gateway.signed(b"{}", timestamp, "key")
    assert not gateway.signed_by_gateway(b"{}", timestamp, signature, "key", NOW)
