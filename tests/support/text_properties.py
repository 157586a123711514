"""Arbitrary text for the property tests of the services (tests/services/test_properties.py) and the screens
(tests/tui/test_properties_screens.py): the strategies, and what validation must refuse or store.

Lone surrogates cannot come from a terminal (Textual decodes its input as
strict UTF-8) nor from an import (files are read as strict UTF-8), but they
can from a command-line argument (Python decodes argv with surrogateescape)
and no database can store them: validation refuses them like control
characters, and the strategies include them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from typing import Any

from hypothesis import strategies as st

from custtui.services import normalise
from custtui.services.customers import CustomerInput

# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

C0_C1 = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
ESCAPES = [
    "\x1b[31m",
    "\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b]0;title\x07",
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m",  # C1 CSI
    "\r\n",
    "\x08\x08",
]
MARKUP = [
    "[bold]x[/bold]",
    "[link=http://x]y[/]",
    "[/]",
    "[",
    "]",
    "\\[",
    "[red",
    "[b]",
    "[@click=app.quit]q[/]",
    "[$accent]",
    "[on red]z[/on red]",
    "[/bold]",
]
ODD = [
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\u200e\u200f",  # LRM, RLM
    "\u202e",  # right-to-left override
    "\u2066x\u2069",  # isolates
    "\ufeff",  # BOM
    "e\u0301\u0327",  # combining marks
    "\U0001f469\u200d\U0001f527",  # woman mechanic (ZWJ sequence)
    "\U0001f1e7\U0001f1ea",  # flag
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "\u2028",
    "\u00a0",
    "Stra\u00dfe",
    "\u0130",  # I with dot: lower() gives two characters
    "\ufffd",
    "\uffff",
    "\U000f0000",  # private use
    "\u0378",  # unassigned
    "\u00b9\u00b2\u00b3\u2074",  # superscript digits: isdigit() but not int()
    "\u0661\u0662\u0663\u0664",  # Arabic-Indic digits
    "\uff11\uff12",  # fullwidth digits
    "\ud800",  # lone surrogates
    "\udcff",
]
FRAGMENTS = st.sampled_from(C0_C1 + ESCAPES + MARKUP + ODD)

# Any code point, surrogates included (they are refused, see the module docstring).
any_char = st.characters(exclude_categories=())
printable_char = st.characters(exclude_categories=("Cc", "Cs"))


def repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# 10,000 to 100,000 characters, cheaply (one repeated unit, sometimes with a nasty end).
long_text = st.builds(
    lambda unit, size, tail: repeat(unit, size) + tail,
    st.text(any_char, min_size=1, max_size=6) | st.sampled_from(["a", " ", "[b]", "\x1b[31m", "\U0001f469"]),
    st.integers(10_000, 100_000),
    st.sampled_from(["", "x", "\x00", "[/]"]),
)
nasty_text = st.lists(st.text(any_char, max_size=12) | FRAGMENTS, max_size=6).map("".join)
clean_text = st.lists(st.text(printable_char, max_size=12) | st.sampled_from(MARKUP + ODD[:-2]), max_size=6).map("".join)
# Most values are short; a few are very long.
text_value = st.one_of(nasty_text, clean_text, long_text)
optional_text = st.none() | text_value


def forbidden_chars(value: str, multiline_field: bool = False) -> list[str]:
    """The characters validation must refuse: control characters and lone surrogates."""
    allowed = "\n\t" if multiline_field else ""
    return [c for c in value if unicodedata.category(c) in ("Cc", "Cs") and c not in allowed]


def column_length(model: type, field: str) -> int | None:
    return model.__table__.c[field].type.length  # type: ignore[attr-defined]


def clean(value: str | None) -> str | None:
    """The documented trimming: surrounding blanks go, an empty value is None."""
    if value is None:
        return None
    return value.strip() or None


def assert_no_forbidden(row: Any, text_fields: list[str], multiline_fields: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    for name in text_fields:
        value = getattr(row, name)
        if value is not None:
            assert not forbidden_chars(value, name in multiline_fields), (name, value)
            limit = column_length(type(row), name)
            assert limit is None or len(value) <= limit, (name, len(value))


# ---------------------------------------------------------------------------
# Customers: what an accepted input is stored as
# ---------------------------------------------------------------------------

CUSTOMER_TEXT_FIELDS = [f.name for f in fields(CustomerInput)]


def expected_customer(data: CustomerInput) -> dict[str, str | None]:
    """What must be stored if `data` is accepted (documented trimming; VAT, phone and e-mail normalisation)."""
    email, phone = clean(data.email), clean(data.phone)
    return {
        "name": (data.name or "").strip(),
        "region_code": (data.region_code or "").strip(),
        "internal_name": clean(data.internal_name),
        "customer_number": clean(data.customer_number),
        "language": clean(data.language),
        "vat_number": re.sub(r"[\s.\-]", "", data.vat_number).upper() if clean(data.vat_number) else None,
        "email": normalise.stored_email(email) if email else None,
        "phone": normalise.stored_phone(phone, normalise.customer_country(data.region_code)) if phone else None,
    }
