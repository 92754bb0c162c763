"""GSM-7 / UCS-2 detection, segment counting, look-alike transliteration and value clipping."""

from __future__ import annotations

import re
import unicodedata

# GSM 03.38 default alphabet. ESC (0x1B) is left out: it only introduces the extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each of these is sent as ESC + char, so it costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67

# Latin-script languages whose readers accept "a" for "á": stripping the accent keeps a
# message in GSM-7 (160 characters) instead of UCS-2 (70), at no cost to understanding.
TRANSLITERATE_LANGUAGES = frozenset({"en", "es", "fr", "ht", "pt", "it", "ca", "tl"})

# Look-alikes that accent stripping cannot find (punctuation, ligatures, spaces).
_LOOKALIKES: dict[str, str] = {
    "\u2018": "'",  # left single quote
    "\u2019": "'",  # right single quote / apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",  # acute accent used as an apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "«": '"',
    "»": '"',
    "\u2039": "'",
    "\u203a": "'",
    "\u2026": "...",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ",  # no-break space
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\t": " ",
    "\u2022": "*",
    "·": ".",
    "œ": "oe",
    "Œ": "OE",
    "º": "o",
    "ª": "a",
    "°": "o",
    "\u00d7": "x",  # multiplication sign
}

_WHITESPACE = re.compile(r"\s+")


def _septets(char: str) -> int:
    """Septets a character costs in GSM-7; 0 means it has no GSM-7 encoding."""
    if char in GSM7_BASIC:
        return 1
    if char in GSM7_EXTENSION:
        return 2
    return 0


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic set or its extension table."""
    return all(_septets(char) for char in text)


def _pack(costs: list[int], single: int, part: int) -> int:
    """Parts needed when a unit (an escape pair, a surrogate pair) is never split."""
    if sum(costs) <= single:
        return 1
    parts, used = 1, 0
    for cost in costs:
        if used + cost > part:
            parts, used = parts + 1, 0
        used += cost
    return parts


def segment_count(text: str) -> int:
    """SMS segments needed to send text; an empty text still takes one."""
    if is_gsm7(text):
        return _pack([_septets(char) for char in text], GSM7_SINGLE, GSM7_PART)
    # UCS-2 as carriers send it is UTF-16: characters outside the BMP take two code units.
    return _pack([2 if ord(char) > 0xFFFF else 1 for char in text], UCS2_SINGLE, UCS2_PART)


def _primary(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


# Emoji and pictographs (So), their skin tones (Sk), and the joiners and variation selectors
# that glue them together: they have no look-alike, and one of them alone would turn a
# 160-character SMS into 70-character UCS-2 parts that a basic phone shows as boxes.
_PICTOGRAPH_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn"})
_GLUE = frozenset({"\u200d", "\u20e3", *(chr(c) for c in range(0xFE00, 0xFE10))})


def _lookalike(char: str) -> str:
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    if char in _GLUE or unicodedata.category(char) in _PICTOGRAPH_CATEGORIES:
        return ""
    # "á" -> "a" + combining acute: keep the base letters if they are GSM-7 on their own.
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    if base and base != char and is_gsm7(base):
        return base
    return char


def to_gsm7(text: str, language: str) -> str:
    """Replace characters that would force UCS-2 with GSM-7 look-alikes, where the language
    allows, and drop emoji; letters with no look-alike are kept (the message then goes as
    UCS-2: a name in another script is worth the extra parts)."""
    if _primary(language) not in TRANSLITERATE_LANGUAGES:
        return text
    return "".join(char if _septets(char) else _lookalike(char) for char in text)


def clip(text: str, max_chars: int) -> str:
    """Collapse whitespace and shorten to at most max_chars, at a word boundary when one is
    near, ending with "..." when anything was cut."""
    flat = _WHITESPACE.sub(" ", text).strip()
    if len(flat) <= max_chars:
        return flat
    if max_chars <= 3:
        return flat[:max_chars]
    room = max_chars - 3
    head = flat[:room]
    if head[-1].isalnum() and flat[room].isalnum():
        # Mid-word: back up to a space if that keeps most of the text; a long word is cut hard.
        cut = head.rfind(" ")
        if cut >= room // 2:
            head = head[:cut]
    return head.rstrip(" ,;:.-") + "..."
