"""Values written many ways, brought to one form: to store them, to show them and to compare them.

The one normaliser (issue 14). Validation and storage (services.customers,
services.locations, the import, migration 0008), search (services.search),
duplicate detection and the merge all read text, phones, VAT numbers,
e-mail addresses, countries and postal codes through these functions.

How values are stored:

* phones: E.164, "+3234567890"; an extension as in RFC 3966, "+3234567890;ext=12"
  (phonenumbers.parse reads both back). Shown in the national format when the
  number is of the customer's (or site's) country, international otherwise.
* VAT numbers: compact with their country prefix, "BE0403170701"; shown
  "BE 0403.170.701".
* e-mail addresses: as email-validator normalises them (domain lower case,
  the local part as typed).
* countries: ISO 3166 alpha-2 codes from Babel's territories ("BE"); a name
  in nl, fr, de or en is read too ("België", "Allemagne").
* postal codes: BE, LU 4 digits ("L-1234" -> "1234"), NL "1234 AB", FR and DE
  5 digits; other countries as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NotAVatNumber
from stdnum.util import get_cc_module

from custtui.i18n import LANGUAGES, _, format_locale, get_language

# ---------------------------------------------------------------------------
# Folding: lower case, without accents
# ---------------------------------------------------------------------------

# Letters that Unicode decomposition does not split into a base letter and an accent.
_SPECIAL_FOLD = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ĳ": "ij",
    "ħ": "h", "ŧ": "t",
}
_SPECIAL_RE = re.compile("[" + "".join(_SPECIAL_FOLD) + "]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


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
    """Lower case without accents: 'Lefèvre Müller Straße' -> 'lefevre muller strasse'.

    Latin letters through one table; anything else (Greek, ligatures, letters
    outside Latin Extended) by case folding and Unicode decomposition.
    """
    folded = text.translate(_FOLD_TABLE)
    if not folded.isascii():
        folded = _SPECIAL_RE.sub(lambda m: _SPECIAL_FOLD[m.group()], folded.casefold())
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return folded


# Search's folding (fold_words): fold, then anything but letters and digits a single space.
_NON_WORD = re.compile(r"[^\w\n]+")  # keeps line breaks, which separate the values in fold_many
_LINE_EDGES = re.compile(r" ?\n ?")
# ASCII: letters and digits lowercased, line breaks kept, anything else a space.
_ASCII_TABLE = bytes(
    ord(chr(c).lower()) if c < 128 and chr(c).isalnum() else 10 if c == 10 else 32 for c in range(256)
)
_ASCII_SPACES = re.compile(rb"  +")
_ASCII_LINE_EDGES = re.compile(rb" ?\n ?")


def _fold_bulk(text: str) -> str:
    """fold() by whole-string operations, for many values joined (the same result, faster on long text)."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return _SPECIAL_RE.sub(lambda m: _SPECIAL_FOLD[m.group()], text)


def _words_unicode(text: str) -> str:
    """fold_words of one string, or of several joined with line breaks."""
    text = _fold_bulk(text).replace("_", " ")
    return _LINE_EDGES.sub("\n", _NON_WORD.sub(" ", text)).strip(" ")


def _words_ascii(text: str) -> str:
    folded = _ASCII_SPACES.sub(b" ", text.encode("ascii").translate(_ASCII_TABLE))
    return _ASCII_LINE_EDGES.sub(b"\n", folded).strip(b" ").decode("ascii")


def fold_words(text: str | None) -> str:
    """fold(), and punctuation as single spaces: "Müller-Lüdenscheidt & Co." -> "muller ludenscheidt co"."""
    if not text:
        return ""
    text = " ".join(text.split())  # line breaks too
    return _words_ascii(text) if text.isascii() else _words_unicode(text)


def fold_many(values: Sequence[str | None]) -> list[str]:
    """fold_words() of each value, on joined strings: many times faster than one by one (search's index)."""
    texts = [value or "" for value in values]
    if any("\n" in text or "\r" in text for text in texts):
        return [fold_words(text) for text in texts]
    result = [""] * len(texts)
    plain = [i for i, text in enumerate(texts) if text.isascii()]
    other = [i for i, text in enumerate(texts) if not text.isascii()]
    for indexes, folder in ((plain, _words_ascii), (other, _words_unicode)):
        if indexes:
            for i, folded in zip(indexes, folder("\n".join(texts[i] for i in indexes)).split("\n"), strict=True):
                result[i] = folded
    return result


# ---------------------------------------------------------------------------
# Streets and house numbers
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------

_NOT_DIGIT = re.compile(r"\D")
_NOT_DIGIT_KEEP_LINES = re.compile(r"[^\d\n]+")
# An extension after the number: ";ext=12" (RFC 3966, as stored), "ext. 12", "x12", "poste 12", "toestel 12", "Durchwahl 12".
_EXTENSION = re.compile(
    r"(?:;ext=|\s*(?:ext\.?|x|poste|toestel|tst\.?|durchwahl|dw\.?)\s*)([0-9]{1,6})\s*$", re.IGNORECASE
)
# The same, with ";ext=" or a blank before it, so that no VAT number ("ESX1234567") matches.
_EXTENSION_AT_END = re.compile(r"(?:;ext=|\s+(?:ext\.?|x|poste|toestel|tst\.?|durchwahl|dw\.?)\s*)[0-9]{1,6}\s*$", re.IGNORECASE)
_MAYBE_EXTENSION = re.compile(r"[;A-Za-z]")
_COUNTRY_CODES = frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
STORED_EXTENSION = ";ext="


def split_extension(phone: str) -> tuple[str, str]:
    """The number and its extension: "03 456 78 90 ext. 12" -> ("03 456 78 90", "12"); "" when none."""
    if _MAYBE_EXTENSION.search(phone) is None:  # no letter, no ";": no extension (the common case, fast)
        return phone, ""
    found = _EXTENSION.search(phone)
    if found is None:
        return phone, ""
    return phone[: found.start()], found.group(1)


_TRUNKS: dict[str, str] = {}
_CODE_OF_HEAD: dict[str, tuple[str, str]] = {}  # the first 3 digits -> (country calling code, trunk prefix)


def trunk_prefix(country_code: str) -> str:
    """What a country's own numbers start with at home: "0" for +32, +31, +33, +49; "" for +352."""
    trunk = _TRUNKS.get(country_code)
    if trunk is None:  # phonenumbers loads a country's metadata when first asked: once per country code
        region = phonenumbers.region_code_for_country_code(int(country_code))
        metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(int(country_code), region)
        trunk = _TRUNKS[country_code] = (metadata.national_prefix if metadata is not None else None) or ""
    return trunk


@lru_cache(maxsize=64)
def _country_calling_code(country: str) -> str:
    return str(phonenumbers.country_code_for_region(country.upper()) or "")


def _split_international(international: str) -> tuple[str, str, str]:
    """"3225114567" -> ("32", "0", "25114567"): the country calling code, its trunk prefix, the national number.

    Country calling codes are prefix-free, 1 to 3 digits. A trunk written
    after the code ("+32 (0)2 ...") is left out of the national number.
    """
    head = international[:3]
    found = _CODE_OF_HEAD.get(head)
    if found is None:
        code = next((head[:length] for length in (1, 2, 3) if head[:length] in _COUNTRY_CODES), "")
        found = _CODE_OF_HEAD[head] = (code, trunk_prefix(code) if code else "")
    code, trunk = found
    rest = international[len(code) :]
    if trunk and rest.startswith(trunk):
        rest = rest[len(trunk) :]
    return code, trunk, rest


def phone_parts(phone: str, country: str = "BE") -> tuple[str, str]:
    """(country calling code, national significant number), from the digits alone, fast.

    "+32 (0)2 511 45 67", "0032 2 511 45 67", "02/511.45.67" (read in `country`)
    and the stored "+3225114567" all give ("32", "25114567"). It does not say
    whether the number exists: parse_phone does. A number in no known country
    gives ("", its digits).
    """
    number, _extension = split_extension(phone)
    stripped = number.strip()
    digits = _NOT_DIGIT.sub("", stripped)
    if stripped.startswith("+"):
        code, _trunk, rest = _split_international(digits)
    elif digits.startswith("00"):
        code, _trunk, rest = _split_international(digits[2:])
    else:  # the national form: the country's trunk prefix, then the number
        code, rest = _country_calling_code(country or "BE"), digits
        trunk = trunk_prefix(code) if code else ""
        if trunk and rest.startswith(trunk):
            rest = rest[len(trunk) :]
    return code, rest


def normalise_phone(phone: str | None, country: str = "BE") -> str:
    """The national significant number, to compare: '+32 471 08 32 25' and '0471/08.32.25' -> '471083225'.

    Duplicate detection compares these; search's phone_key is the same number
    with its trunk prefix. "" when too short to say anything.
    """
    if not phone:
        return ""
    digits = phone_parts(phone, country)[1].lstrip("0")
    return digits if len(digits) >= 6 else ""


def phone_key(phone: str, digits: str | None = None) -> str:
    """Search's key: the digits as dialled at home, '+32 470/12.34.56' -> '0470123456'.

    An international number (+ or 00) becomes its trunk prefix and its
    national significant number, as normalise_phone reads it; a national one
    stays its digits as written (`digits`, when given, are the digits of `phone`).
    """
    if _MAYBE_EXTENSION.search(phone) is not None:
        phone, digits = split_extension(phone)[0], None
    if digits is None:
        digits = _NOT_DIGIT.sub("", phone)
    if phone.lstrip()[:1] == "+":
        _code, trunk, rest = _split_international(digits)
    elif digits[:2] == "00":
        _code, trunk, rest = _split_international(digits[2:])
    else:
        return digits
    return trunk + rest


def digits_of_many(values: Sequence[str]) -> list[str]:
    """The digits of each value, extensions left out, on joined strings (search's index)."""
    if not values:
        return []
    # An extension needs ";" or a blank before it: stored VAT numbers and E.164 phones have neither.
    kept = [
        _EXTENSION_AT_END.sub("", value) if (";" in value or " " in value) and _MAYBE_EXTENSION.search(value) else value
        for value in values
    ]
    return _NOT_DIGIT_KEEP_LINES.sub("", "\n".join(kept)).split("\n")


def parse_phone(phone: str, country: str = "BE") -> PhoneNumber | None:
    """The number, if it can be dialled (phonenumbers), with its extension; None otherwise.

    A national number is read as one of `country`.
    """
    number, extension = split_extension(phone)
    try:
        parsed = phonenumbers.parse(number, (country or "BE").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    parsed.extension = extension or None
    return parsed


def stored_phone(phone: str, country: str = "BE") -> str | None:
    """A phone as stored: E.164, with ";ext=12" for an extension; None when it cannot be dialled."""
    parsed = parse_phone(phone, country)
    if parsed is None:
        return None
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    return f"{e164}{STORED_EXTENSION}{parsed.extension}" if parsed.extension else e164


def format_phone(phone: str | None, country: str = "BE", *, international: bool = False) -> str:
    """A phone as shown: national for a number of `country` ("0471 08 32 21"), else international.

    `international`: always "+32 471 08 32 21" (the export: it reads back in
    any customer's country). A value that is not a number (kept as typed) is
    shown as it is.
    """
    if not phone:
        return ""
    parsed = parse_phone(phone, country)
    if parsed is None:
        return phone
    extension, parsed.extension = parsed.extension, None
    home = not international and phonenumbers.region_code_for_number(parsed) == (country or "BE").upper()
    shown = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL)
    if not extension:
        return shown
    if international:
        return f"{shown} ext. {extension}"  # data, not a sentence: the same in every language, read back by any
    return _("{number} ext. {extension}").format(number=shown, extension=extension)


# ---------------------------------------------------------------------------
# VAT numbers
# ---------------------------------------------------------------------------


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


# How each country writes its numbers, where python-stdnum has no format(): groups of the part after the prefix.
_VAT_GROUPS: dict[str, tuple[tuple[int, ...], str]] = {
    "BE": ((4, 3, 3), "."),  # BE 0403.170.701
    "NL": ((4, 2, 3, 3), "."),  # NL 0044.95.445.B01
    "FR": ((2, 3, 3, 3), " "),  # FR 40 303 265 045
    "DE": ((3, 3, 3), " "),  # DE 136 695 976
    "LU": ((4, 4), " "),  # LU 1502 7442
}


def format_vat(vat: str | None) -> str:
    """A stored VAT number as shown: "BE0403170701" -> "BE 0403.170.701" (python-stdnum's format where it has one)."""
    if not vat:
        return ""
    country, number = vat[:2], vat[2:]
    groups, separator = _VAT_GROUPS.get(country, ((), ""))
    if groups and len(number) == sum(groups):
        parts, start = [], 0
        for size in groups:
            parts.append(number[start : start + size])
            start += size
        return f"{country} {separator.join(parts)}"
    if not groups and country.lower() in eu_vat.MEMBER_STATES:
        module = get_cc_module({"el": "gr"}.get(country.lower(), country.lower()), "vat")
        formatter = getattr(module, "format", None)
        if formatter is not None:
            try:
                return f"{country} {formatter(number)}"
            except (NotAVatNumber, ValueError, IndexError):
                return vat
    return vat


# ---------------------------------------------------------------------------
# E-mail addresses
# ---------------------------------------------------------------------------


def stored_email(email: str) -> str | None:
    """An address as stored: email-validator's normalised form (domain lower case, local part as typed); None if malformed.

    Syntax only, no DNS lookup: field terminals are often offline.
    """
    # Imported when first used: its module compiles RFC grammars, 50 ms of every start otherwise.
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415 - see above

    try:
        return str(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError:
        return None


def normalise_email(email: str | None) -> str:
    """An address to compare (duplicates): lower case, "" when it is none."""
    if not email:
        return ""
    value = email.strip().lower()
    return value if "@" in value else ""


# ---------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------

# Babel's territories that are not countries of ISO 3166-1 (unions, pseudo-locales, reserved codes).
_NOT_COUNTRIES = frozenset("AC CP CQ DG EA EU EZ IC QO TA UN XA XB ZZ".split())


@lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    territories = format_locale(language).territories
    return {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()
            and code not in _NOT_COUNTRIES}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Folded code and name in each language -> code ("belgie", "belgique", "be" -> "BE"); ambiguous names left out."""
    found: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for code, name in _territories(language).items():
            found.setdefault(fold_words(name), set()).add(code)
    names = {name: codes.pop() for name, codes in found.items() if len(codes) == 1}
    names.update({code.lower(): code for code in _territories("en")})
    return names


def country_code(country: str | None) -> str | None:
    """The ISO 3166 code of a country typed as a code or a name in nl, fr, de or en; None if none is known.

    "be", "België", "Belgique", "Belgien", "Belgium" -> "BE"; "Allemagne" -> "DE".
    """
    if not country or not country.strip():
        return None
    return _country_names().get(fold_words(country))


def country_name(code: str | None) -> str:
    """A country's name in the user's language ("BE" -> "België" in Dutch); an unknown code as it is."""
    if not code:
        return ""
    return _territories(get_language()).get(code.upper(), code)


def customer_country(region_code: str | None) -> str:
    """The country a customer's national phones and VAT numbers are read in: its region's ("BE-VLG" -> "BE")."""
    return (region_code or "").strip()[:2].upper() or "BE"


# ---------------------------------------------------------------------------
# Postal codes
# ---------------------------------------------------------------------------

# Per country: the form, the old country letter or the code allowed before it ("L-1234", "B-1000"), and how it is stored.
_POSTAL_CODES = {
    "BE": re.compile(r"(?:BE?[- ]?)?([1-9][0-9]{3})"),
    "NL": re.compile(r"(?:NL[- ]?)?([1-9][0-9]{3}) ?([A-Z]{2})"),
    "LU": re.compile(r"(?:LU?[- ]?)?([0-9]{4})"),
    "FR": re.compile(r"(?:FR?[- ]?)?([0-9]{5})"),
    "DE": re.compile(r"(?:DE?[- ]?)?([0-9]{5})"),
}
POSTAL_CODE_COUNTRIES = frozenset(_POSTAL_CODES)


def stored_postal_code(postal_code: str | None, country: str | None) -> str | None:
    """A postal code as stored: "1234ab" -> "1234 AB" (NL), "L-1234" -> "1234" (LU); None when wrong.

    Belgian, Dutch, Luxembourg, French and German codes are checked; any
    other country's is kept as typed (blanks trimmed). An empty one is "".
    """
    text = " ".join((postal_code or "").split())
    form = _POSTAL_CODES.get((country or "").upper())
    if form is None or not text:
        return text
    found = form.fullmatch(text.upper())
    if found is None:
        return None
    return " ".join(found.groups())


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
                "gmbh & co", "& co kg", "& co", "and co", "en co", "et co", "& cie", "et cie", "& fils", "et fils", "& zonen",
                "en zonen", "& zn", "en zn", "& zoon", "en zoon", "& sons", "and sons", "& sohne", "und sohne",
                "& sohn", "und sohn", "& fille", "et fille", "& filles", "et filles", "e v", "v o f",
            )
        ),
        key=len,
        reverse=True,
    )
)
_LEGAL_PHRASE_FIRST = frozenset(phrase[0] for phrase in _LEGAL_PHRASES)
# Salutations, family words and the words between two names of a couple or before a maiden name
# ("M. et Mme Dubois", "Jan en Marie Peeters", "Wyns geb. Peeters", "Dubois ép. Martin"): they say
# nothing about who it is.
_SALUTATIONS = frozenset(
    "dhr mevr mr mrs ms mw mme mlle m monsieur madame mademoiselle mijnheer meneer mevrouw heer "
    "herr frau fam familie famille family "
    "en et und and geb geboren nee epouse ep echtg echtgenote verh verheiratet wed weduwe veuve vve".split()
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


def forget_names() -> None:
    """Empty name_tokens' cache: for a long run that sees each name once or twice (an import), where it would
    grow to 131,072 names (some 20 MB) and serve no more than the row that put each name in."""
    name_tokens.cache_clear()


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
