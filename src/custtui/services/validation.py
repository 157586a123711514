"""Field checks shared by every service. Messages are translated for the user."""

from __future__ import annotations

import re
from collections.abc import Set

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as NotAVatNumber

from custtui.i18n import LANGUAGES, _
from custtui.safetext import BIDI_CONTROLS, LINE_SEPARATORS
from custtui.services import normalise

NAME_MAX = 200
_PHONE_CHARS = re.compile(r"^\+?[0-9 ./()-]+$")
_VAT_GENERIC = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")
_BE_VAT = re.compile(r"^BE[01][0-9]{9}$")


# The characters of Unicode's Cc and Cs categories (C0, DEL, C1; surrogates), as one pattern: a
# character-by-character unicodedata look-up was a tenth of an import's time.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # newline and tab allowed
_DIRECTION_CONTROL = re.compile("[" + "".join(sorted(BIDI_CONTROLS | LINE_SEPARATORS)) + "]")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Control characters, and lone surrogates (from argv's surrogateescape): no database stores those."""
    return (_CONTROL_BUT_LINES if multiline else _CONTROL).search(value) is not None


def has_direction_controls(value: str) -> bool:
    """Bidi overrides and isolates, or line/paragraph separators: they make a name show as another."""
    return _DIRECTION_CONTROL.search(value) is not None


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


def check_email(email: str | None, errors: dict[str, str], field: str = "email") -> str | None:
    """The address as stored (normalise.stored_email), checked for its syntax; None when empty or refused.

    email-validator, without DNS lookup: field terminals are often offline.
    """
    if not email:
        return None
    stored = normalise.stored_email(email)
    if stored is None:
        errors[field] = _("Not an e-mail address (expected name@example.be).")
    return stored


def check_phone(phone: str | None, errors: dict[str, str], field: str = "phone", country: str = "BE") -> str | None:
    """The phone as stored (E.164, normalise.stored_phone) if it can be dialled; None when empty or refused.

    phonenumbers decides; a national number is read as one of `country`. An
    extension ("ext. 12", ";ext=12") is allowed; its digits do not count
    toward the 15 of the number itself.
    """
    if not phone:
        return None
    number, _extension = normalise.split_extension(phone)
    digits = sum(char.isdigit() for char in number)
    if not _PHONE_CHARS.match(number) or not 6 <= digits <= 15:
        errors[field] = _("Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits).")
        return None
    stored = normalise.stored_phone(phone, country)
    if stored is None:
        errors[field] = _("This phone number has too many or too few digits, or a country or area code that does not exist.")
    return stored


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


def check_country(country: str | None, errors: dict[str, str], field: str = "country") -> str | None:
    """The ISO 3166 code of `country` (a code, or a name in nl, fr, de or en); None, with an error, if unknown."""
    code = normalise.country_code(country)
    if code is None:
        errors[field] = _("Unknown country: {country}. Type its two-letter code (BE, NL, FR) or its name.").format(
            country=(country or "").strip()
        )
    return code


def _postal_code_formats() -> dict[str, str]:
    return {
        "BE": _("A Belgian postal code is 4 digits, from 1000 to 9999, such as 1000."),
        "NL": _("A Dutch postal code is 4 digits and 2 letters, such as 1234 AB."),
        "LU": _("A Luxembourg postal code is 4 digits, such as 1234 or L-1234."),
        "FR": _("A French postal code is 5 digits, such as 75001."),
        "DE": _("A German postal code is 5 digits, such as 10115."),
    }


def check_postal_code(
    postal_code: str | None, country: str | None, errors: dict[str, str], field: str = "postal_code"
) -> str:
    """The postal code as stored (normalise.stored_postal_code); as typed, with an error, when wrong for `country`."""
    stored = normalise.stored_postal_code(postal_code, country)
    if stored is None:
        errors[field] = _postal_code_formats()[(country or "").upper()]
        return (postal_code or "").strip()
    return stored


def keep_as_typed(errors: dict[str, str], fields: Set[str], warnings: dict[str, str] | None) -> None:
    """Move the errors of `fields` to `warnings`: those values are kept as typed rather than refused."""
    for field in fields & errors.keys():
        message = errors.pop(field)
        if warnings is not None:
            warnings[field] = message


def check_max_length(values: dict[str, str | None], limits: dict[str, int], errors: dict[str, str]) -> None:
    for name, limit in limits.items():
        value = values.get(name)
        if value and len(value) > limit:
            errors.setdefault(name, _("At most {max} characters.").format(max=limit))
