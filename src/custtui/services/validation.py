"""Field checks shared by every service. Messages are translated for the user."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as NotAVatNumber

from custtui.i18n import LANGUAGES, _
from custtui.safetext import BIDI_CONTROLS, LINE_SEPARATORS

NAME_MAX = 200
# Multi-line text is allowed in notes only; every other control character
# (escape sequences above all) is refused everywhere.
_MULTILINE_ALLOWED = frozenset("\n\t")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ./()-]+$")
# What an extension looks like after the number: "ext. 12", "x12", "poste 12", "toestel 12", "Durchwahl 12".
_PHONE_EXTENSION = re.compile(r"\s*(?:ext\.?|x|poste|toestel|tst\.?|durchwahl|dw\.?)\s*[0-9]{1,6}\s*$", re.IGNORECASE)
_VAT_GENERIC = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")
_BE_VAT = re.compile(r"^BE[01][0-9]{9}$")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Control characters, and lone surrogates (from argv's surrogateescape): no database stores those."""
    allowed = _MULTILINE_ALLOWED if multiline else frozenset()
    return any(unicodedata.category(char) in ("Cc", "Cs") and char not in allowed for char in value)


def has_direction_controls(value: str) -> bool:
    """Bidi overrides and isolates, or line/paragraph separators: they make a name show as another."""
    return any(char in BIDI_CONTROLS or char in LINE_SEPARATORS for char in value)


def check_text_fields(values: dict[str, str | None], errors: dict[str, str], multiline: Set[str] = frozenset()) -> None:
    """Add an error for each text field holding control characters (single-line ones: also direction controls)."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        if has_control_characters(value, multiline=name in multiline):
            errors.setdefault(name, _("Control characters are not allowed."))
        elif name not in multiline and has_direction_controls(value):
            errors.setdefault(name, _("Text-direction control characters and line separators are not allowed."))


def clean(value: str | None) -> str | None:
    """Strip surrounding blanks; an empty string becomes None."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def belgian_vat_is_valid(vat: str) -> bool:
    """BE0 or BE1 and 9 digits; the last two digits are 97 - (first eight mod 97).

    Stricter than python-stdnum, which also takes 00 where the first eight
    digits are a multiple of 97: the rule gives 97 there, never 00.
    """
    if not _BE_VAT.match(vat):
        return False
    digits = vat[2:]
    return 97 - int(digits[:8]) % 97 == int(digits[8:])


def check_name(name: str | None, errors: dict[str, str], field: str = "name") -> None:
    if not name or not name.strip():
        errors[field] = _("Name is required.")
    elif len(name.strip()) > NAME_MAX:
        errors[field] = _("Name is at most {max} characters.").format(max=NAME_MAX)


def check_language(language: str | None, errors: dict[str, str], field: str = "language") -> None:
    if language and language not in LANGUAGES:
        errors[field] = _("Language must be one of: nl, fr, de, en, or empty.")


def check_email(email: str | None, errors: dict[str, str], field: str = "email") -> None:
    """The syntax of an address (email-validator; no DNS lookup: field terminals are often offline)."""
    if not email:
        return
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors[field] = _("Not an e-mail address (expected name@example.be).")


def check_phone(phone: str | None, errors: dict[str, str], field: str = "phone", country: str = "BE") -> None:
    """A number that can be dialled (phonenumbers): national numbers are read as numbers of `country`."""
    if not phone:
        return
    digits = sum(char.isdigit() for char in phone)
    number = _PHONE_EXTENSION.sub("", phone)
    if not _PHONE_CHARS.match(number) or not 6 <= digits <= 15:
        errors[field] = _("Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits).")
        return
    try:
        parsed = phonenumbers.parse(number, (country or "BE").upper())
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        errors[field] = _("This phone number has too many or too few digits, or a country or area code that does not exist.")


def check_vat(vat: str | None, errors: dict[str, str], field: str = "vat_number") -> None:
    """`vat` as normalise_vat stores it: each EU country's form and check digits (python-stdnum)."""
    if not vat:
        return
    if not _VAT_GENERIC.match(vat):
        errors[field] = _("A VAT number is a country code followed by 2 to 13 letters or digits.")
        return
    if vat[:2].lower() not in eu_vat.MEMBER_STATES and vat[:2] != "EL":
        return  # outside the EU: its own rules, which we do not know
    try:
        eu_vat.validate(vat)
        if vat.startswith("BE") and not belgian_vat_is_valid(vat):
            raise InvalidChecksum()
    except InvalidChecksum:
        errors[field] = _("This VAT number fails its check digits.")
    except NotAVatNumber:
        errors[field] = _(
            "This VAT number is not valid for country code {country}: check how many digits it has and how it starts."
        ).format(country=vat[:2])


def check_max_length(values: dict[str, str | None], limits: dict[str, int], errors: dict[str, str]) -> None:
    for name, limit in limits.items():
        value = values.get(name)
        if value and len(value) > limit:
            errors.setdefault(name, _("At most {max} characters.").format(max=limit))
