"""GSM-7 detection, segment counting, transliteration and clipping."""

import pytest

from hotline.sms.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    TRANSLITERATE_LANGUAGES,
    clip,
    is_gsm7,
    segment_count,
    to_gsm7,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("Need water at 12 Oak St.", True),
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", True),
        ("line one\nline two\r", True),
        ("{}[]~^|\\€", True),  # extension table
        ("¡Hola! ¿Dónde?", False),  # ó is not GSM-7
        ("Donde esta? ¡Hola!", True),
        ("ç", False),  # only the capital Ç is in the basic set
        ("Ç", True),
        ("Kreyòl: Mèsi anpil", True),
        ("“quoted”", False),
        ("…", False),
        ("en–dash", False),  # noqa: RUF001 - look-alikes are the point
        ("water 💧", False),
        ("水", False),
        ("\x1b", False),  # ESC alone is not a character anyone can send
        ("\t", False),
    ],
)
def test_is_gsm7(text: str, expected: bool) -> None:
    assert is_gsm7(text) is expected


def test_alphabet_sizes() -> None:
    # 128 code points minus ESC; the extension table has 10 sendable characters.
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 1),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("€" * 80, 1),  # 160 septets
        ("€" + "a" * 159, 2),  # 161 septets
        ("a" * 158 + "[", 1),
        ("a" * 159 + "[", 2),
        # An escape pair is never split across parts: 152 + 2 does not fit in 153.
        ("a" * 152 + "{" + "a" * 152, 3),
        ("a" * 151 + "{" + "a" * 153, 2),
        ("é" * 160, 1),
        # UCS-2: one character forces the whole message down to 70 / 67.
        ("ó" * 70, 1),
        ("ó" * 71, 2),
        ("ó" * 134, 2),
        ("ó" * 135, 3),
        ("a" * 69 + "💧", 2),  # the emoji is two UTF-16 code units: 71
        ("a" * 68 + "💧", 1),
        ("💧" * 35, 1),
        ("💧" * 36, 2),
        ("a" * 66 + "💧" + "a" * 66, 3),  # the surrogate pair is never split
    ],
)
def test_segment_count(text: str, segments: int) -> None:
    assert segment_count(text) == segments


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("¿Dónde está? Necesito agua", "es", "¿Donde esta? Necesito agua"),
        ("María José Güemes", "es", "Maria José Güemes"),  # é and ü are GSM-7: kept
        ("Ahí, aquí, allá: ú í á", "es", "Ahi, aqui, alla: u i a"),
        ("¡Sí!", "es", "¡Si!"),
        ("ÁÍÓÚ", "es", "AIOU"),
        ("Ñandú", "es", "Ñandu"),
        ("fenêtre, garçon, Ça va, où", "fr", "fenetre, garcon, Ça va, où"),
        ("île, hôpital, cœur, Noël", "fr", "ile, hopital, coeur, Noel"),
        ("« Merci »", "fr", '" Merci "'),
        ("Kreyòl: mèsi, kounye a, Pòtoprens", "ht", "Kreyòl: mèsi, kounye a, Pòtoprens"),
        ("Rue Lamartinière", "ht", "Rue Lamartinière"),
        ("Pétion-Ville — Route de Frères", "ht", "Pétion-Ville - Route de Frères"),
        ("“It’s here” – OK…", "en", '"It\'s here" - OK...'),  # noqa: RUF001
        ("café\u00a0bar", "en", "café bar"),
        # Emoji are dropped: one would turn the SMS into UCS-2 that basic phones show as boxes.
        ("water 💧 please", "en", "water  please"),
        ("ok 👍🏽", "en", "ok "),  # with its skin tone
        ("❤️ mèsi", "ht", " mèsi"),  # with its variation selector
        ("👨\u200d👩\u200d👧 5 moun", "ht", " 5 moun"),  # a family glued by joiners
        # Letters of another script carry a name or a word: kept, and the SMS goes as UCS-2.
        ("Ahmed أحمد", "en", "Ahmed أحمد"),
        ("São Paulo", "pt", "Sao Paulo"),
        ("¿Dónde está?", "es-MX", "¿Donde esta?"),
        ("¿Dónde está?", "ES", "¿Donde esta?"),
        # Languages outside TRANSLITERATE_LANGUAGES are never touched.
        ("Привет “мир”", "ru", "Привет “мир”"),
        ("Tiếng Việt", "vi", "Tiếng Việt"),
        ("¿Dónde está?", "xx", "¿Dónde está?"),
    ],
)
def test_to_gsm7(text: str, language: str, expected: str) -> None:
    assert to_gsm7(text, language) == expected


@pytest.mark.parametrize("language", sorted(TRANSLITERATE_LANGUAGES))
def test_to_gsm7_latin_text_becomes_gsm7(language: str) -> None:
    text = "àáâãäåèéêëìíîïòóôõöùúûüçÇñÑÁÉÍÓÚÂÊÎÔÛœ’“”–—…«»"  # noqa: RUF001
    assert is_gsm7(to_gsm7(text, language))


def test_required_languages_transliterate() -> None:
    assert {"en", "es", "fr", "ht"} <= TRANSLITERATE_LANGUAGES


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        ("Ana", 20, "Ana"),
        ("", 20, ""),
        ("  two\n\nlines\t here  ", 40, "two lines here"),
        ("exactly twenty chars", 20, "exactly twenty chars"),
        ("María José Güemes de la Fuente", 20, "María José Güemes..."),
        ("water for six people and insulin that needs a fridge", 30, "water for six people and..."),
        ("Supercalifragilisticexpialidocious", 12, "Supercali..."),
        ("one verylongwordthatgoeson", 20, "one verylongwordt..."),
        ("abcdef", 3, "abc"),
        ("Rue, with, commas, everywhere", 20, "Rue, with, commas..."),
    ],
)
def test_clip(text: str, max_chars: int, expected: str) -> None:
    assert clip(text, max_chars) == expected
    assert len(clip(text, max_chars)) <= max_chars
