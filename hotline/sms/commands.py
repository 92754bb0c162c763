"""The SMS command grammar: keywords and their synonyms per language, parsed forgivingly."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from enum import Enum, StrEnum


class Verb(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    YES = "yes"
    NO = "no"
    DONE = "done"
    ON = "on"
    OFF = "off"
    MINE = "mine"
    RELEASE = "release"
    NEED = "need"
    OFFER = "offer"
    STATUS = "status"
    CANCEL = "cancel"
    Q = "q"
    SHOW = "show"
    ASSIGN = "assign"
    CLOSE = "close"
    LANG = "lang"


@dataclass(frozen=True)
class Command:
    verb: Verb
    code: str | None = None
    arg: str | None = None
    word: str = ""  # the keyword as typed: upper-cased, accents removed


class Takes(Enum):
    """What may follow a keyword for the message to still count as that command."""

    NOTHING = "nothing"
    CODE = "code"  # an optional request code
    TEXT = "text"  # free text, required
    CODE_TEXT = "code_text"  # a code, then free text; both required
    LANGUAGE = "language"  # a two-letter language code, required


# Carrier keywords. Twilio answers and unsubscribes these itself; the hotline must agree.
CARRIER_WORDS: dict[str, Verb] = {
    "STOP": Verb.STOP,
    "STOPALL": Verb.STOP,
    "STOP ALL": Verb.STOP,
    "UNSUBSCRIBE": Verb.STOP,
    "CANCEL": Verb.STOP,
    "END": Verb.STOP,
    "QUIT": Verb.STOP,
    "REVOKE": Verb.STOP,
    "OPTOUT": Verb.STOP,
    "OPT OUT": Verb.STOP,
    "START": Verb.START,
    "UNSTOP": Verb.START,
    "HELP": Verb.HELP,
    "INFO": Verb.HELP,
}

# Opt-outs people write in their own words or language, honoured only as the whole message
# ("please don't stop helping us" stays a need). Twilio does not know these, so it neither
# unsubscribes the number nor confirms: the hotline confirms them itself (LOCAL_STOP_WORDS).
LOCAL_STOP_WORDS: dict[str, str] = {  # the word -> the language it is written in
    **dict.fromkeys(
        [
            "STOP TEXTING ME",
            "STOP TEXTING",
            "STOP TEXT ME",
            "STOP MESSAGING ME",
            "STOP SENDING ME TEXTS",
            "STOP SENDING TEXTS",
            "UNSUBSCRIBE ME",
            "NO MORE TEXTS",
        ],
        "en",
    ),
    **dict.fromkeys(
        ["PARE", "PARAR", "BASTA", "BAJA", "NO MAS MENSAJES", "NO ME ESCRIBAN MAS"],
        "es",
    ),
    **dict.fromkeys(
        ["ARRET", "ARRETER", "ARRETEZ", "STOP SMS", "DESABONNER", "DESINSCRIRE", "PLUS DE SMS"],
        "fr",
    ),
    **dict.fromkeys(
        ["SISPANN", "SISPANN VOYE MESAJ", "PA VOYE MESAJ ANKO"],
        "ht",
    ),
}
COMPLIANCE_WORDS: dict[str, Verb] = {**CARRIER_WORDS, **dict.fromkeys(LOCAL_STOP_WORDS, Verb.STOP)}

# Every other keyword, as it looks after folding (upper case, no accents, single spaces).
# The third field is a fixed argument (a language switch) or None.
COMMAND_WORDS: dict[str, tuple[Verb, Takes, str | None]] = {
    **dict.fromkeys(
        ["YES", "Y", "YS", "YSE", "YESS", "YEA", "YEAH", "YEP", "SI", "OUI", "WI", "WII", "WY"],
        (Verb.YES, Takes.CODE, None),
    ),
    **dict.fromkeys(["NO", "N", "NOPE", "NON"], (Verb.NO, Takes.CODE, None)),
    **dict.fromkeys(
        ["DONE", "DUN", "DNOE", "LISTO", "HECHO", "TERMINADO", "FINI", "TERMINE", "FET"],
        (Verb.DONE, Takes.CODE, None),
    ),
    **dict.fromkeys(["ON", "DISPONIBLE", "DISPONIB"], (Verb.ON, Takes.NOTHING, None)),
    **dict.fromkeys(["OFF", "NO DISPONIBLE", "PA DISPONIB"], (Verb.OFF, Takes.NOTHING, None)),
    **dict.fromkeys(["MINE", "MIO", "MIOS", "MWEN"], (Verb.MINE, Takes.NOTHING, None)),
    **dict.fromkeys(
        ["RELEASE", "RELASE", "RELESE", "LIBERAR", "LIBERER", "LAGE"],
        (Verb.RELEASE, Takes.CODE, None),
    ),
    **dict.fromkeys(["NEED", "NECESITO", "BESOIN", "BEZWEN"], (Verb.NEED, Takes.TEXT, None)),
    **dict.fromkeys(["OFFER", "OFER", "OFREZCO", "OFFRE", "OFRI"], (Verb.OFFER, Takes.TEXT, None)),
    **dict.fromkeys(
        ["STATUS", "ESTADO", "STATUT", "ESTATI", "KI NOUVEL"], (Verb.STATUS, Takes.CODE, None)
    ),
    # Bare CANCEL is a carrier opt-out word (see COMPLIANCE_WORDS); with a code it is ours.
    **dict.fromkeys(["CANCEL", "CANCELAR", "ANNULER", "ANILE"], (Verb.CANCEL, Takes.CODE, None)),
    **dict.fromkeys(["Q", "QUEUE", "COLA"], (Verb.Q, Takes.NOTHING, None)),
    **dict.fromkeys(["SHOW", "VER", "MONTRE"], (Verb.SHOW, Takes.CODE, None)),
    **dict.fromkeys(["ASSIGN", "ASIGNAR", "ASSIGNER"], (Verb.ASSIGN, Takes.CODE_TEXT, None)),
    **dict.fromkeys(["CLOSE", "CERRAR", "FERMER", "FEMEN"], (Verb.CLOSE, Takes.CODE, None)),
    **dict.fromkeys(["LANG", "IDIOMA", "LANGUE"], (Verb.LANG, Takes.LANGUAGE, None)),
    **dict.fromkeys(["ENGLISH", "INGLES", "ANGLAIS", "ANGLE"], (Verb.LANG, Takes.NOTHING, "en")),
    **dict.fromkeys(["ESPANOL", "SPANISH", "ESPAGNOL", "PANYOL"], (Verb.LANG, Takes.NOTHING, "es")),
    **dict.fromkeys(["FRANCAIS", "FRENCH", "FRANCES", "FRANSE"], (Verb.LANG, Takes.NOTHING, "fr")),
    **dict.fromkeys(["KREYOL", "CREOLE", "KREYOL AYISYEN"], (Verb.LANG, Takes.NOTHING, "ht")),
}

_LONGEST_PHRASE = max(len(p.split()) for p in (*COMPLIANCE_WORDS, *COMMAND_WORDS))
_CODE = re.compile(r"[0-9]{3,8}")
_GLUED = re.compile(r"([A-Z]+)([0-9]{3,8})")  # "YES4821", typed without the space
_LANGUAGE_CODE = re.compile(r"[A-Z]{2}")
# Letters and digits of any script; everything else (punctuation, '#', emoji) separates words.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Token:
    folded: str
    end: int  # index in the original body just after this token


def _fold(word: str) -> str:
    """Upper case without accents; any script's decimal digits become ASCII digits."""
    out = []
    for char in unicodedata.normalize("NFKD", word):
        if unicodedata.combining(char):
            continue
        out.append(str(unicodedata.decimal(char)) if char.isdecimal() else char)
    return "".join(out).upper()


def _tokens(body: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(body):
        folded = _fold(match.group())
        glued = _GLUED.fullmatch(folded)
        if glued and glued.group(1) in COMMAND_WORDS:
            tokens.append(_Token(glued.group(1), match.end()))
            tokens.append(_Token(glued.group(2), match.end()))
        else:
            tokens.append(_Token(folded, match.end()))
    return tokens


def _keyword(tokens: list[_Token], table: Container[str]) -> int:
    """How many leading tokens form a keyword in table (longest first); 0 when none do."""
    for size in range(min(_LONGEST_PHRASE, len(tokens)), 0, -1):
        if _phrase(tokens[:size]) in table:
            return size
    return 0


def _phrase(tokens: list[_Token]) -> str:
    return " ".join(t.folded for t in tokens)


def _rest(body: str, after: _Token) -> str | None:
    """The original text after a token, trimmed; None when nothing is left."""
    text = " ".join(body[after.end :].split()).strip(" ,;:-")
    return text or None


def compliance_keyword(body: str) -> Command | None:
    """STOP / START / HELP and their carrier synonyms, only when they are the whole message."""
    tokens = _tokens(body)
    if tokens and _keyword(tokens, COMPLIANCE_WORDS) == len(tokens):
        word = _phrase(tokens)
        return Command(COMPLIANCE_WORDS[word], word=word)
    return None


def parse_command(body: str) -> Command | None:
    """A volunteer, dispatcher or neighbour command; None means free text (or a carrier
    keyword, which compliance_keyword handles first)."""
    tokens = _tokens(body)
    if tokens and _keyword(tokens, COMPLIANCE_WORDS) == len(tokens):
        return None  # a carrier keyword: compliance_keyword's
    size = _keyword(tokens, COMMAND_WORDS)
    if not size:
        return None
    word = _phrase(tokens[:size])
    verb, takes, fixed = COMMAND_WORDS[word]
    rest = tokens[size:]
    if takes is Takes.NOTHING:
        return None if rest else Command(verb, arg=fixed, word=word)
    if takes is Takes.CODE:
        if not rest:
            return Command(verb, word=word)
        if len(rest) == 1 and _CODE.fullmatch(rest[0].folded):
            return Command(verb, code=rest[0].folded, word=word)
        return None
    if takes is Takes.LANGUAGE:
        if len(rest) == 1 and _LANGUAGE_CODE.fullmatch(rest[0].folded):
            return Command(verb, arg=rest[0].folded.lower(), word=word)
        return None
    if takes is Takes.TEXT:
        # At least one word must follow: "NEED!" alone asks for nothing.
        text = _rest(body, tokens[size - 1]) if rest else None
        return Command(verb, arg=text, word=word) if text else None
    # CODE_TEXT
    if len(rest) >= 2 and _CODE.fullmatch(rest[0].folded):
        text = _rest(body, rest[0])
        if text:
            return Command(verb, code=rest[0].folded, arg=text, word=word)
    return None
