"""Values written many ways, brought to one form to compare: text, streets, house numbers, phones.

Duplicate detection, merging and the import compare customers through
these; search folds text its own way, for speed (services.search.fold).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NotAVatNumber

_SPECIAL_FOLD = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ĳ": "ij"}


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        lower = char.lower()
        if lower in _SPECIAL_FOLD:
            table[code] = _SPECIAL_FOLD[lower]
            continue
        decomposed = unicodedata.normalize("NFKD", lower)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != char:
            table[code] = base
    for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(upper)] = upper.lower()
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Lower case without accents: 'Lefèvre Müller Straße' -> 'lefevre muller strasse'."""
    folded = text.translate(_FOLD_TABLE)
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded.lower())
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded


_STREET_WORDS = {
    "rue": "r", "avenue": "av", "ave": "av", "chaussee": "ch", "chee": "ch", "boulevard": "bd", "bld": "bd",
    "place": "pl", "plein": "pl", "square": "sq", "impasse": "imp", "allee": "al", "chemin": "chem", "route": "rte",
    "strasse": "str", "straat": "str", "steenweg": "stwg", "stwg": "stwg", "laan": "ln", "lei": "lei",
}
_STREET_SUFFIXES = (
    ("steenweg", "stwg"), ("stwg", "stwg"), ("strasse", "str"), ("straat", "str"), ("laan", "ln"), ("plein", "pl"),
)
_STREET_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1 << 16)
def normalise_street(street: str | None) -> str:
    """'Brusselsesteenweg' and 'Brusselsestwg.' -> 'brusselsestwg'; 'Rue de l'Église' -> 'r de l eglise'."""
    if not street:
        return ""
    words = []
    for word in _STREET_WORD.findall(fold(street)):
        short = _STREET_WORDS.get(word)
        if short is None:
            short = word
            for suffix, replacement in _STREET_SUFFIXES:
                if word.endswith(suffix) and len(word) > len(suffix):
                    short = word[: -len(suffix)] + replacement
                    break
        words.append(short)
    return " ".join(words)


_BOX = re.compile(r"\s*(?:/|\b(?:bus|bte|boite|box|app|apt|appt)\b\.?)\s*")


@lru_cache(maxsize=1 << 14)
def normalise_house_number(number: str | None) -> str:
    """'12 bus 3' / '12/3' / '12 bte 3' -> '12/3'; '12 A' -> '12a'."""
    if not number:
        return ""
    folded = fold(number).strip()
    folded = _BOX.sub("/", folded)
    return re.sub(r"[\s,.\-]", "", folded).strip("/")


_NOT_DIGIT = re.compile(r"\D")
_COUNTRY_CODES = ("352", "32", "31", "33", "49", "44", "41", "43", "39", "34", "351", "48", "90", "212", "1")


def normalise_phone(phone: str | None) -> str:
    """The national significant number: '+32 471 08 32 25' and '0471/08.32.25' -> '471083225'."""
    if not phone:
        return ""
    digits = _NOT_DIGIT.sub("", phone)
    international = phone.lstrip().startswith("+")
    if digits.startswith("00"):
        digits, international = digits[2:], True
    if international:
        for code in _COUNTRY_CODES:
            if digits.startswith(code):
                digits = digits[len(code) :]
                break
    digits = digits.lstrip("0")
    return digits if len(digits) >= 6 else ""


def compact_vat(value: str, default_country: str = "BE") -> str:
    """A VAT number as stored: compact, with its country prefix.

    People write them many ways: "BE 0403.170.701", "0403.170.701" (the
    enterprise number, Belgian by default), the old 9-digit "BE 403.170.701",
    "NL 0044.95.445.B01". python-stdnum knows each EU country's form; a number
    it cannot read is returned compact, for validation.check_vat to refuse.
    """
    compact = re.sub(r"[\s.\-/]", "", value).upper()
    if compact[:1].isdigit() and default_country:
        compact = default_country.upper() + compact
    try:
        return str(eu_vat.compact(compact))
    except NotAVatNumber:
        return compact



def normalise_vat(vat: str | None) -> str:
    """compact_vat, Belgian by default, for comparing: "" when too short to say anything."""
    value = compact_vat(vat) if vat else ""
    return value if len(value) >= 6 else ""


def normalise_email(email: str | None) -> str:
    if not email:
        return ""
    value = email.strip().lower()
    return value if "@" in value else ""


def normalise_customer_number(number: str | None) -> str:
    if not number:
        return ""
    return re.sub(r"[^0-9A-Za-z]", "", number).upper().lstrip("0")


# Legal forms, compared without dots: "b.v.b.a." -> "bvba", "S.à r.l." -> "sa" "rl" -> "sarl".
_LEGAL_FORMS = frozenset(
    """
    bv bvba ebvba nv sa sprl srl sc scs sca scri scrl cv cva cvba cvoa commv commva comm gcv vof
    vzw asbl ivzw aisbl eurl sarl sas sasu snc gmbh ag kg ohg ug mbh pgmbh vog ev
    ltd llc inc plc corp bvio spri
    """.split()
)
# Multi-word legal forms and "and sons" phrases, after dot removal.
_LEGAL_PHRASES = tuple(
    sorted(
        (
            tuple(phrase.split())
            for phrase in (
                "s a r l", "sa rl", "s a", "s p r l", "b v", "n v", "comm v", "comm va", "gmbh & co kg",
                "gmbh & co", "& co kg", "& co", "and co", "& cie", "et cie", "& fils", "et fils", "& zonen",
                "en zonen", "& zn", "en zn", "& zoon", "en zoon", "& sons", "and sons", "& sohne", "und sohne",
                "& sohn", "und sohn", "& fille", "et fille", "& filles", "et filles", "e v", "v o f",
            )
        ),
        key=len,
        reverse=True,
    )
)
_LEGAL_PHRASE_FIRST = frozenset(phrase[0] for phrase in _LEGAL_PHRASES)
# Salutations and family words: they say nothing about who it is.
_SALUTATIONS = frozenset(
    "dhr mevr mr mrs ms mw mme mlle m monsieur madame mademoiselle mijnheer meneer mevrouw heer "
    "herr frau fam familie famille family".split()
)
# Name particles glued to the next word: "van den broeck" -> "vandenbroeck".
_PARTICLES = frozenset(
    "van von vom vander vanden vande de der den het t ter ten te le la les du des d l di da del della dos el zu zum zur".split()
)
_WORD = re.compile(r"[a-z0-9.]+|&")


def _legal_phrase_at(words: list[str], i: int) -> int:
    """The length of the legal-form phrase starting at words[i], 0 if none."""
    for phrase in _LEGAL_PHRASES:  # longest first
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def normalise_name(name: str | None) -> str:
    """Folded words of a name without legal form, salutation or punctuation, particles glued."""
    return " ".join(name_tokens(name))


@lru_cache(maxsize=1 << 17)
def name_tokens(name: str | None) -> tuple[str, ...]:
    if not name:
        return ()
    raw = _WORD.findall(fold(name).replace("+", " & "))
    words: list[str] = []
    for token in raw:
        stripped = token.strip(".")
        if not stripped:
            continue
        if "." in stripped:
            compact = stripped.replace(".", "")
            parts = stripped.split(".")
            if compact in _LEGAL_FORMS or all(len(part) <= 2 for part in parts):
                words.append(compact)  # "b.v.b.a." -> "bvba", "s.a" -> "sa"
            else:
                words.extend(part for part in parts if part)  # "a.peeters" -> "a" "peeters"
            continue
        words.append(stripped)
    kept: list[str] = []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        skip = _legal_phrase_at(words, i) if word in _LEGAL_PHRASE_FIRST else 0
        if not skip and (word in _LEGAL_FORMS or word in _SALUTATIONS or word == "&"):
            skip = 1
        if skip:
            i += skip
            continue
        kept.append(word)
        i += 1
    if not kept:  # nothing but legal forms: keep what there was
        kept = [w for w in words if w != "&"]
    glued: list[str] = []
    prefix = ""
    for index, word in enumerate(kept):
        if word in _PARTICLES and index + 1 < len(kept):
            prefix += word
            continue
        glued.append(prefix + word)
        prefix = ""
    return tuple(glued)


_PHONETIC_RULES = (
    ("sch", "s"), ("ph", "f"), ("ck", "k"), ("qu", "k"), ("ch", "s"), ("th", "t"), ("dt", "t"), ("ij", "y"),
    ("ei", "y"), ("ae", "a"), ("oe", "u"), ("ou", "u"), ("ue", "u"), ("c", "k"), ("z", "s"), ("w", "v"),
    ("x", "ks"), ("h", ""), ("y", "i"), ("d", "t"),
)
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def phonetic_key(word: str) -> str:
    """A rough Dutch/French/German sound key: 'Peeters'/'Peters', 'Janssens'/'Jansens' agree."""
    if word.isdigit():
        return word
    for old, new in _PHONETIC_RULES:
        if old in word:
            word = word.replace(old, new)
    return _DOUBLED.sub(r"\1", word)
