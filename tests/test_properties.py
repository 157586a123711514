"""Property tests: arbitrary text through the services, the screens and the edit form.

Whatever a user types, pastes or imports (any unicode, very long strings,
control and escape characters, Rich/Textual markup), three things hold:

* nothing crashes: a service either accepts the input or raises
  ValidationError naming the field; search and the duplicate warning answer
  any query or draft;
* no control character is stored (line breaks and tabs only in notes), and
  what is stored is what was accepted, after the documented trimming;
* nothing is rendered as markup, and no raw control character reaches the
  terminal from stored data.

Lone surrogates cannot come from a terminal (Textual decodes its input as
strict UTF-8) nor from an import (files are read as strict UTF-8), but they
can from a command-line argument (Python decodes argv with surrogateescape)
and no database can store them: validation refuses them like control
characters, and the properties below include them.

Service properties run on SQLite and PostgreSQL (where a NUL byte would make
psycopg fail: validation must refuse it first). Pilot properties run on
SQLite, with few examples, as each spins up the app.
"""

from __future__ import annotations

import asyncio
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, fields, replace
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, Select, Static, TextArea
from tui_support import SIZE, fill, make_app, wait_idle

from custtui.errors import ValidationError
from custtui.i18n import LANGUAGES
from custtui.models import (
    Building,
    Customer,
    Installation,
    Label,
    Location,
    Mission,
    User,
)
from custtui.safetext import BIDI_CONTROLS, LINE_SEPARATORS
from custtui.services import (
    customers,
    installations,
    labels,
    locations,
    missions,
    regions,
)
from custtui.services.customers import CustomerInput
from custtui.services.duplicates import DraftCustomer, DuplicateIndex, find_duplicates
from custtui.services.installations import InstallationInput
from custtui.services.locations import LocationInput
from custtui.services.missions import MissionInput
from custtui.services.search import FIELDS, Searcher, SearchIndex
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.text import multiline, plain, safe, safe_lines
from custtui.tui.widgets.customer_table import CustomerTable

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


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# 10,000 to 100,000 characters, cheaply (one repeated unit, sometimes with a nasty end).
long_text = st.builds(
    lambda unit, size, tail: _repeat(unit, size) + tail,
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


SERVICE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FEW = settings(SERVICE, max_examples=20)


def _actor(engine: Engine, login: str = "prop") -> User:
    with Session(engine, expire_on_commit=False) as session:
        user = User(login=login, display_name=login, role="admin")
        session.add(user)
        session.commit()
        return user


def _attempt(engine: Engine, work: Callable[[Session], Any]) -> tuple[Any, ValidationError | None]:
    """Run a service call in its own transaction: (result, None) committed, or (None, the refusal)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            result = work(session)
        except ValidationError as error:
            session.rollback()
            assert error.errors, "a ValidationError names at least one field"
            assert all(isinstance(m, str) and m for m in error.errors.values())
            return None, error
        session.commit()
        return result, None


def _assert_no_forbidden(row: Any, text_fields: list[str], multiline_fields: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    for name in text_fields:
        value = getattr(row, name)
        if value is not None:
            assert not forbidden_chars(value, name in multiline_fields), (name, value)
            limit = column_length(type(row), name)
            assert limit is None or len(value) <= limit, (name, len(value))


# ---------------------------------------------------------------------------
# tui/text.py: plain text, never markup, never a raw control character
# ---------------------------------------------------------------------------

def _expected_safe(value: str) -> str:
    # Line breaks, tabs and the Unicode line separators are
    # blanks; every other control, lone surrogates and bidi controls are U+FFFD.
    return "".join(
        " " if c in "\n\t" or c in LINE_SEPARATORS
        else "\N{REPLACEMENT CHARACTER}" if unicodedata.category(c) in ("Cc", "Cs") or c in BIDI_CONTROLS
        else c
        for c in value
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(nasty_text, clean_text, st.text(any_char)))
@example("[bold]X[/bold] [red")
@example("\x1b]0;title\x07[/]")
def test_safe_and_plain_show_the_text_literally(value: str) -> None:
    shown = safe(value)
    assert shown == _expected_safe(value)
    assert len(shown) == len(value)
    assert not [c for c in shown if unicodedata.category(c) == "Cc"]
    text = plain(value, style="bold")
    assert text.plain == shown  # markup characters kept as they are
    assert not text.spans  # and no style came out of them
    assert text.style == "bold"
    # Through a console as wide as the text: exactly the text, in the one given style.
    console = Console(width=cell_len(shown) + 10, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    segments = [segment for segment in console.render(text) if not segment.control]
    assert "".join(segment.text for segment in segments).rstrip("\n") == shown.rstrip("\n")
    assert {segment.style for segment in segments if segment.text.strip()} <= {Style(bold=True)}
    assert {segment.style for segment in console.render(plain(value)) if segment.text.strip()} <= {None, Style()}


@settings(max_examples=200, deadline=None)
@given(st.one_of(nasty_text, clean_text, st.text(any_char)) | st.none())
def test_multiline_keeps_line_breaks_only(value: str | None) -> None:
    text = multiline(value)
    if value is None:
        assert text.plain == ""
        return
    assert text.plain.split("\n") == [safe(line) for line in value.split("\n")]
    assert not [c for c in text.plain if unicodedata.category(c) == "Cc" and c != "\n"]
    assert not text.spans


# ---------------------------------------------------------------------------
# Customers: accepted (and stored as accepted) or refused by field
# ---------------------------------------------------------------------------

CUSTOMER_TEXT_FIELDS = [f.name for f in fields(CustomerInput)]
_CUSTOMER_LIMITS = {name: column_length(Customer, name) for name in CUSTOMER_TEXT_FIELDS}



def with_overrides(valid: st.SearchStrategy[Any], field_names: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A valid record with up to three fields replaced by arbitrary values: both outcomes stay frequent."""
    overrides = st.dictionaries(st.sampled_from(field_names), values, max_size=3)
    return st.builds(lambda base, changes: replace(base, **changes), valid, overrides)


# Valid, but free text is any printable text: markup, emoji, combining and right-to-left marks included.
free_text = st.builds(lambda text: "N" + text, clean_text)
valid_customers = st.builds(
    CustomerInput,
    name=free_text,
    region_code=st.sampled_from(["BE-VLG", "BE-WAL", " BE-BRU "]),
    internal_name=st.none() | clean_text,
    customer_number=st.none() | st.sampled_from(["104233", " 12/34 ", "[/]7"]),
    language=st.none() | st.sampled_from([*LANGUAGES, " fr "]),
    vat_number=st.none() | st.sampled_from(["BE0403170701", "be 0403.170.701", "NL123456789B01"]),
    email=st.none() | st.sampled_from(["info@example.be", " [b]x[/b]@example.be "]),
    phone=st.none() | st.sampled_from(["+32 9 222 33 44", "0471/08.32.25"]),
    notes=st.none() | st.lists(clean_text, max_size=4).map("\n\t".join),
)
customer_inputs = with_overrides(
    valid_customers,
    [f.name for f in fields(CustomerInput)],
    st.none() | text_value | st.sampled_from(["", "BE0403170702", "a@b", "\uff10\uff14\uff17\uff11\uff10\uff10", "xx", "a\r\nb"]),
)


def expected_customer(data: CustomerInput) -> dict[str, str | None]:
    """What must be stored if `data` is accepted (documented trimming and VAT normalisation)."""
    return {
        "name": (data.name or "").strip(),
        "region_code": (data.region_code or "").strip(),
        "internal_name": clean(data.internal_name),
        "customer_number": clean(data.customer_number),
        "language": clean(data.language),
        "vat_number": re.sub(r"[\s.\-]", "", data.vat_number).upper() if clean(data.vat_number) else None,
        "email": clean(data.email),
        "phone": clean(data.phone),
        "notes": clean(data.notes),
    }


def must_refuse(data: CustomerInput) -> set[str]:
    """Fields that validation has to refuse, whatever else is wrong."""
    refused = set()
    expected = expected_customer(data)
    for name in CUSTOMER_TEXT_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str) and forbidden_chars(value, name == "notes"):
            refused.add(name)
        cleaned = expected[name]
        if cleaned is not None and len(cleaned) > (_CUSTOMER_LIMITS[name] or 10**9):
            refused.add(name)
    if not expected["name"]:
        refused.add("name")
    return refused


def check_customer_outcome(engine: Engine, data: CustomerInput, customer_id: int | None, error: ValidationError | None) -> None:
    refused = must_refuse(data)
    event("refused" if error is not None else "accepted")
    if error is not None:
        assert set(error.errors) <= set(CUSTOMER_TEXT_FIELDS), error.errors
        assert refused <= set(error.errors), (refused, error.errors)
        return
    assert not refused, f"accepted although {refused} must be refused"
    with Session(engine) as session:
        stored = session.get(Customer, customer_id)
        assert stored is not None
        assert {name: getattr(stored, name) for name in CUSTOMER_TEXT_FIELDS} == expected_customer(data)
        _assert_no_forbidden(stored, CUSTOMER_TEXT_FIELDS, {"notes"})


def test_create_customer_accepts_or_refuses_by_field(engine: Engine) -> None:
    actor = _actor(engine)

    @SERVICE
    @given(customer_inputs)
    @example(CustomerInput(name="[bold]X[/bold] [red", region_code="BE-VLG", notes="[/]\n\x1b[31m"))
    @example(CustomerInput(name="ok", region_code="BE-VLG", internal_name="\x00"))
    @example(CustomerInput(name="ok \udcff", region_code="BE-VLG"))
    @example(CustomerInput(name="x" * 100_000, region_code="BE-VLG", notes="n" * 100_000))
    def check(data: CustomerInput) -> None:
        customer, error = _attempt(engine, lambda s: customers.create_customer(s, actor, data))
        check_customer_outcome(engine, data, customer.id if customer else None, error)

    check()


def test_update_customer_accepts_or_refuses_by_field(engine: Engine) -> None:
    actor = _actor(engine)

    @FEW
    @given(customer_inputs)
    def check(data: CustomerInput) -> None:
        original, _ = _attempt(
            engine, lambda s: customers.create_customer(s, actor, CustomerInput(name="Original", region_code="BE-VLG"))
        )
        before = CustomerInput.from_customer(original)
        _, error = _attempt(engine, lambda s: customers.update_customer(s, actor, original.id, data, 1))
        check_customer_outcome(engine, data, original.id, error)
        with Session(engine) as session:
            stored = session.get(Customer, original.id)
            assert stored is not None
            if error is not None:  # a refused edit leaves the record as it was
                assert CustomerInput.from_customer(stored) == before and stored.version == 1
            else:
                assert stored.version == 2

    check()


@pytest.mark.parametrize("field", CUSTOMER_TEXT_FIELDS)
def test_control_characters_and_surrogates_never_reach_the_database(engine: Engine, field: str) -> None:
    """Before PostgreSQL (which rejects NUL) or any driver (which cannot encode a surrogate) sees them."""
    actor = _actor(engine)
    for bad in ["a\x00b", "\x1b[31mred", "a\x85b", "a\ud800b", "a\u009b2Jb", "a\rb"]:
        data = CustomerInput(**{"name": "Bakkerij", "region_code": "BE-VLG", field: bad})
        _, error = _attempt(engine, partial(customers.create_customer, actor=actor, data=data))
        assert error is not None and field in error.errors, (field, bad)


@pytest.mark.parametrize("field", [f for f in CUSTOMER_TEXT_FIELDS if f not in ("region_code", "language")])
def test_very_long_values_are_refused_by_field(engine: Engine, field: str) -> None:
    actor = _actor(engine)
    for size in (10_000, 100_000):
        value = {"phone": "4" * size, "vat_number": "BE" + "0" * size, "email": "a" * size + "@example.be"}.get(field, "x" * size)
        data = CustomerInput(**{"name": "Bakkerij", "region_code": "BE-VLG", field: value})
        _, error = _attempt(engine, partial(customers.create_customer, actor=actor, data=data))
        assert error is not None and set(error.errors) == {field}, (field, size)


# ---------------------------------------------------------------------------
# Locations, buildings, labels, installations, missions
# ---------------------------------------------------------------------------

LOCATION_TEXT_FIELDS = [f.name for f in fields(LocationInput)]

valid_locations = st.builds(
    LocationInput,
    name=st.just("") | clean_text,
    street=free_text,
    number=st.sampled_from(["", "12", "12 bus 3"]),
    postal_code=st.sampled_from(["9000", " 1000 ", "1300", ""]),
    city=st.just("") | clean_text,
    country=st.sampled_from(["BE", "nl", " fr "]),
    region_code=st.none() | st.sampled_from(["BE-VLG", "LU"]),
    contact_person=st.none() | clean_text,
    phone=st.none() | st.just("+32 9 222 33 44"),
    notes=st.none() | clean_text,
)
location_inputs = with_overrides(
    valid_locations,
    [f.name for f in fields(LocationInput)],
    text_value | st.sampled_from(["\u00b9\u00b2\u00b3\u2074", "\u0661\u0662\u0663\u0664", "\u00df", "B\x00", ""]),
)


def _check_location(engine: Engine, data: LocationInput, location_id: int | None, error: ValidationError | None) -> None:
    refused = {
        name
        for name in LOCATION_TEXT_FIELDS
        if isinstance(getattr(data, name), str) and forbidden_chars(getattr(data, name), name == "notes")
    }
    event("refused" if error is not None else "accepted")
    if error is not None:
        assert refused <= set(error.errors), (refused, error.errors)
        return
    assert not refused
    with Session(engine) as session:
        stored = session.get(Location, location_id)
        assert stored is not None
        for name in ("name", "street", "number", "postal_code", "city"):
            assert getattr(stored, name) == (getattr(data, name) or "").strip()
        for name in ("contact_person", "phone", "notes"):
            assert getattr(stored, name) == clean(getattr(data, name))
        assert stored.country == (data.country or "BE").strip().upper()
        assert stored.region_code in regions.region_codes(session)
        _assert_no_forbidden(stored, [n for n in LOCATION_TEXT_FIELDS if n != "region_code"], {"notes"})


def test_locations_accept_or_refuse_by_field(engine: Engine) -> None:
    actor = _actor(engine)
    customer, _ = _attempt(engine, lambda s: customers.create_customer(s, actor, CustomerInput(name="Site owner", region_code="BE-VLG")))
    site, _ = _attempt(engine, lambda s: locations.add_location(s, actor, customer.id, LocationInput(city="Gent")))

    @SERVICE
    @given(location_inputs, st.booleans())
    @example(LocationInput(street="Kerkstraat", postal_code="\u00b9\u00b2\u00b3\u2074"), False)
    @example(LocationInput(street="[b]Kerk[/b]", city="\x00"), True)
    @example(LocationInput(city="Gent", phone="0471" + "." * 50 + "083225"), False)  # a valid phone, too long
    def check(data: LocationInput, update: bool) -> None:
        if update:
            location, error = _attempt(engine, lambda s: locations.update_location(s, actor, site.id, data))
        else:
            location, error = _attempt(engine, lambda s: locations.add_location(s, actor, customer.id, data))
        _check_location(engine, data, location.id if location else None, error)
        with Session(engine) as session:  # the new customer form checks the address alone
            try:
                locations.validate_address(session, data)
            except ValidationError:
                assert error is not None or update
            else:
                assert error is None or update

    check()


def test_buildings_accept_or_refuse_by_field(engine: Engine) -> None:
    actor = _actor(engine)
    customer, _ = _attempt(engine, lambda s: customers.create_customer(s, actor, CustomerInput(name="Site owner", region_code="BE-VLG")))
    site, _ = _attempt(engine, lambda s: locations.add_location(s, actor, customer.id, LocationInput(city="Gent")))

    @FEW
    @given(text_value, optional_text)
    @example("b" * 300, None)
    @example("Annex", "n" * 5000)
    def check(name: str, notes: str | None) -> None:
        building, error = _attempt(engine, lambda s: locations.add_building(s, actor, site.id, name, notes))
        if error is not None:
            if forbidden_chars(name) or not name.strip():
                assert "name" in error.errors
            return
        assert not forbidden_chars(name) and not forbidden_chars(notes or "", True)
        with Session(engine) as session:
            stored = session.get(Building, building.id)
            assert stored is not None and stored.name == name.strip() and stored.notes == clean(notes)
            _assert_no_forbidden(stored, ["name", "notes"], {"notes"})

    check()


def test_labels_accept_or_refuse_and_never_clash_in_the_database(engine: Engine) -> None:
    actor = _actor(engine)

    @SERVICE
    @given(text_value, st.sampled_from([str, str.upper, str.lower, str.casefold, str.title]))
    @example("\u00c9", str)  # SQLite's lower() leaves non-ASCII letters alone
    @example("\u0130", str)
    @example("\x1fLabel\x1f", str)
    def check(name: str, variant: Callable[[str], str]) -> None:
        label, error = _attempt(engine, lambda s: labels.create_label(s, actor, name))
        if error is not None:
            assert set(error.errors) == {"name"}
            if forbidden_chars(name) or not name.strip() or len(name.strip()) > 60:
                return
        else:
            # Python's strip() also takes the separators \x1c-\x1f: what is stored must be clean.
            assert not forbidden_chars(name.strip()) and 0 < len(name.strip()) <= 60
            with Session(engine) as session:
                stored = session.get(Label, label.id)
                assert stored is not None and stored.name == name.strip()
        # The same name again (or in other case) is refused by validation, not by the database.
        _, error = _attempt(engine, lambda s: labels.create_label(s, actor, variant(name)))
        if variant is str:
            assert error is not None and set(error.errors) == {"name"}
        # Renaming another label to it: refused or accepted, never a crash.
        other, _ = _attempt(engine, lambda s: labels.create_label(s, actor, f"other {s.exec(select(func.count()).select_from(Label)).one()}"))
        if other is not None:
            _attempt(engine, lambda s: labels.update_label(s, actor, other.id, variant(name), "red"))

    check()


def test_installations_and_missions_accept_or_refuse_by_field(engine: Engine) -> None:
    actor = _actor(engine)
    customer, _ = _attempt(engine, lambda s: customers.create_customer(s, actor, CustomerInput(name="Owner", region_code="BE-VLG")))
    site, _ = _attempt(engine, lambda s: locations.add_location(s, actor, customer.id, LocationInput(city="Gent")))

    @FEW
    @given(text_value, text_value, text_value, optional_text, optional_text, optional_text)
    @example("b" * 101, "m", "s", None, None, None)
    @example("b", "m", "s", "f" * 51, "t" * 201, "n" * 4001)
    def check(brand: str, model: str, serial: str, fuel: str | None, technician: str | None, notes: str | None) -> None:
        data = InstallationInput(brand=brand, model=model, serial_number=serial, fuel=fuel, notes=notes)
        installation, _ = _attempt(engine, lambda s: installations.add_installation(s, actor, site.id, data))
        if installation is not None:
            with Session(engine) as session:
                stored = session.get(Installation, installation.id)
                _assert_no_forbidden(stored, ["brand", "model", "serial_number", "fuel", "notes"], {"notes"})
        mission_data = MissionInput(location_id=site.id, technician=technician, notes=notes)
        mission, _ = _attempt(engine, lambda s: missions.add_mission(s, actor, customer.id, mission_data))
        if mission is not None:
            with Session(engine) as session:
                stored = session.get(Mission, mission.id)
                _assert_no_forbidden(stored, ["technician", "notes"], {"notes"})

    check()


# ---------------------------------------------------------------------------
# Search and the duplicate warning: any query, any draft
# ---------------------------------------------------------------------------

stored_names = st.lists(clean_text.filter(lambda t: 0 < len(t.strip()) <= 200), min_size=1, max_size=6)
queries = st.one_of(nasty_text, clean_text, long_text, st.sampled_from(["a", "ab", "10", "104", "+32", "0032 9", "[", "\\", "é"]))


def _create_valid(engine: Engine, actor: User, names: list[str], address: str) -> list[int]:
    ids = []
    for index, name in enumerate(names):
        data = CustomerInput(name=name, region_code="BE-VLG", internal_name=name[::-1] or None, phone=f"+32 9 222 33 {index:02d}")
        customer, _ = _attempt(engine, partial(customers.create_customer, actor=actor, data=data))
        if customer is None:
            continue
        ids.append(customer.id)
        site = LocationInput(street=address, number="1", postal_code="9000", city=address)
        _attempt(engine, partial(locations.add_location, actor=actor, customer_id=customer.id, data=site))
    return ids


def test_search_answers_any_query(engine: Engine) -> None:
    actor = _actor(engine)

    @FEW
    @given(stored_names, clean_text.filter(lambda t: 0 < len(t.strip()) <= 100), st.lists(queries, min_size=1, max_size=4))
    def check(names: list[str], address: str, typed: list[str]) -> None:
        _create_valid(engine, actor, names, address)
        with Session(engine) as session:
            index = SearchIndex.build(session)
            known = set(session.exec(select(Customer.id)))
        searcher = Searcher(index)
        for query in [*typed, *names]:
            hits = index.search(query, limit=10)
            assert len(hits) <= 10 and {hit.customer_id for hit in hits} <= known
            assert all(0 <= hit.score <= 100 and hit.field in (*FIELDS, "street", "city") for hit in hits)
            # Typed one character at a time, narrowing finds what a full search finds.
            if 0 < len(query) <= 40:
                for end in range(1, len(query) + 1):
                    narrowed = searcher.search(query[:end])
                assert narrowed == index.search(query), query
            searcher.reset()

    check()


draft_text = st.one_of(nasty_text, clean_text, long_text)
drafts = st.builds(
    DraftCustomer,
    name=draft_text,
    internal_name=st.none() | draft_text,
    customer_number=st.none() | draft_text,
    vat_number=st.none() | st.just("BE0403170701") | draft_text,
    email=st.none() | st.just("info@example.be") | draft_text,
    phone=st.none() | st.just("+32 9 222 33 00") | draft_text,
    street=draft_text,
    number=draft_text,
    postal_code=st.just("9000") | draft_text,
    city=draft_text,
)


def test_duplicate_warning_answers_any_draft(engine: Engine) -> None:
    actor = _actor(engine)

    @FEW
    @given(stored_names, clean_text.filter(lambda t: 0 < len(t.strip()) <= 100), st.lists(drafts, min_size=1, max_size=3))
    def check(names: list[str], address: str, typed: list[DraftCustomer]) -> None:
        ids = _create_valid(engine, actor, names, address)
        with Session(engine) as session:
            index = DuplicateIndex.build(session)
            known = set(session.exec(select(Customer.id)))
            for cluster in find_duplicates(session):
                assert set(cluster.customer_ids) <= known and 0 <= cluster.score <= 1
            index.refresh(session, ids)
        exclude = ids[0] if ids else None
        for draft in [*typed, DraftCustomer(name=names[0], street=address)]:
            matches = index.likely_duplicates(draft, limit=5, exclude_id=exclude)
            assert len(matches) <= 5
            assert all(m.customer_id in known and m.customer_id != exclude and 0 <= m.score <= 1 for m in matches)
            assert all(reason.text for m in matches for reason in m.reasons)

    check()


# ---------------------------------------------------------------------------
# Screens: stored values are shown literally, without raw control characters
# ---------------------------------------------------------------------------


def screen_lines(app: Any) -> list[str]:
    """The text of every line on screen, as the terminal would get it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def static_texts(screen: Any) -> str:
    """What every Static of the screen shows, scrolled into view or not, rendered by Rich."""
    console = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    for widget in screen.query(Static):
        console.print(widget.content)
    return console.export_text()


def assert_terminal_safe(app: Any) -> None:
    for line in screen_lines(app):
        assert not [c for c in line if unicodedata.category(c) == "Cc"], repr(line)


def assert_notifications_literal(app: Any) -> None:
    """Every notification is shown as its plain text: markup in a message would be parsed."""
    from textual.content import Content
    from textual.markup import MarkupError

    for notification in app._notifications:
        if notification.markup:
            try:
                shown = Content.from_markup(notification.message).plain
            except MarkupError as error:  # the toast would crash the app when drawn
                shown = f"MarkupError: {error}"
            assert shown == notification.message, (notification.message, shown)


# Customers whose every field plays with markup; the list shows their names, the detail and form everything.
MARKUP_CUSTOMERS = [
    CustomerInput(
        name="[bold]X[/bold] [red",
        region_code="BE-VLG",
        internal_name="[link=http://x]y[/]",
        customer_number="[/]1",
        email="[u]x[/u]@example.be",
        notes="[bold]line 1[/]\nline 2 [red\t[@click=app.quit]q[/]",
    ),
    CustomerInput(
        name="[/] \\[x] [b]",
        region_code="BE-BRU",
        internal_name="[@click=bell]q[/]",
        customer_number="[$accent]",
        email="[/]@example.be",
        notes="[on red]z[/on red] \U0001f469\u200d\U0001f527 e\u0301 \u202eRTL",
    ),
]
LEGACY_NOTES = "a\x1b]52;c;ZXZpbA==\x07\nb\r\x00"


def _add_markup_and_legacy_customers(engine: Engine, actor: User) -> dict[str, int]:
    ids = {}
    with Session(engine, expire_on_commit=False) as session:
        tag = labels.create_label(session, actor, "[red]lbl[/]")
        for data in MARKUP_CUSTOMERS:
            customer = customers.create_customer(session, actor, data)
            labels.assign_label(session, actor, customer.id, tag.id)
            locations.add_location(session, actor, customer.id, LocationInput(name="[b]Depot", street="[/]straat", city="[red]Gent"))
            ids[data.name] = customer.id
        # A row written past validation (another tool on a shared database, an old version): shown, but defused.
        legacy = Customer(
            name="Evil\x1b[31mRed\x07 [b]",
            region_code="BE-VLG",
            internal_name="\x9b2J\x1b]0;t\x07",
            email="\x1b[5m@x.be",
            notes=LEGACY_NOTES,
        )
        session.add(legacy)
        session.commit()
        ids["legacy"] = legacy.id  # type: ignore[assignment]
    return ids


async def _open(pilot: Any, app: Any, customer_id: int, key: str = "enter") -> None:
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await pilot.pause()
    await pilot.press(key)
    await wait_idle(pilot, app)


async def test_markup_and_control_characters_are_shown_literally(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    ids = _add_markup_and_legacy_customers(sqlite_engine, known.admin)
    app = make_app(sqlite_engine, known)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot, app)
        table = app.screen.query_one(CustomerTable)
        lines = "\n".join(screen_lines(app))
        for data in MARKUP_CUSTOMERS:
            assert table.row(ids[data.name]).name == data.name  # type: ignore[union-attr]
            assert data.name[:14] in lines, data.name  # literally; the list may cut it with "…"
        assert "[red]lbl[/]" in lines or "[red]lbl" in lines
        assert "Evil\ufffd[31mRed\ufffd [b]" in lines
        assert_terminal_safe(app)
        for data in MARKUP_CUSTOMERS:
            await _open(pilot, app, ids[data.name])
            assert isinstance(app.screen, CustomerDetailScreen)
            shown = "\n".join(screen_lines(app)) + static_texts(app.screen)
            assert_terminal_safe(app)
            for literal in (*(getattr(data, f) for f in ("name", "internal_name", "customer_number", "email")), "[red]lbl[/]", "[b]Depot: [/]straat"):
                assert literal in shown, (literal, shown)
            assert "\n".join(safe(line) for line in data.notes.split("\n")) in shown  # type: ignore[union-attr]
            # The edit form holds the stored values as they are, and shows them literally;
            # notes only with what a terminal would obey (a bidi override) made visible.
            await pilot.press("e")
            await wait_idle(pilot, app)
            form = app.screen
            assert isinstance(form, CustomerFormScreen)
            assert {f: form.values()[f] or None for f in CUSTOMER_TEXT_FIELDS} == {
                **asdict(data), "notes": safe_lines(data.notes)
            }
            lines = "\n".join(screen_lines(app))
            assert data.name in lines and data.internal_name in lines  # type: ignore[operator]
            assert_terminal_safe(app)
            await pilot.press("escape")
            await wait_idle(pilot, app)
            assert isinstance(app.screen, CustomerDetailScreen)
            await pilot.press("escape")
            await wait_idle(pilot, app)
        await _open(pilot, app, ids["legacy"])
        assert isinstance(app.screen, CustomerDetailScreen)
        assert_terminal_safe(app)
        shown = "\n".join(screen_lines(app)) + static_texts(app.screen)
        assert not [c for c in static_texts(app.screen) if unicodedata.category(c) == "Cc" and c != "\n"]
        assert "Evil\ufffd[31mRed\ufffd [b]" in shown and "\ufffd2J\ufffd]0;t\ufffd" in shown
        assert "a\ufffd]52;c;ZXZpbA==\ufffd\nb\ufffd\ufffd" in shown
        assert_notifications_literal(app)


async def test_legacy_control_characters_do_not_reach_the_terminal_from_the_form(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    ids = _add_markup_and_legacy_customers(sqlite_engine, known.admin)
    app = make_app(sqlite_engine, known)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot, app)
        await _open(pilot, app, ids["legacy"], key="e")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        assert form.values()["name"] == "Evil\ufffd[31mRed\ufffd [b]"
        assert_terminal_safe(app)


async def test_error_messages_with_user_text_are_not_markup(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    with Session(sqlite_engine) as session:
        labels.create_label(session, known.admin, "[/]")
        session.commit()
    app = make_app(sqlite_engine, known)
    async with app.run_test(size=SIZE) as pilot:  # toasts off: a crash would take seconds to report
        await wait_idle(pilot, app)
        await pilot.press("t")
        await wait_idle(pilot, app)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"[/]", "enter")  # the name exists already: refused, with a message
        await wait_idle(pilot, app)
        assert [n.message for n in app._notifications] == ["A label '[/]' already exists."]
        assert_notifications_literal(app)


# ---------------------------------------------------------------------------
# The new-customer form: saved as typed, or refused inline with nothing lost
# ---------------------------------------------------------------------------

FORM_INPUTS = ("name", "internal_name", "customer_number", "vat_number", "email", "phone", "street", "number", "postal_code", "city")
# Typed key by key: what a keyboard can send (printable), markup characters and non-Latin scripts included.
typed_char = st.one_of(
    st.sampled_from(list("[]/\\=@$#&'\"!?.,;:-_ ") + ["\u00e9", "\u00df", "\u0130", "\u20ac", "\U0001f469", "\u0645", "\u05e9", "\u0301"]),
    st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x2FFF).filter(str.isprintable),
)
typed_text = st.lists(typed_char, max_size=14).map("".join)
# Pasted (bracketed paste): anything, control characters and very long text included.
pasted_text = st.one_of(nasty_text, clean_text, st.builds(_repeat, st.sampled_from(["ab ", "[b]", "\U0001f469"]), st.integers(200, 6000)))
form_entry = st.one_of(st.tuples(st.just("type"), typed_text), st.tuples(st.just("paste"), pasted_text))
_typed = st.tuples(st.just("type"), typed_text)


def _typed_one_of(*values: str) -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(st.just("type"), st.sampled_from(values))


# A form filled in correctly (free text typed as it comes), then up to three fields typed or pasted anyhow.
valid_form = st.fixed_dictionaries(
    {
        "name": st.tuples(st.just("type"), typed_text.map(lambda text: "N" + text)),
        "internal_name": _typed,
        "customer_number": _typed,
        "vat_number": _typed_one_of("", "BE0403170701", "be 0403.170.701"),
        "email": _typed_one_of("", "info@example.be", "[b]@x.be"),
        "phone": _typed_one_of("", "+32 9 222 33 44"),
        "street": _typed,
        "number": _typed_one_of("", "12", "12 bus 3"),
        "postal_code": _typed_one_of("", "9000", "1000"),
        "city": _typed,
        "region_code": st.sampled_from(["BE-VLG", "BE-BRU"]),
    },
    optional={"notes": st.tuples(st.just("paste"), st.lists(clean_text, max_size=3).map("\n".join))},
)
odd_entries = st.dictionaries(
    st.sampled_from([*FORM_INPUTS, "notes", "region_code"]),
    form_entry
    | st.tuples(st.sampled_from(["type", "paste"]), st.sampled_from(["\u00b9\u00b2\u00b3\u2074", "\u0661\u0662\u0663\u0664"]))
    | st.tuples(st.just("paste"), st.just("a\r\nb\x0bc\x1cd\x85e")),
    max_size=3,
)


def _apply(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    entries = {**base}
    for field, entry in changes.items():
        if field == "region_code":
            entries.pop("region_code", None)  # no region chosen
        elif field == "notes":
            entries["notes"] = ("paste", entry[1])  # a TextArea: pasted
        else:
            entries[field] = entry
    return entries


form_values = st.builds(_apply, valid_form, odd_entries)


async def _fill_form(pilot: Any, app: Any, form: CustomerFormScreen, entries: dict[str, Any]) -> None:
    """Focus each field and type or paste into it, as the terminal driver would; then check what each holds."""
    expected: dict[str, str] = {}
    for field, entry in entries.items():
        if field == "region_code":
            form.query_one("#region_code", Select).value = entry
            continue
        mode, text = entry
        widget = form.query_one(f"#{field}", TextArea if field == "notes" else Input)
        await app.key_queue.wait_until_delivered()  # the keys of the field before have reached it
        widget.focus()  # before the keys below: they reach this widget
        if mode == "type":
            for char in text:  # as the driver parses a keystroke (Pilot.press cannot send every character)
                app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))
            expected[field] = text
        else:
            app.post_message(events.Paste(text))  # as the driver sends a bracketed paste
            if isinstance(widget, Input):
                # An Input takes the first line, and refuses (with a bell) what would pass max_length.
                first_line = text.splitlines()[0] if text.splitlines() else ""
                fits = not widget.max_length or len(first_line) <= widget.max_length
                expected[field] = first_line if fits else ""
    await pilot.pause()
    assert {field: form.values()[field] for field in expected} == expected


def _run_form_scenario(engine: Engine, known: Any, entries: dict[str, Any]) -> None:
    async def scenario() -> None:
        with Session(engine) as session:
            count_before = session.exec(select(func.count()).select_from(Customer)).one()
            last_before = session.exec(select(func.max(Customer.id))).one()
        app = make_app(engine, known)
        async with app.run_test(size=SIZE) as pilot:  # toasts: see assert_notifications_literal
            await wait_idle(pilot, app)
            await pilot.press("n")
            await wait_idle(pilot, app)
            form = app.screen
            assert isinstance(form, CustomerFormScreen)
            await _fill_form(pilot, app, form, entries)
            values = form.values()
            if any(values[field].strip() for field in FORM_INPUTS):  # the fields the warning watches
                # The live duplicate warning answers whatever was typed (after its debounce).
                watched = {field: values[field] for field in FORM_INPUTS}

                def answered() -> dict[str, str] | None:
                    shown = form.duplicates_shown_for
                    return None if shown is None else {field: shown[field] for field in FORM_INPUTS}

                for _ in range(100):
                    await pilot.pause(0.05)
                    if answered() == watched:
                        break
                assert answered() == watched
            await wait_idle(pilot, app)
            name_width = form.query_one("#name", Input).content_region.width
            if values["name"] and cell_len(values["name"]) == len(values["name"]) < name_width and not forbidden_chars(values["name"]):
                assert values["name"] in "\n".join(screen_lines(app))  # shown literally, not as markup
            await pilot.press("ctrl+s")
            await wait_idle(pilot, app)
            assert_notifications_literal(app)
            event("refused" if app.screen is form else "saved")
            if app.screen is form:
                # Refused: every problem is marked at its field, and nothing typed is lost.
                shown = [str(error.content) for error in form.query(".form-error.shown")]
                assert shown and all(shown), "refused without an inline error"
                assert form.values() == values
                with Session(engine) as session:
                    assert session.exec(select(func.count()).select_from(Customer)).one() == count_before
                return
            assert isinstance(app.screen, CustomerListScreen)
        with Session(engine) as session:
            saved = session.exec(select(Customer).where(Customer.id > (last_before or 0))).one()
            data = CustomerInput(**{f: values[f] for f in CUSTOMER_TEXT_FIELDS})
            assert {f: getattr(saved, f) for f in CUSTOMER_TEXT_FIELDS} == expected_customer(data)
            _assert_no_forbidden(saved, CUSTOMER_TEXT_FIELDS, {"notes"})
            site = session.exec(select(Location).where(Location.customer_id == saved.id)).first()
            if any(values[f].strip() for f in ("street", "number", "postal_code", "city")):
                assert site is not None
                assert (site.street, site.number, site.postal_code, site.city) == tuple(
                    values[f].strip() for f in ("street", "number", "postal_code", "city")
                )
            else:
                assert site is None

    asyncio.run(scenario())


def test_new_customer_form_saves_as_typed_or_refuses_inline(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(form_values)
    @example({**dict.fromkeys(FORM_INPUTS, ("type", "")), "name": ("type", "[bold]X[/bold] [red"), "region_code": "BE-VLG"})
    @example({**dict.fromkeys(FORM_INPUTS, ("type", "")), "name": ("paste", "A\x1b[31mB"), "postal_code": ("type", "\u00b9\u00b2\u00b3\u2074")})
    @example({**dict.fromkeys(FORM_INPUTS, ("paste", "")), "name": ("paste", "x" * 500), "email": ("paste", "e" * 5000), "region_code": "BE-BRU"})
    def check(entries: dict[str, Any]) -> None:
        _run_form_scenario(sqlite_engine, known, entries)

    check()
