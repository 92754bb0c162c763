"""Phone numbers as people write them: normalised to E.164, masked for logs, shown nationally."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.phones import InvalidNumber, display, mask, normalise, normalise_loose, region_of


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(617) 555-0134", "US", "+16175550134"),
        ("617.555.0134", "US", "+16175550134"),
        ("1-617-555-0134", "US", "+16175550134"),
        ("  +1 617 555 0134 ", "US", "+16175550134"),
        ("0016175550134", "US", "+16175550134"),
        ("3412 3456", "HT", "+50934123456"),
        ("+509 3412-3456", "US", "+50934123456"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("55 1234 5678", "mx", "+525512345678"),
    ],
)
def test_normalise_reads_local_formats(raw: str, region: str, expected: str) -> None:
    assert normalise(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "no phone number given"),
        ("   ", "no phone number given"),
        ("call me", "is not a phone number"),
        ("555-0134", "not a valid phone number for region US"),
        ("+1 000 000 0000", "not a valid phone number"),
    ],
)
def test_normalise_refuses_what_cannot_be_called(raw: str, message: str) -> None:
    with pytest.raises(InvalidNumber, match=message):
        normalise(raw, "US")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(617) 555-0134", "+16175550134"),
        ("4636", "4636"),
        ("HOTLINE", "HOTLINE"),
        ("", ""),
    ],
)
def test_normalise_loose_keeps_short_codes(raw: str, expected: str) -> None:
    assert normalise_loose(raw) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [("+50934123456", "HT"), ("+33612345678", "FR"), ("+16175550134", "US"), ("4636", "US")],
)
def test_region_of(number: str, expected: str) -> None:
    assert region_of(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [("+16175550134", "+*********34"), (None, "-"), ("", "-"), ("7", "+7")],
)
def test_mask_keeps_two_digits(number: str | None, expected: str) -> None:
    assert mask(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [("+16175550134", "(617) 555-0134"), ("+50934123456", "34 12 3456"), ("4636", "4636")],
)
def test_display_as_written_at_home(number: str, expected: str) -> None:
    assert display(number) == expected


@given(st.text(max_size=40), st.sampled_from(["US", "HT", "FR", "MX", "xx"]))
def test_normalise_either_answers_or_explains(raw: str, region: str) -> None:
    """Whatever is typed into a number field, the answer is E.164 or an InvalidNumber."""
    try:
        number = normalise(raw, region)
    except InvalidNumber:
        return
    assert number.startswith("+")
    assert number[1:].isdigit()
    assert normalise(number, region) == number


@given(st.text(max_size=40))
def test_loose_and_display_never_raise(raw: str) -> None:
    display(normalise_loose(raw))
    mask(raw)
