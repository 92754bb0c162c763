"""Answers to Twilio's webhooks in TwiML, built with twilio's own classes so only real verbs
appear: a voice Turn, and the SMS replies that ride inline on a webhook answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from hotline.voice.menu import Step
from hotline.voice.prompts import Line
from hotline.voice.script import Ask, RecordAsk, Turn

# Where the answer to (step, retry) is posted; the caller of to_twiml knows the app's URLs.
ActionUrl = Callable[[Step, int], str]


def _say(target: VoiceResponse | Gather, line: Line) -> None:
    target.say(line.text, language=line.say_language)


def to_twiml(turn: Turn, action_url: ActionUrl) -> str:
    response = VoiceResponse()
    for line in turn.before:
        _say(response, line)
    ask = turn.ask
    if isinstance(ask, Ask):
        url = action_url(ask.step, ask.retry)
        gather = Gather(
            input="dtmf",
            action=url,
            method="POST",
            timeout=ask.timeout,
            finish_on_key="#",
            num_digits=ask.num_digits,
            # Silence is posted too, so that the server, not Twilio, decides what comes next.
            action_on_empty_result=True,
        )
        for line in turn.prompt:
            _say(gather, line)
        response.append(gather)
        # Only reached where actionOnEmptyResult is not honoured: the same "no answer" post.
        response.redirect(url, method="POST")
    elif isinstance(ask, RecordAsk):
        for line in turn.prompt:
            _say(response, line)
        url = action_url(ask.step, ask.retry)
        response.record(
            action=url,
            method="POST",
            max_length=ask.max_length,
            timeout=ask.timeout,
            finish_on_key="#",
            play_beep=True,
        )
        # Twilio skips the action when nothing was recorded and goes on to the next verb.
        response.redirect(url, method="POST")
    else:
        for line in turn.prompt:
            _say(response, line)
        response.hangup()
    return str(response)


def messaging_twiml(replies: Iterable[str]) -> str:
    """An SMS webhook's answer: each reply as a <Message>, or none at all."""
    response = MessagingResponse()
    for reply in replies:
        response.message(reply)
    return str(response)
