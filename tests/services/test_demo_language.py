"""Words the product writes into data: the demo's language, the default building's name."""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator

import pytest
from helpers import make_customer, make_location
from sqlalchemy import Engine
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from custtui.demo import DEMO_LABELS, generate_demo, world
from custtui.i18n import set_language
from custtui.models import Building, Customer, Installation, JournalNote, Label, Location, Mission, User
from custtui.services import locations

LANGUAGES = ("nl", "fr", "de", "en")
MAIN_BUILDING = {"nl": "Hoofdgebouw", "fr": "Bâtiment principal", "de": "Hauptgebäude", "en": "Main building"}


def _all(engine: Engine, *columns: object) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa_select(*columns).order_by(*columns[:1]))]  # type: ignore[arg-type]


def _word_tables() -> Iterator[world.Words]:
    yield from (names for names, *_rest in DEMO_LABELS)
    yield from world.FUEL_WORDS.values()
    yield world.OLD_INSTALLATION_NOTE
    yield world.WARRANTY_NOTE
    yield from world.INSTALLATION_NOTES
    for table in (world.SECOND_BUILDINGS, world.CUSTOMER_NOTES, world.LOCATION_NOTES):
        for entries in table.values():
            yield from entries
    for by_language in world.MISSION_NOTES.values():
        for entries in by_language.values():
            yield from entries


def test_every_product_word_is_written_in_every_demo_language() -> None:
    assert world.DEMO_LANGUAGES == LANGUAGES
    for entry in _word_tables():
        assert set(entry) == set(LANGUAGES), entry
        assert all(text.strip() for text in entry.values()), entry
        fields = {tuple(name for _text, name, _spec, _conv in string.Formatter().parse(text)) for text in entry.values()}
        assert len(fields) == 1, entry  # the same placeholders in every language
    assert {len(words) for words in world.LOCATION_WORDS.values()} == {7}
    assert set(world.LOCATION_WORDS) == set(LANGUAGES)


def test_french_demo_writes_the_products_words_in_french(fresh_sqlite: Callable[[str], Engine]) -> None:
    english, french = fresh_sqlite("en"), fresh_sqlite("fr")
    generate_demo(english, customers=150, seed=8, language="en")
    generate_demo(french, customers=150, seed=8, language="fr")

    # The same customers, sites and installations: only the product's words differ.
    assert _all(english, Customer.id, Customer.name, Customer.language) == _all(
        french, Customer.id, Customer.name, Customer.language
    )
    assert _all(english, Location.id, Location.street, Location.city) == _all(
        french, Location.id, Location.street, Location.city
    )
    assert _all(english, Installation.id, Installation.brand, Installation.serial_number) == _all(
        french, Installation.id, Installation.brand, Installation.serial_number
    )

    with Session(french) as session:
        label_names = set(session.exec(select(Label.name)).all())
        building_names = list(session.exec(select(Building.name)).all())
        fuels = set(session.exec(select(Installation.fuel)).all())
        site_names = set(session.exec(select(Location.name)).all())
        notes = {
            *session.exec(select(JournalNote.text)).all(),
            *session.exec(select(Mission.notes)).all(),
            *session.exec(select(Installation.notes)).all(),
        } - {None}
    assert label_names == {names["fr"] for names, *_rest in DEMO_LABELS}
    assert {"Mauvais payeur", "Amiante"} <= label_names and "Bad payer" not in label_names
    assert building_names.count("Bâtiment principal") > 100 and "Main building" not in building_names
    assert "gaz naturel" in fuels and "natural gas" not in fuels
    assert "Siège social" in site_names or "Domicile" in site_names
    french_words = {entry["fr"] for entry in _word_tables()} | {
        entry["fr"].format(year=year) for entry in [world.WARRANTY_NOTE] for year in range(2020, 2040)
    }
    assert notes and notes <= french_words


def test_demo_language_defaults_to_the_ui_language(engine: Engine) -> None:
    set_language("de")
    generate_demo(engine, customers=20, seed=2)
    with Session(engine) as session:
        names = set(session.exec(select(Building.name)).all())
        labels = set(session.exec(select(Label.name)).all())
    assert "Hauptgebäude" in names and "Main building" not in names
    assert "Schlechter Zahler" in labels


def test_demo_refuses_an_unknown_language(engine: Engine) -> None:
    with pytest.raises(ValueError, match="language"):
        generate_demo(engine, customers=5, language="it")


@pytest.mark.parametrize("language", LANGUAGES)
def test_default_building_name_in_a_chosen_language(language: str) -> None:
    set_language("en")
    assert locations.default_building_name(language) == MAIN_BUILDING[language]
    set_language(language)
    assert locations.default_building_name() == MAIN_BUILDING[language]


def test_default_building_in_the_customers_document_language(session: Session, technician: User) -> None:
    set_language("nl")
    french = make_customer(session, technician, name="Boulangerie Dubois", language="fr", region_code="BE-WAL")
    unset = make_customer(session, technician, name="Bakkerij Peeters", region_code="BE-VLG")
    site = make_location(session, technician, french, street="Rue Haute", postal_code="4000", city="Liège")
    other = make_location(session, technician, unset)
    assert [b.name for b in locations.buildings_of(session, site.id)] == ["Bâtiment principal"]  # type: ignore[arg-type]
    assert [b.name for b in locations.buildings_of(session, other.id)] == ["Hoofdgebouw"]  # type: ignore[arg-type]

    # A location that lost its buildings gets one again, named the same way.
    for building in locations.buildings_of(session, site.id):  # type: ignore[arg-type]
        session.delete(building)
    session.flush()
    assert locations.default_building(session, site.id).name == "Bâtiment principal"  # type: ignore[arg-type]
