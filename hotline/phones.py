"""Phone numbers at the edge: parsing to E.164 with phonenumbers, and masking for logs."""

from __future__ import annotations

import phonenumbers


class InvalidNumber(ValueError):
    """A number that cannot be a real phone number in the given region."""


def normalise(raw: str, region: str = "US") -> str:
    """Return the E.164 form of `raw`, read in national format for `region` when it has no +."""
    text = (raw or "").strip()
    if not text:
        raise InvalidNumber("no phone number given")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidNumber(f"{raw!r} is not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidNumber(f"{raw!r} is not a valid phone number for region {region.upper()}")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def normalise_loose(raw: str, region: str = "US") -> str:
    """E.164 when the number parses at all; else the raw text, so short codes are not lost."""
    text = (raw or "").strip()
    try:
        parsed = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(parsed):
        return text
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def region_of(number: str, fallback: str = "US") -> str:
    """The ISO country of an E.164 number, for reading other numbers in the same region."""
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return fallback
    return str(region) if region and region != "ZZ" else fallback


def mask(number: str | None) -> str:
    """Keep only the last two digits: enough to tell numbers apart in a log, not to call one."""
    if not number:
        return "-"
    digits = number.lstrip("+")
    return "+" + "*" * max(len(digits) - 2, 0) + digits[-2:]


def display(number: str) -> str:
    """A number the way people in its own country write it, for SMS to volunteers."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
