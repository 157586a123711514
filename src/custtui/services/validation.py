"""Field checks shared by every service. Messages are translated for the user."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set

from custtui.i18n import LANGUAGES, _
from custtui.safetext import BIDI_CONTROLS, LINE_SEPARATORS

NAME_MAX = 200
# Multi-line text is allowed in notes only; every other control character
# (escape sequences above all) is refused everywhere.
_MULTILINE_ALLOWED = frozenset("\n\t")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 ./()-]+$")
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


def normalise_vat(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def belgian_vat_is_valid(vat: str) -> bool:
    """BE0 or BE1 and 9 digits; the last two digits are 97 - (first eight mod 97)."""
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
    if email and not _EMAIL.match(email):
        errors[field] = _("Not an e-mail address (expected name@example.be).")


def check_phone(phone: str | None, errors: dict[str, str], field: str = "phone") -> None:
    if not phone:
        return
    digits = sum(char.isdigit() for char in phone)
    if not _PHONE_CHARS.match(phone) or not 6 <= digits <= 15:
        errors[field] = _("Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits).")


def check_vat(vat: str | None, errors: dict[str, str], field: str = "vat_number") -> None:
    if not vat:
        return
    if vat.startswith("BE"):
        if not _BE_VAT.match(vat):
            errors[field] = _("A Belgian VAT number is BE0 or BE1 followed by 9 digits.")
        elif not belgian_vat_is_valid(vat):
            errors[field] = _("This Belgian VAT number fails its check digits.")
    elif not _VAT_GENERIC.match(vat):
        errors[field] = _("A VAT number is a country code followed by 2 to 13 letters or digits.")


def check_max_length(values: dict[str, str | None], limits: dict[str, int], errors: dict[str, str]) -> None:
    for name, limit in limits.items():
        value = values.get(name)
        if value and len(value) > limit:
            errors.setdefault(name, _("At most {max} characters.").format(max=limit))
