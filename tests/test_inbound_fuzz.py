"""Random texts and senders through the real signed webhooks and jobs: 0 lost, 0 crashed, 0 500s.

HOTLINE_FUZZ_EXAMPLES sets how many examples each webhook gets per database (default 150);
run with 10000 to repeat issue 13's attack run.
"""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inbound_posts import GATEWAY_KEY, post_gateway_sms, post_twilio_sms
from people import add_cast
from sqlalchemy import func, select
from story import Story

from hotline.models import Group, InboundMessage
from hotline.runtime.services import Hotline

EXAMPLES = int(os.environ.get("HOTLINE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
WORDS = ["YES", "yes 1234", "NO", "DONE", "ON", "OFF", "STOP", "START", "HELP", "Q", "STATUS"]
WORDS += ["CANCEL", "CANCEL 1234", "OFFER water", "LANG es", "SHOW 1234", "need water", "12 Elm"]
bodies = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from("\x00 \n\t#YESNODT0123456789"), max_size=30),
    st.builds("".join, st.lists(st.sampled_from([*WORDS, "\x00", " ", "é", "🌊"]), max_size=8)),
    st.builds(
        lambda part, times: part * times, st.text(min_size=1, max_size=8), st.integers(1, 900)
    ),
)
senders = st.one_of(
    st.sampled_from(["+16175550111", "(617) 555-0112", "617.555.0113", "+16175550199"]),
    st.from_regex(r"\+?[0-9 ().\-]{0,40}", fullmatch=True),
    st.text(alphabet=st.sampled_from("+0123456789\x00 "), max_size=60),
    st.text(),
)


@pytest.fixture
def people(hotline: Hotline, group: Group) -> None:
    add_cast(hotline, group)


def held(h: Hotline) -> tuple[int, int, int]:
    """Rows, rows not handled, and rows whose handling raised at least once."""
    with h.sessions() as session:
        rows = session.scalar(select(func.count(InboundMessage.id))) or 0
        unhandled = session.scalar(
            select(func.count(InboundMessage.id)).where(InboundMessage.processed_at.is_(None))
        )
        failed = session.scalar(
            select(func.count(InboundMessage.id)).where(InboundMessage.attempts > 0)
        )
    return rows, unhandled or 0, failed or 0


def test_random_texts_through_twilio_are_all_kept_and_handled(
    story: Story, hotline: Hotline, people: None
) -> None:
    sids = itertools.count()
    accepted: list[int] = []

    @FUZZ
    @given(sender=senders, body=bodies)
    def text_in(sender: str, body: str) -> None:
        answer = post_twilio_sms(hotline, f"SMfuzz{next(sids)}", sender, body)
        assert answer.status_code == 200, answer.text
        accepted.append(1)
        story.settle()  # raises if any job failed

    text_in()
    assert held(hotline) == (len(accepted), 0, 0)


def test_random_texts_through_the_gateway_are_all_kept_and_handled(
    story: Story, hotline: Hotline, people: None
) -> None:
    hotline.settings = hotline.settings.with_overrides(gateway_signing_key=GATEWAY_KEY)
    ids = itertools.count()
    accepted: list[int] = []

    @FUZZ
    @given(sender=st.one_of(senders, st.text(min_size=1)), body=bodies)
    def text_in(sender: str, body: str) -> None:
        if not sender:
            return  # the gateway app always names the sender; an event without one is refused
        answer = post_gateway_sms(hotline, f"ev{next(ids)}", sender, body)
        assert answer.status_code == 204, answer.text
        accepted.append(1)
        story.settle()

    text_in()
    assert held(hotline) == (len(accepted), 0, 0)
