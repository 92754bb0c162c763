"""A group's stored zones read the same way by triage, voice menus and the CLI."""

from __future__ import annotations

from hotline.triage import Zone


def test_a_stored_zone_keeps_its_name_and_aliases() -> None:
    zone = Zone.from_setting({"name": "02145", "aliases": ["Winter Hill", "WH"]})
    assert zone == Zone("02145", ("Winter Hill", "WH"))
    assert zone.names == ("02145", "Winter Hill", "WH")


def test_a_zone_is_said_by_its_first_name_with_words() -> None:
    assert Zone("02145", ("Winter Hill",)).label == "Winter Hill"
    assert Zone("02145").label == "02145"
    assert Zone("Union Square", ("02143",)).label == "Union Square"


def test_a_zone_without_aliases_or_with_a_bad_value_has_none() -> None:
    assert Zone.from_setting({"name": "02143"}).aliases == ()
    assert Zone.from_setting({"name": "02143", "aliases": None}).aliases == ()
    assert Zone.from_setting({"name": "02143", "aliases": "Union Square"}).aliases == ()
