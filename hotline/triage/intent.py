"""Whether a text asks for anything: a need, an offer, or small talk, news or too little."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from hotline.triage.matcher import Match
from hotline.triage.text import Token

# A text with more words than this that no small-talk phrase explains is read as a need a
# person should see: losing a real need costs more than one reply too many.
SMALL_TALK_WORDS = 3
# Sections whose phrases say what a text is about, so their words are not "left over".
_TALK = frozenset({"thanks", "greeting", "question", "service", "news", "information"})
# The order a text that is several of these is named by: thanks before a greeting
# ("hello, thank you"), news before a question about it.
_ORDER = ("thanks", "news", "question", "greeting")


def intent_of(
    kind: str,
    labels: Collection[str],
    tokens: Sequence[Token],
    stopwords: Collection[str],
    matches: Sequence[Match],
) -> str:
    """What the text is for. Only a text that asks for nothing the lexicons know, and says
    little else, is not a request: "hi", "thank you", "who is this?", a weather report."""
    if kind in ("request", "offer"):
        return kind
    talk = [m for m in matches if m.tag.section == "kind" and m.tag.label in _TALK]
    found = {m.tag.label for m in talk}
    needs = any(m.tag.section == "categories" for m in matches)
    # Asking how to stay safe or where to go is a need a person answers.
    if "information" in found:
        return "request"
    if needs:
        # "Thank you for the water" thanks; "no tent, no tarp, thanks" signs off a need.
        opening = min((m.start for m in talk if m.tag.label == "thanks"), default=-1)
        turn = any(m.tag.label == "clause_break" for m in matches)
        return "thanks" if opening == 0 and not turn else "request"
    if "news" in found:
        return "news"
    covered = {at for m in talk for at in range(m.start, m.end)}
    left = [
        token
        for at, token in enumerate(tokens)
        if at not in covered and token.key not in stopwords and len(token.key) > 1
    ]
    if len(left) > SMALL_TALK_WORDS:
        return "request"
    if "service" in found:
        return "question"
    return next((name for name in _ORDER if name in found), "vague")
