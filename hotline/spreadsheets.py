"""Volunteer spreadsheets as plain values: reading a group's CSV into checked rows, and
writing CSV with headers a spreadsheet user understands. No database here."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from hotline.availability import AvailabilityError, format_weekly, parse_weekly
from hotline.phones import InvalidNumber, normalise

# What each column is called on export, and the headers read as it on import (folded: lower
# case, accents and everything but letters and digits dropped).
HEADERS = {
    "name": "Name",
    "phone": "Phone",
    "zones": "Zones",
    "skills": "Skills",
    "languages": "Languages",
    "availability": "Availability",
    "on_call": "On call",
}
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "volunteer", "volunteername", "nombre", "nom", "non"),
    "first_name": ("firstname", "givenname", "first", "prenom", "primernombre"),
    "last_name": ("lastname", "surname", "familyname", "last", "apellido", "apellidos"),
    "phone": (
        "phone",
        "phonenumber",
        "phoneno",
        "mobile",
        "mobilenumber",
        "mobilephone",
        "cell",
        "cellphone",
        "cellnumber",
        "number",
        "telephone",
        "tel",
        "sms",
        "textnumber",
        "telefono",
        "celular",
        "numero",
        "portable",
        "telefon",
        "nimewo",
    ),
    "zones": (
        "zones",
        "zone",
        "zip",
        "zips",
        "zipcode",
        "zipcodes",
        "postcode",
        "area",
        "areas",
        "neighborhood",
        "neighbourhood",
        "neighborhoods",
        "zona",
        "zonas",
        "quartier",
        "katye",
    ),
    "skills": (
        "skills",
        "skill",
        "cando",
        "canhelpwith",
        "whattheycando",
        "habilidades",
        "competences",
        "konpetans",
    ),
    "languages": (
        "languages",
        "language",
        "languagesspoken",
        "spokenlanguages",
        "speaks",
        "idiomas",
        "idioma",
        "langues",
        "langue",
        "lang",
        "lang",
    ),
    "availability": (
        "availability",
        "available",
        "hours",
        "schedule",
        "shifts",
        "shift",
        "when",
        "disponibilidad",
        "disponibilite",
        "disponiblite",
    ),
    "on_call": ("oncall", "oncallnow", "active", "deguardia", "dastreinte", "disponibkounyea"),
}
_COLUMN_OF = {word: column for column, words in _SYNONYMS.items() for word in words}
_LANGUAGES = {
    **dict.fromkeys(["en", "eng", "english", "ingles", "anglais", "angle"], "en"),
    **dict.fromkeys(["es", "spa", "spanish", "espanol", "espagnol", "panyol"], "es"),
    **dict.fromkeys(["fr", "fra", "french", "francais", "frances", "franse"], "fr"),
    **dict.fromkeys(
        ["ht", "hat", "haitian", "haitiancreole", "creole", "kreyol", "kreyolayisyen"], "ht"
    ),
    **dict.fromkeys(["creolehaitien", "criollo", "criollohaitiano"], "ht"),
    **dict.fromkeys(["pt", "portuguese", "portugues"], "pt"),
    **dict.fromkeys(["zh", "chinese", "mandarin", "cantonese"], "zh"),
    **dict.fromkeys(["ar", "arabic"], "ar"),
    **dict.fromkeys(["vi", "vietnamese"], "vi"),
    **dict.fromkeys(["ru", "russian"], "ru"),
}
_YES = frozenset({"yes", "y", "true", "1", "on", "x", "si", "oui", "wi"})
_NO = frozenset({"no", "n", "false", "0", "off", "non", "", "-"})
_SPLIT = re.compile(r"[;,/|\n]+")
_CODE = re.compile(r"[a-z]{2,3}")
# More bytes than any group's roster; past this a file is refused, not read.
MAX_BYTES = 5_000_000


def fold(text: str) -> str:
    """Lower case without accents, keeping only letters and digits: how headers are matched."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


@dataclass(frozen=True)
class VolunteerRow:
    """One checked spreadsheet row; a field is None when the sheet has no such column (so an
    import leaves what the database holds), and empty when the cell is empty."""

    line: int
    phone_number: str
    name: str | None = None
    zones: tuple[str, ...] | None = None
    skills: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    availability: str | None = None  # canonical text; "" means no weekly schedule
    on_call: bool | None = None


@dataclass
class RowReport:
    line: int
    row: VolunteerRow | None
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What an import would do: every row's verdict, and problems with the file itself."""

    rows: list[RowReport] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # ours -> the sheet's header

    @property
    def ready(self) -> list[VolunteerRow]:
        return [r.row for r in self.rows if r.row is not None]

    def lines(self) -> list[str]:
        """One line per problem, in sheet order: `row 14: phone number not valid for US`."""
        out = list(self.file_problems)
        for r in self.rows:
            out.extend(f"row {r.line}: {problem}" for problem in r.problems)
        return out

    def summary(self) -> str:
        skipped = sum(1 for r in self.rows if r.row is None)
        if self.file_problems and not self.rows:
            return "nothing to import"
        left_out = f", {skipped} with problems (left out)" if skipped else ""
        return f"{len(self.rows)} rows: {len(self.ready)} ready{left_out}"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Spreadsheets saved on Windows: every byte is some character in cp1252 or Latin-1.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _delimiter(text: str) -> str:
    """The header line's most frequent separator: a comma, or the semicolon of European
    spreadsheets, or a tab. (csv.Sniffer guesses quote characters from names like O'Brien.)"""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _map_headers(header: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    problems: list[str] = []
    for index, title in enumerate(header):
        column = _COLUMN_OF.get(fold(title))
        if column is None:
            continue
        if column in found:
            problems.append(f"columns {header[found[column]]!r} and {title!r} both mean {column}")
            continue
        found[column] = index
    return found, problems


def read_roster(data: bytes, *, region: str, zones: Sequence[Mapping[str, Any]] = ()) -> Report:
    """Check a volunteer spreadsheet (CSV bytes in any common encoding or separator).

    Never raises: whatever the bytes, the answer is a report, and a row with a problem is
    left out of `ready` with the reason.
    """
    report = Report()
    if len(data) > MAX_BYTES:
        report.file_problems.append(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
        return report
    text = _decode(data).replace("\x00", "")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        report.file_problems.append(f"not a readable CSV file ({exc})")
        return report
    if not records:
        report.file_problems.append("the file is empty")
        return report
    columns, problems = _map_headers(records[0])
    report.file_problems.extend(problems)
    report.columns = {c: records[0][i].strip() for c, i in columns.items()}
    if "phone" not in columns:
        report.file_problems.append(
            "no phone column: name one 'Phone' (or 'Phone number', 'Mobile', 'Cell')"
        )
        return report
    seen: dict[str, int] = {}
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines between blocks of a sheet
        row = _row(line, record, columns, region=region, zones=zones)
        if row.row is not None:
            first = seen.setdefault(row.row.phone_number, line)
            if first != line:
                row.problems.append(f"duplicate of row {first}")
                row.row = None
        report.rows.append(row)
    return report


def _row(
    line: int,
    record: Sequence[str],
    columns: Mapping[str, int],
    *,
    region: str,
    zones: Sequence[Mapping[str, Any]],
) -> RowReport:
    def cell(column: str) -> str | None:
        index = columns.get(column)
        if index is None:
            return None
        return record[index].strip() if index < len(record) else ""

    problems: list[str] = []
    phone = _phone(_unescaped(cell("phone")) or "", region, problems)
    name = _unescaped(cell("name"))
    if name is None and ("first_name" in columns or "last_name" in columns):
        name = " ".join(part for part in (cell("first_name"), cell("last_name")) if part)
    zone_cell, skill_cell, language_cell = cell("zones"), cell("skills"), cell("languages")
    availability_cell, on_call_cell = cell("availability"), cell("on_call")
    row = VolunteerRow(
        line=line,
        phone_number=phone or "",
        name=name[:80] if name is not None else None,
        zones=None if zone_cell is None else _zones(zone_cell, zones, problems),
        skills=None if skill_cell is None else _skills(skill_cell),
        languages=None if language_cell is None else _languages(language_cell, problems),
        availability=None
        if availability_cell is None
        else _availability(availability_cell, problems),
        on_call=None if on_call_cell is None else _yes_no(on_call_cell, problems),
    )
    return RowReport(line, None if problems or not phone else row, problems)


def _unescaped(text: str | None) -> str | None:
    # The quote that `write_roster` puts before a formula-like cell comes back off.
    if text and text[0] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _phone(raw: str, region: str, problems: list[str]) -> str | None:
    if not raw:
        problems.append("no phone number")
        return None
    try:
        return normalise(raw, region)
    except InvalidNumber:
        problems.append(f"phone number not valid for {region.upper()}")
        return None


def _items(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def _zones(text: str, zones: Sequence[Mapping[str, Any]], problems: list[str]) -> tuple[str, ...]:
    if not zones:
        return tuple(sorted(set(_items(text))))
    known: dict[str, str] = {}
    for zone in zones:
        name = str(zone.get("name", ""))
        for alias in [name, *(str(a) for a in zone.get("aliases", []))]:
            known[fold(alias)] = name
    chosen: set[str] = set()
    for item in _items(text):
        found = known.get(fold(item))
        if found is None:
            names = ", ".join(str(z.get("name", "")) for z in zones)
            problems.append(f"zone {item!r} is not one of the group's zones ({names})")
        else:
            chosen.add(found)
    return tuple(sorted(chosen))


def _skills(text: str) -> tuple[str, ...]:
    return tuple(sorted({item.lower() for item in _items(text)}))


def _languages(text: str, problems: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in _items(text):
        code = _LANGUAGES.get(fold(item))
        if code is None and _CODE.fullmatch(item.lower()):
            code = item.lower()
        if code is None:
            problems.append(f"language {item!r} not known: write a code like en, es, fr, ht")
        elif code not in out:
            out.append(code)  # order kept: the first is the one they are texted in
    return tuple(out)


def _availability(text: str, problems: list[str]) -> str:
    try:
        return format_weekly(parse_weekly(text))
    except AvailabilityError as exc:
        problems.append(f"availability not understood: {exc}")
        return ""


def _yes_no(text: str, problems: list[str]) -> bool:
    word = fold(text) if fold(text) else text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    problems.append(f"on call {text!r}: write yes or no")
    return False


# --- writing ------------------------------------------------------------------------------


def display_number(e164: str, region: str) -> str:
    """National format for the group's own country, international otherwise, so a sheet
    keeps it as text and an import reads it back to the same number."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    own = phonenumbers.region_code_for_number(parsed) == region.upper()
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if own
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(parsed, style))


def write_roster(rows: Iterable[VolunteerRow], region: str) -> str:
    """Volunteers as CSV text, one per row, the columns `read_roster` reads back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS.values())
    for row in rows:
        writer.writerow(
            [
                _cell_text(row.name),
                _cell_text(display_number(row.phone_number, region)),
                "; ".join(row.zones or ()),
                "; ".join(row.skills or ()),
                "; ".join(row.languages or ()),
                row.availability or "",
                "yes" if row.on_call else "no",
            ]
        )
    return out.getvalue()


def write_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Any table as CSV text; None is an empty cell, lists are joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_cell_text(value) for value in row])
    return out.getvalue()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    text = str(value)
    # A cell starting like a formula would run in the dispatcher's spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+(\.\d+)?", text))
