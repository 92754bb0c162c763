"""Read how many people a need is for: "for 4", "pou 5 moun", "somos seis", "family of 5"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hotline.triage.matcher import Match

# Larger figures in an SMS are phone numbers, money or years, not a household.
MAX_PEOPLE = 5000


def _number(keys: Sequence[str], at: int, numbers: Mapping[str, int]) -> int | None:
    if not 0 <= at < len(keys):
        return None
    key = keys[at]
    if key.isdigit():
        value = int(key)
        return value if 0 < value <= MAX_PEOPLE else None
    return numbers.get(key)


def _number_after(keys: Sequence[str], at: int, numbers: Mapping[str, int]) -> tuple[int, int]:
    """The number starting at `at` and the index after it; tens + unit add ("vingt cinq")."""
    value = _number(keys, at, numbers)
    if value is None:
        return 0, at
    unit = _number(keys, at + 1, numbers)
    if value % 10 == 0 and value >= 20 and unit is not None and unit < 10:
        return value + unit, at + 2
    return value, at + 1


def _number_before(keys: Sequence[str], end: int, numbers: Mapping[str, int]) -> int:
    """The number ending just before `end`, or 0."""
    value = _number(keys, end - 1, numbers)
    if value is None:
        return 0
    tens = _number(keys, end - 2, numbers)
    if value < 10 and tens is not None and tens % 10 == 0 and tens >= 20:
        return tens + value
    return value


def count_people(
    keys: Sequence[str], matches: Sequence[Match], numbers: Mapping[str, int]
) -> int | None:
    people_words = [m for m in matches if m.tag.section == "people"]
    not_people = {m.start for m in people_words if m.tag.label == "not_people"}
    subgroups = {m.start for m in people_words if m.tag.label == "subgroup"}
    stated: list[int] = []
    parts: dict[int, int] = {}  # subgroup counts by position, so one phrase is not counted twice
    for match in people_words:
        label = match.tag.label
        if label == "before":
            value, after = _number_after(keys, match.end, numbers)
            if value and after in subgroups:
                # "nou gen 12 timoun": a part of the household, counted with the other parts.
                parts[after] = value
            elif value and after not in not_people:
                stated.append(value)
        elif label == "after":
            value = _number_before(keys, match.start, numbers)
            if value:
                stated.append(value)
        elif label == "subgroup":
            value = _number_before(keys, match.start, numbers)
            if value:
                parts[match.start] = value
    if stated:
        return max(stated)
    if parts:
        # "me and my 3 kids" is four people: the sender counts with the parts they name.
        with_me = any(m.tag.label == "with_me" for m in people_words)
        return sum(parts.values()) + with_me
    return None
