"""Property tests: arbitrary text through the services.

Whatever a user types, pastes or imports (any unicode, very long strings,
control and escape characters, Rich/Textual markup):

* nothing crashes: a service either accepts the input or raises
  ValidationError naming the field; search and the duplicate warning answer
  any query or draft;
* no control character is stored (line breaks and tabs only in notes), and
  what is stored is what was accepted, after the documented trimming.

They run on SQLite and PostgreSQL (where a NUL byte would make psycopg fail:
validation must refuse it first). The strategies are in
tests/support/text_properties.py; the screens' side is
tests/tui/test_properties_screens.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from text_properties import (
    CUSTOMER_TEXT_FIELDS,
    assert_no_forbidden,
    clean,
    clean_text,
    column_length,
    expected_customer,
    forbidden_chars,
    long_text,
    nasty_text,
    optional_text,
    text_value,
)

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
from custtui.services import (
    customers,
    installations,
    labels,
    locations,
    missions,
    normalise,
    regions,
)
from custtui.services.customers import CustomerInput
from custtui.services.duplicates import DraftCustomer, DuplicateIndex, find_duplicates
from custtui.services.installations import InstallationInput
from custtui.services.locations import LocationInput
from custtui.services.missions import MissionInput
from custtui.services.search import FIELDS, Searcher, SearchIndex

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


# ---------------------------------------------------------------------------
# Customers: accepted (and stored as accepted) or refused by field
# ---------------------------------------------------------------------------

_CUSTOMER_LIMITS = {name: column_length(Customer, name) for name in CUSTOMER_TEXT_FIELDS}


def with_overrides(
    valid: st.SearchStrategy[Any], field_names: list[str], values: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
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
)
customer_inputs = with_overrides(
    valid_customers,
    [f.name for f in fields(CustomerInput)],
    st.none() | text_value | st.sampled_from(["", "BE0403170702", "a@b", "\uff10\uff14\uff17\uff11\uff10\uff10", "xx", "a\r\nb"]),
)


def must_refuse(data: CustomerInput) -> set[str]:
    """Fields that validation has to refuse, whatever else is wrong."""
    refused = set()
    expected = expected_customer(data)
    for name in CUSTOMER_TEXT_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str) and forbidden_chars(value):
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
        assert_no_forbidden(stored, CUSTOMER_TEXT_FIELDS)


def test_create_customer_accepts_or_refuses_by_field(engine: Engine) -> None:
    actor = _actor(engine)

    @SERVICE
    @given(customer_inputs)
    @example(CustomerInput(name="[bold]X[/bold] [red", region_code="BE-VLG", internal_name="[/]\n\x1b[31m"))
    @example(CustomerInput(name="ok", region_code="BE-VLG", internal_name="\x00"))
    @example(CustomerInput(name="ok \udcff", region_code="BE-VLG"))
    @example(CustomerInput(name="x" * 100_000, region_code="BE-VLG", internal_name="n" * 100_000))
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
    postal_code=st.sampled_from(["9000", " 1000 ", "1300", "", "1234ab", "L-1234", "75001"]),
    city=st.just("") | clean_text,
    country=st.sampled_from(["BE", "nl", " fr ", "Luxembourg", "Allemagne", "GB"]),
    region_code=st.none() | st.sampled_from(["BE-VLG", "LU"]),
    contact_person=st.none() | clean_text,
    phone=st.none() | st.just("+32 9 222 33 44"),
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
        if isinstance(getattr(data, name), str) and forbidden_chars(getattr(data, name))
    }
    event("refused" if error is not None else "accepted")
    if error is not None:
        assert refused <= set(error.errors), (refused, error.errors)
        return
    assert not refused
    with Session(engine) as session:
        stored = session.get(Location, location_id)
        assert stored is not None
        for name in ("name", "street", "number", "city"):
            assert getattr(stored, name) == (getattr(data, name) or "").strip()
        assert stored.contact_person == clean(data.contact_person)
        # Country, postal code and phone as services.normalise stores them.
        assert stored.country == normalise.country_code((data.country or "").strip() or "BE")
        assert stored.postal_code == normalise.stored_postal_code(data.postal_code, stored.country)
        phone = clean(data.phone)
        assert stored.phone == (normalise.stored_phone(phone, stored.country) if phone else None)
        assert stored.region_code in regions.region_codes(session)
        assert_no_forbidden(stored, [n for n in LOCATION_TEXT_FIELDS if n != "region_code"])


def test_locations_accept_or_refuse_by_field(engine: Engine) -> None:
    actor = _actor(engine)
    customer, _ = _attempt(
        engine, lambda s: customers.create_customer(s, actor, CustomerInput(name="Site owner", region_code="BE-VLG"))
    )
    site, _ = _attempt(engine, lambda s: locations.add_location(s, actor, customer.id, LocationInput(city="Gent")))

    @SERVICE
    @given(location_inputs, st.booleans())
    @example(LocationInput(street="Kerkstraat", postal_code="\u00b9\u00b2\u00b3\u2074"), False)
    @example(LocationInput(street="[b]Kerk[/b]", city="\x00"), True)
    @example(LocationInput(city="Gent", phone="0471" + "." * 50 + "083225"), False)  # a valid phone, stored E.164
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
    customer, _ = _attempt(
        engine, lambda s: customers.create_customer(s, actor, CustomerInput(name="Site owner", region_code="BE-VLG"))
    )
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
            assert_no_forbidden(stored, ["name", "notes"], {"notes"})

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
        other, _ = _attempt(
            engine, lambda s: labels.create_label(s, actor, f"other {s.exec(select(func.count()).select_from(Label)).one()}")
        )
        if other is not None:
            _attempt(engine, lambda s: labels.update_label(s, actor, other.id, variant(name), "red"))

    check()


def test_installations_and_missions_accept_or_refuse_by_field(engine: Engine) -> None:
    actor = _actor(engine)
    customer, _ = _attempt(
        engine, lambda s: customers.create_customer(s, actor, CustomerInput(name="Owner", region_code="BE-VLG"))
    )
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
                assert_no_forbidden(stored, ["brand", "model", "serial_number", "fuel", "notes"], {"notes"})
        mission_data = MissionInput(location_id=site.id, technician=technician, notes=notes)
        mission, _ = _attempt(engine, lambda s: missions.add_mission(s, actor, customer.id, mission_data))
        if mission is not None:
            with Session(engine) as session:
                stored = session.get(Mission, mission.id)
                assert_no_forbidden(stored, ["technician", "notes"], {"notes"})

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
            searcher = Searcher(index)  # the next query starts afresh, as in a new search box

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
