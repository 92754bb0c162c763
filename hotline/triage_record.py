"""What a request keeps of its triage: why it was read so, what the text is for, its gist."""

from __future__ import annotations

from hotline.models import HelpRequest
from hotline.triage import INTENTS, TriageResult
from hotline.triage.gist import gist

# The dashboard is written in English; the gist there speaks of the neighbour's language.
DASHBOARD_LANGUAGE = "en"
# A rule set by a dispatcher's edit starts so; the rest of it is who made the edit.
BY_PERSON = "set by "
KEYPAD_RULE = "voice keypad menu"
# Texts that ask for nothing: a dispatcher looks at them before anyone is offered them.
NOT_A_NEED = frozenset(INTENTS) - {"request", "offer"}


def _clip(value: str | None, column: str) -> str | None:
    """Cut to the column's length: a triage phrase is as long as the neighbour wrote it."""
    if value is None:
        return None
    length = getattr(HelpRequest.__table__.c[column].type, "length", None)
    return value if length is None or len(value) <= length else value[: length - 3] + "..."


def _from_request(request: HelpRequest) -> TriageResult:
    """The request's current triage fields as a triage result, for a gist after an edit."""
    return TriageResult(
        categories=tuple(request.categories),
        urgency=request.urgency.value,
        kind=request.kind,
        language=request.language,
        location=request.location,
        people=request.people,
        zone=request.zone,
    )


def record_triage(
    request: HelpRequest, triage: TriageResult, text: str, language: str = DASHBOARD_LANGUAGE
) -> None:
    """Keep the phrase and rule that decided, the text's intent and the need's gist."""
    request.triage_reason = triage.reason
    request.triage_rule = _clip(triage.rule, "triage_rule")
    request.intent = _clip(triage.intent, "intent")
    request.gist = _clip(gist(triage, text, language), "gist")


def record_added_triage(
    request: HelpRequest, triage: TriageResult, text: str, *, raised: bool
) -> None:
    """A later text was folded in (more detail, or where they are). Its reason replaces the
    first one only when it `raised` the request to an emergency, or there was none; the gist
    is written again from what the request now holds (the place they just gave)."""
    if triage.reason and (raised or request.triage_reason is None):
        request.triage_reason = triage.reason
        request.triage_rule = _clip(triage.rule, "triage_rule")
    if triage.is_request and needs_a_look(request.intent):
        request.intent = "request"  # "hi" and then "we need water": now it asks for something
    request.gist = _clip(gist(_from_request(request), text, DASHBOARD_LANGUAGE), "gist")


def record_keypad(request: HelpRequest, key_name: str) -> None:
    """A caller chose the need on the keypad: that choice is the reason."""
    request.triage_reason = f"pressed the key for {key_name}"
    request.triage_rule = KEYPAD_RULE
    request.intent = "request"
    request.gist = _clip(gist(_from_request(request), "", DASHBOARD_LANGUAGE), "gist")


def record_edit(request: HelpRequest, who: str) -> None:
    """A dispatcher corrected the triage: the category is now a person's, the gist follows.
    The phrase triage read is kept, so the page can still say what it had seen."""
    request.triage_rule = _clip(BY_PERSON + (who or "a dispatcher"), "triage_rule")
    if any(c != "other" for c in request.categories):
        request.intent = "request"  # a person named the need: nothing is left to look at
    request.gist = _clip(gist(_from_request(request), "", DASHBOARD_LANGUAGE), "gist")


def set_by_person(request: HelpRequest) -> str | None:
    """Who set the category by hand, or None while it is triage's reading."""
    rule = request.triage_rule or ""
    return rule.removeprefix(BY_PERSON) if rule.startswith(BY_PERSON) else None


def needs_a_look(intent: str | None) -> bool:
    """Whether the text asked for nothing a volunteer could bring (None: stored before
    intents were kept, read as a need)."""
    return intent in NOT_A_NEED
