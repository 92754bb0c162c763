"""Reading the spreadsheets groups already keep, and writing ones a spreadsheet user reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.spreadsheets import (
    Report,
    VolunteerRow,
    display_number,
    read_roster,
    write_roster,
    write_table,
)

ZONES = [
    {"name": "02145", "aliases": ["Winter Hill"]},
    {"name": "02143", "aliases": ["Union Square"]},
]


def _read(text: str, **kwargs: object) -> Report:
    return read_roster(text.encode(), region="US", zones=ZONES, **kwargs)  # type: ignore[arg-type]


def test_a_groups_own_sheet_reads_with_a_report_per_row() -> None:
    report = _read(
        "Full name,Phone number,Neighborhood,Skills,Languages spoken,Availability,Notes\n"
        'Ana Lopez,(617) 555-0101,Winter Hill,Driver; medical,"Spanish, English",lun-vie 18-22,\n'
        "Ben Okafor,617.555.0102,02143,,en,weekends,has a van\n"
        "Bad Number,555-01,02145,,,,\n"
        ",,,,,,\n"
        "Ana twice,+1 617 555 0101,02145,,,,\n"
    )
    assert report.lines() == ["row 4: phone number not valid for US", "row 6: duplicate of row 2"]
    assert report.summary() == "4 rows: 2 ready, 2 with problems (left out)"
    ana, ben = report.ready
    assert ana == VolunteerRow(
        line=2,
        phone_number="+16175550101",
        name="Ana Lopez",
        zones=("02145",),
        skills=("driver", "medical"),
        languages=("es", "en"),
        availability="mon-fri 18-22",
        on_call=None,
    )
    assert (ben.zones, ben.availability, ben.languages) == (("02143",), "weekends", ("en",))


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Phone", "phone"),
        ("PHONE NUMBER", "phone"),
        (" Mobile ", "phone"),
        ("Cell phone", "phone"),
        ("Teléfono", "phone"),
        ("Numéro", "phone"),
        ("Languages spoken", "languages"),
        ("Idiomas", "languages"),
        ("ZIP code", "zones"),
        ("Zone(s)", "zones"),
        ("Disponibilité", "availability"),
        ("Schedule", "availability"),
        ("On-call", "on_call"),
        ("What they can do", "skills"),
    ],
)
def test_headers_are_matched_forgivingly(header: str, column: str) -> None:
    report = _read(f"{header},phone_number_extra\nx,y\n")
    assert report.columns.get(column) == header.strip()


def test_a_sheet_without_a_phone_column_says_which_to_add() -> None:
    report = _read("Name,Email\nAna,ana@example.org\n")
    assert report.ready == [] and report.summary() == "nothing to import"
    assert "no phone column" in report.lines()[0]


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ("Narnia,en,,", "zone 'Narnia' is not one of the group's zones (02145, 02143)"),
        ("02145,Klingon,,", "language 'Klingon' not known"),
        ("02145,en,whenever,", "availability not understood: 'whenever' is not a day or an hour"),
        ("02145,en,,maybe", "on call 'maybe': write yes or no"),
    ],
)
def test_each_problem_names_its_row(cells: str, problem: str) -> None:
    report = _read(f"Phone,Zones,Languages,Availability,On call\n617 555 0101,{cells}\n")
    assert report.ready == []
    assert report.lines()[0].startswith(f"row 2: {problem}")


def test_a_number_from_another_country_needs_its_plus_and_the_region_reads_local_ones() -> None:
    text = "Phone\n0612345678\n+33 6 12 34 56 78\n"
    us = read_roster(text.encode(), region="US")
    assert us.lines() == ["row 2: phone number not valid for US"]
    france = read_roster(text.encode(), region="FR")
    assert france.lines() == ["row 3: duplicate of row 2"]
    assert [r.phone_number for r in france.ready] == ["+33612345678"]


def test_windows_spreadsheets_semicolons_and_accents() -> None:
    data = "Nom;Téléphone;Langues;Disponibilité\r\nHélène;617 555 0101;Français;sam 9h-12h\r\n"
    report = read_roster(data.encode("cp1252"), region="US", zones=ZONES)
    [row] = report.ready
    assert (row.name, row.languages, row.availability) == ("Hélène", ("fr",), "sat 9-12")
    utf16 = read_roster(data.encode("utf-16"), region="US", zones=ZONES)
    assert utf16.ready == report.ready


def test_first_and_last_name_columns_make_one_name() -> None:
    [row] = _read("First name,Last name,Mobile\nAna,Lopez,6175550101\n").ready
    assert row.name == "Ana Lopez"


def test_a_column_the_sheet_lacks_is_left_alone_and_an_empty_cell_clears() -> None:
    [row] = _read("Phone,Skills\n6175550101,\n").ready
    assert row.skills == () and row.zones is None and row.availability is None


def test_written_sheets_read_back_to_the_same_rows() -> None:
    rows = [
        VolunteerRow(2, "+16175550101", "Ana Lopez", ("02145",), ("medical",), ("es", "en"),
                     "mon-fri 18-22", True),
        VolunteerRow(3, "+33612345678", "=cmd()", (), (), ("fr",), "", False),
    ]  # fmt: skip
    text = write_roster(rows, "US")
    assert text.splitlines()[0] == "Name,Phone,Zones,Skills,Languages,Availability,On call"
    assert "(617) 555-0101" in text and "'+33 6 12 34 56 78" in text
    assert "'=cmd()" in text  # a formula is text in the dispatcher's spreadsheet
    assert read_roster(text.encode(), region="US", zones=ZONES).ready == rows


def test_numbers_are_written_the_way_the_group_writes_them() -> None:
    assert display_number("+16175550101", "US") == "(617) 555-0101"
    assert display_number("+50928120000", "US") == "+509 28 12 0000"


def test_any_table_becomes_plain_cells() -> None:
    text = write_table(["Code", "Needs", "People", "Words"], [["4821", ["water", "food"], None,
                       "-1 or =HYPERLINK()"]])  # fmt: skip
    assert text == "Code,Needs,People,Words\r\n4821,water; food,,'-1 or =HYPERLINK()\r\n"


@given(st.binary(max_size=2000))
def test_any_bytes_give_a_report(data: bytes) -> None:
    report = read_roster(data, region="US", zones=ZONES)
    assert isinstance(report.summary(), str)
    assert all(line.startswith("row ") for line in report.lines()[len(report.file_problems) :])


_CELL = st.text(alphabet=st.characters(codec="utf-8"), max_size=20)


@given(st.lists(st.lists(_CELL, max_size=8), max_size=10))
def test_any_sheet_with_a_phone_column_gives_a_report(cells: list[list[str]]) -> None:
    text = write_table(["Phone", "Name", "Zones", "Languages", "Availability", "On call"], cells)
    report = read_roster(text.encode(), region="US", zones=ZONES)
    assert len(report.ready) <= len(cells)
    for row in report.ready:
        assert row.phone_number.startswith("+1")
