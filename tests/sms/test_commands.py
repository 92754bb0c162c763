"""The SMS command grammar, row by row: what people type and what it means."""

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.sms.commands import (
    COMMAND_WORDS,
    COMPLIANCE_WORDS,
    Command,
    Verb,
    compliance_keyword,
    parse_command,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sms.md"

# (what the sender typed, expected verb, code, arg, word)
Row = tuple[str, Verb, str | None, str | None, str]

COMPLIANCE_ROWS: list[Row] = [
    ("STOP", Verb.STOP, None, None, "STOP"),
    ("stop", Verb.STOP, None, None, "STOP"),
    ("Stop.", Verb.STOP, None, None, "STOP"),
    ("  STOP!!  ", Verb.STOP, None, None, "STOP"),
    ('"stop"', Verb.STOP, None, None, "STOP"),
    ("StopAll", Verb.STOP, None, None, "STOPALL"),
    ("stop all", Verb.STOP, None, None, "STOP ALL"),
    ("UNSUBSCRIBE", Verb.STOP, None, None, "UNSUBSCRIBE"),
    ("cancel", Verb.STOP, None, None, "CANCEL"),
    ("Cancel.", Verb.STOP, None, None, "CANCEL"),
    ("END", Verb.STOP, None, None, "END"),
    ("quit", Verb.STOP, None, None, "QUIT"),
    ("Revoke", Verb.STOP, None, None, "REVOKE"),
    ("optout", Verb.STOP, None, None, "OPTOUT"),
    ("opt-out", Verb.STOP, None, None, "OPT OUT"),
    # Clear opt-outs in each language, as the whole message (the hotline confirms these).
    ("stop texting me", Verb.STOP, None, None, "STOP TEXTING ME"),
    ("Stop texting!", Verb.STOP, None, None, "STOP TEXTING"),
    ("stop text me", Verb.STOP, None, None, "STOP TEXT ME"),
    ("Stop messaging me.", Verb.STOP, None, None, "STOP MESSAGING ME"),
    ("stop sending me texts", Verb.STOP, None, None, "STOP SENDING ME TEXTS"),
    ("stop sending texts", Verb.STOP, None, None, "STOP SENDING TEXTS"),
    ("unsubscribe me", Verb.STOP, None, None, "UNSUBSCRIBE ME"),
    ("No more texts", Verb.STOP, None, None, "NO MORE TEXTS"),
    ("PARE", Verb.STOP, None, None, "PARE"),
    ("parar", Verb.STOP, None, None, "PARAR"),
    ("¡Basta!", Verb.STOP, None, None, "BASTA"),
    ("baja", Verb.STOP, None, None, "BAJA"),
    ("No más mensajes", Verb.STOP, None, None, "NO MAS MENSAJES"),
    ("no me escriban más", Verb.STOP, None, None, "NO ME ESCRIBAN MAS"),
    ("ARRÊT", Verb.STOP, None, None, "ARRET"),
    ("arret", Verb.STOP, None, None, "ARRET"),
    ("Arrêter", Verb.STOP, None, None, "ARRETER"),
    ("arrêtez", Verb.STOP, None, None, "ARRETEZ"),
    ("stop SMS", Verb.STOP, None, None, "STOP SMS"),
    ("désabonner", Verb.STOP, None, None, "DESABONNER"),
    ("Désinscrire", Verb.STOP, None, None, "DESINSCRIRE"),
    ("plus de SMS", Verb.STOP, None, None, "PLUS DE SMS"),
    ("SISPANN", Verb.STOP, None, None, "SISPANN"),
    ("sispann voye mesaj", Verb.STOP, None, None, "SISPANN VOYE MESAJ"),
    ("pa voye mesaj ankò", Verb.STOP, None, None, "PA VOYE MESAJ ANKO"),
    ("START", Verb.START, None, None, "START"),
    ("start!", Verb.START, None, None, "START"),
    ("unstop", Verb.START, None, None, "UNSTOP"),
    ("HELP", Verb.HELP, None, None, "HELP"),
    ("help?", Verb.HELP, None, None, "HELP"),
    ("Info", Verb.HELP, None, None, "INFO"),
]

NOT_COMPLIANCE = [
    "please don't stop helping us",
    "stop texting me the wrong address, we are at 12 Elm",
    "basta de lluvia, necesitamos agua",
    "pare de llover por favor, necesitamos agua",
    "l'eau ne s'arrête pas, nous avons besoin d'aide",
    "sispann voye dlo sal, nou bezwen dlo pwòp",
    "arrêt de bus inondé, besoin d'eau",
    "stop sending me the wrong address",
    "CANCEL 4821",
    "cancel #4821",
    "STOP 4821",
    "help my mother fell",
    "we need help",
    "the end of the road",
    "",
    "   ",
    "?!",
    "STOPP",
    "YES",
]


@pytest.mark.parametrize(("body", "verb", "code", "arg", "word"), COMPLIANCE_ROWS)
def test_compliance_keyword(
    body: str, verb: Verb, code: str | None, arg: str | None, word: str
) -> None:
    assert compliance_keyword(body) == Command(verb, code, arg, word)
    # The carrier words are never also parsed as something else.
    assert parse_command(body) is None


@pytest.mark.parametrize("body", NOT_COMPLIANCE)
def test_not_compliance(body: str) -> None:
    assert compliance_keyword(body) is None


COMMAND_ROWS: list[Row] = [
    # YES and its synonyms and misspellings, in four languages
    ("YES", Verb.YES, None, None, "YES"),
    ("yes", Verb.YES, None, None, "YES"),
    ("yes!", Verb.YES, None, None, "YES"),
    (" Yes 4821. ", Verb.YES, "4821", None, "YES"),
    ("YES #4821", Verb.YES, "4821", None, "YES"),
    ("yes # 4821", Verb.YES, "4821", None, "YES"),
    ("yes4821", Verb.YES, "4821", None, "YES"),
    ("YES,4821", Verb.YES, "4821", None, "YES"),
    ("yes 123", Verb.YES, "123", None, "YES"),
    ("yes 12345678", Verb.YES, "12345678", None, "YES"),
    ("yes 0042", Verb.YES, "0042", None, "YES"),
    ("Y", Verb.YES, None, None, "Y"),
    ("y 4821", Verb.YES, "4821", None, "Y"),
    ("ys", Verb.YES, None, None, "YS"),
    ("yse", Verb.YES, None, None, "YSE"),
    ("Yess", Verb.YES, None, None, "YESS"),
    ("yea", Verb.YES, None, None, "YEA"),
    ("Yeah!!", Verb.YES, None, None, "YEAH"),
    ("yep 4821", Verb.YES, "4821", None, "YEP"),
    ("si", Verb.YES, None, None, "SI"),
    ("Sí", Verb.YES, None, None, "SI"),
    ("¡SÍ! 4821", Verb.YES, "4821", None, "SI"),
    ("Sí, #4821", Verb.YES, "4821", None, "SI"),
    ("oui", Verb.YES, None, None, "OUI"),
    ("Oui 4821", Verb.YES, "4821", None, "OUI"),
    ("wi", Verb.YES, None, None, "WI"),
    ("Wi 4821", Verb.YES, "4821", None, "WI"),
    ("wii", Verb.YES, None, None, "WII"),
    ("wy", Verb.YES, None, None, "WY"),
    ("YES ٤٨٢١", Verb.YES, "4821", None, "YES"),  # Arabic-Indic digits
    ("YES ４８２１", Verb.YES, "4821", None, "YES"),  # noqa: RUF001 - full-width digits on purpose
    # NO
    ("NO", Verb.NO, None, None, "NO"),
    ("no.", Verb.NO, None, None, "NO"),
    ("No 4821", Verb.NO, "4821", None, "NO"),
    ("n", Verb.NO, None, None, "N"),
    ("nope", Verb.NO, None, None, "NOPE"),
    ("Non", Verb.NO, None, None, "NON"),
    ("non #4821", Verb.NO, "4821", None, "NON"),
    # DONE
    ("DONE", Verb.DONE, None, None, "DONE"),
    ("done 4821", Verb.DONE, "4821", None, "DONE"),
    ("Done #4821!", Verb.DONE, "4821", None, "DONE"),
    ("dun 4821", Verb.DONE, "4821", None, "DUN"),
    ("dnoe 4821", Verb.DONE, "4821", None, "DNOE"),
    ("Listo 4821", Verb.DONE, "4821", None, "LISTO"),
    ("hecho", Verb.DONE, None, None, "HECHO"),
    ("terminado 4821", Verb.DONE, "4821", None, "TERMINADO"),
    ("fini 4821", Verb.DONE, "4821", None, "FINI"),
    ("Terminé 4821", Verb.DONE, "4821", None, "TERMINE"),
    ("termine", Verb.DONE, None, None, "TERMINE"),
    ("Fèt 4821", Verb.DONE, "4821", None, "FET"),
    ("fet", Verb.DONE, None, None, "FET"),
    # ON / OFF
    ("ON", Verb.ON, None, None, "ON"),
    ("on!", Verb.ON, None, None, "ON"),
    ("Disponible", Verb.ON, None, None, "DISPONIBLE"),
    ("disponib", Verb.ON, None, None, "DISPONIB"),
    ("OFF", Verb.OFF, None, None, "OFF"),
    ("off.", Verb.OFF, None, None, "OFF"),
    ("No disponible", Verb.OFF, None, None, "NO DISPONIBLE"),
    ("pa disponib", Verb.OFF, None, None, "PA DISPONIB"),
    # MINE
    ("MINE", Verb.MINE, None, None, "MINE"),
    ("mine?", Verb.MINE, None, None, "MINE"),
    ("Mío", Verb.MINE, None, None, "MIO"),
    ("mios", Verb.MINE, None, None, "MIOS"),
    ("Míos", Verb.MINE, None, None, "MIOS"),
    ("mwen", Verb.MINE, None, None, "MWEN"),
    # RELEASE
    ("RELEASE 4821", Verb.RELEASE, "4821", None, "RELEASE"),
    ("release", Verb.RELEASE, None, None, "RELEASE"),
    ("relase 4821", Verb.RELEASE, "4821", None, "RELASE"),
    ("relese 4821", Verb.RELEASE, "4821", None, "RELESE"),
    ("Liberar 4821", Verb.RELEASE, "4821", None, "LIBERAR"),
    ("Libérer #4821", Verb.RELEASE, "4821", None, "LIBERER"),
    ("lage 4821", Verb.RELEASE, "4821", None, "LAGE"),
    # NEED (free text required)
    ("NEED water for 3", Verb.NEED, None, "water for 3", "NEED"),
    ("need: insulin, fridge broken!", Verb.NEED, None, "insulin, fridge broken!", "NEED"),
    ("Necesito agua   en la calle 5", Verb.NEED, None, "agua en la calle 5", "NECESITO"),
    ("besoin de pain", Verb.NEED, None, "de pain", "BESOIN"),
    ("Bezwen dlo pou 4 moun", Verb.NEED, None, "dlo pou 4 moun", "BEZWEN"),
    # OFFER (free text required)
    ("OFFER a truck and 2 hands", Verb.OFFER, None, "a truck and 2 hands", "OFFER"),
    ("offer - hot meals, 20 a day", Verb.OFFER, None, "hot meals, 20 a day", "OFFER"),
    ("ofer rides", Verb.OFFER, None, "rides", "OFER"),
    ("Ofrezco mi camioneta", Verb.OFFER, None, "mi camioneta", "OFREZCO"),
    ("offre un générateur", Verb.OFFER, None, "un générateur", "OFFRE"),
    ("Ofri manje cho", Verb.OFFER, None, "manje cho", "OFRI"),
    # STATUS
    ("STATUS", Verb.STATUS, None, None, "STATUS"),
    ("status?", Verb.STATUS, None, None, "STATUS"),
    ("status 4821", Verb.STATUS, "4821", None, "STATUS"),
    ("Estado", Verb.STATUS, None, None, "ESTADO"),
    ("statut", Verb.STATUS, None, None, "STATUT"),
    ("estati", Verb.STATUS, None, None, "ESTATI"),
    ("Ki nouvèl?", Verb.STATUS, None, None, "KI NOUVEL"),
    ("ki nouvel", Verb.STATUS, None, None, "KI NOUVEL"),
    # CANCEL with a code (bare CANCEL is the carrier opt-out word)
    ("CANCEL 4821", Verb.CANCEL, "4821", None, "CANCEL"),
    ("cancel #4821.", Verb.CANCEL, "4821", None, "CANCEL"),
    ("Cancel4821", Verb.CANCEL, "4821", None, "CANCEL"),
    ("CANCELAR 4821", Verb.CANCEL, "4821", None, "CANCELAR"),
    ("cancelar", Verb.CANCEL, None, None, "CANCELAR"),
    ("Annuler 4821", Verb.CANCEL, "4821", None, "ANNULER"),
    ("annuler", Verb.CANCEL, None, None, "ANNULER"),
    ("Anile 4821", Verb.CANCEL, "4821", None, "ANILE"),
    ("anile", Verb.CANCEL, None, None, "ANILE"),
    # Dispatcher: Q, SHOW, ASSIGN, CLOSE
    ("Q", Verb.Q, None, None, "Q"),
    ("q?", Verb.Q, None, None, "Q"),
    ("queue", Verb.Q, None, None, "QUEUE"),
    ("Cola", Verb.Q, None, None, "COLA"),
    ("SHOW 4821", Verb.SHOW, "4821", None, "SHOW"),
    ("show", Verb.SHOW, None, None, "SHOW"),
    ("ver #4821", Verb.SHOW, "4821", None, "VER"),
    ("montre 4821", Verb.SHOW, "4821", None, "MONTRE"),
    ("ASSIGN 4821 Ana", Verb.ASSIGN, "4821", "Ana", "ASSIGN"),
    ("assign #4821 María José", Verb.ASSIGN, "4821", "María José", "ASSIGN"),
    ("ASSIGN 4821 +1 (555) 010-2233", Verb.ASSIGN, "4821", "+1 (555) 010-2233", "ASSIGN"),
    ("Asignar 4821   Jean   Baptiste ", Verb.ASSIGN, "4821", "Jean Baptiste", "ASIGNAR"),
    ("assigner 4821 Lucie", Verb.ASSIGN, "4821", "Lucie", "ASSIGNER"),
    ("CLOSE 4821", Verb.CLOSE, "4821", None, "CLOSE"),
    ("close", Verb.CLOSE, None, None, "CLOSE"),
    ("Cerrar 4821", Verb.CLOSE, "4821", None, "CERRAR"),
    ("fermer 4821", Verb.CLOSE, "4821", None, "FERMER"),
    ("femen 4821", Verb.CLOSE, "4821", None, "FEMEN"),
    # LANG
    ("English", Verb.LANG, None, "en", "ENGLISH"),
    ("inglés", Verb.LANG, None, "en", "INGLES"),
    ("anglais", Verb.LANG, None, "en", "ANGLAIS"),
    ("Anglè", Verb.LANG, None, "en", "ANGLE"),
    ("Español", Verb.LANG, None, "es", "ESPANOL"),
    ("espanol", Verb.LANG, None, "es", "ESPANOL"),
    ("SPANISH", Verb.LANG, None, "es", "SPANISH"),
    ("espagnol", Verb.LANG, None, "es", "ESPAGNOL"),
    ("panyòl", Verb.LANG, None, "es", "PANYOL"),
    ("Français", Verb.LANG, None, "fr", "FRANCAIS"),
    ("francais", Verb.LANG, None, "fr", "FRANCAIS"),
    ("French", Verb.LANG, None, "fr", "FRENCH"),
    ("francés", Verb.LANG, None, "fr", "FRANCES"),
    ("franse", Verb.LANG, None, "fr", "FRANSE"),
    ("Kreyòl", Verb.LANG, None, "ht", "KREYOL"),
    ("kreyol", Verb.LANG, None, "ht", "KREYOL"),
    ("Kreyòl ayisyen", Verb.LANG, None, "ht", "KREYOL AYISYEN"),
    ("creole", Verb.LANG, None, "ht", "CREOLE"),
    ("Créole", Verb.LANG, None, "ht", "CREOLE"),
    ("LANG es", Verb.LANG, None, "es", "LANG"),
    ("lang PT", Verb.LANG, None, "pt", "LANG"),
    ("idioma en", Verb.LANG, None, "en", "IDIOMA"),
    ("langue fr", Verb.LANG, None, "fr", "LANGUE"),
]


@pytest.mark.parametrize(("body", "verb", "code", "arg", "word"), COMMAND_ROWS)
def test_parse_command(body: str, verb: Verb, code: str | None, arg: str | None, word: str) -> None:
    assert parse_command(body) == Command(verb, code, arg, word)
    assert compliance_keyword(body) is None


NOT_COMMANDS = [
    # A command word inside a sentence is free text.
    "yes we need water",
    "Yes please, 3 people at 12 Oak St",
    "no water since monday",
    "No, we are at the church",
    "I am done with this",
    "done with the water, need food now",
    "si necesitamos agua",
    "Oui j'ai besoin d'aide",
    "wi nou bezwen dlo",
    "on the roof with 2 kids",
    "off Route 9 near the bridge",
    "mine is the blue house",
    "status of my request please",
    "show me where",
    "close to the school",
    "Q street 14",
    "English speaker here, need insulin",
    # Missing or malformed arguments.
    "NEED",
    "need!",
    "OFFER",
    "ofrezco",
    "ASSIGN",
    "ASSIGN 4821",
    "ASSIGN Ana",
    "LANG",
    "LANG spanish please",
    "LANG e",
    "LANG eng",
    # Codes must be 3 to 8 digits, and only one.
    "YES 12",
    "YES 123456789",
    "YES 48.21",
    "YES 4821 4822",
    "DONE 4821 thanks",
    "CANCEL ABCD",
    "RELEASE four",
    # Verbs that take nothing refuse a code.
    "ON 4821",
    "MINE 4821",
    "Q 4821",
    "English 4821",
    # Not our words at all.
    "OK",
    "ok 4821",
    "okay",
    "thanks",
    "4821",
    "#4821",
    "",
    "   ",
    "!!!",
    "👍",
    "Y'all ok?",
    "yesterday",
    "nothing",
    "STOP 4821",
    "HELP 4821",
]


@pytest.mark.parametrize("body", NOT_COMMANDS)
def test_not_a_command(body: str) -> None:
    assert parse_command(body) is None


def test_verb_values_are_lowercase_names() -> None:
    assert all(verb.value == verb.name.lower() for verb in Verb)


def test_every_keyword_has_a_row() -> None:
    """Adding a synonym to the table without a test row for it is a mistake."""
    tested = {row[4] for row in COMMAND_ROWS} | {row[4] for row in COMPLIANCE_ROWS}
    assert set(COMMAND_WORDS) - tested == set()
    assert set(COMPLIANCE_WORDS) - tested == set()


def test_keywords_are_folded() -> None:
    """Table entries must look like folded input, or they can never match."""
    for word in (*COMMAND_WORDS, *COMPLIANCE_WORDS):
        assert word == " ".join(word.split())
        assert word.isascii()
        assert word == word.upper()


def test_no_keyword_is_both_compliance_and_command_alone() -> None:
    # CANCEL is in both tables on purpose: alone it is an opt-out, with a code it is ours.
    assert set(COMMAND_WORDS) & set(COMPLIANCE_WORDS) == {"CANCEL"}


def test_every_keyword_is_documented() -> None:
    """docs/sms.md is what operators hand out: every word the grammar accepts is in it."""
    text = unicodedata.normalize("NFKD", DOCS.read_text(encoding="utf-8").upper())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = (*COMMAND_WORDS, *COMPLIANCE_WORDS)
    missing = {w for w in words if not re.search(f"`{re.escape(w)}[` ]", text)}
    assert missing == set()


STOP_WORDS = sorted(w for w, verb in COMPLIANCE_WORDS.items() if verb is Verb.STOP)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_any_string_parses_without_crashing(body: str) -> None:
    found = compliance_keyword(body)
    assert found is None or found.word in COMPLIANCE_WORDS
    parse_command(body)


@settings(max_examples=300, deadline=None)
@given(
    word=st.sampled_from(STOP_WORDS),
    before=st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12),
    after=st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=12),
)
def test_a_sentence_around_an_opt_out_word_is_not_an_opt_out(
    word: str, before: str, after: str
) -> None:
    # Words typed before or after make it a sentence: kept as an ordinary message.
    assert compliance_keyword(f"{before} {word.lower()} {after}") is None
