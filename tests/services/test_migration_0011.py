"""Migrations 0010 and 0011: the notes fields become journal entries, each text once, and come back on downgrade."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect, text

from custtui.db import downgrade, make_engine, migrate

NOW = "2026-01-01 00:00:00"


def _journal(engine: Engine) -> list[tuple[int, int | None, str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT customer_id, location_id, user_login, text FROM journal_note ORDER BY id")
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.fixture
def at_0009(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    migrate(engine, "0009")
    with engine.begin() as connection:
        for cid, notes in ((1, "Key at the neighbours"), (2, None), (3, "   ")):
            connection.execute(
                text(
                    "INSERT INTO customer (id, name, region_code, notes, created_at, updated_at, version, marked_error) "
                    "VALUES (:id, :name, 'BE-VLG', :notes, :now, :now, 1, :false)"
                ),
                {"id": cid, "name": f"Klant {cid}", "notes": notes, "now": NOW, "false": False},
            )
        connection.execute(
            text(
                "INSERT INTO location (id, customer_id, name, street, number, postal_code, city, country, region_code, "
                "notes, created_at, updated_at) VALUES (1, 2, '', 'Kerkstraat', '1', '9000', 'Gent', 'BE', 'BE-VLG', "
                "'Boiler in the cellar', :now, :now)"
            ),
            {"now": NOW},
        )
    yield engine
    engine.dispose()


def test_each_notes_text_becomes_one_entry_and_the_fields_go(at_0009: Engine) -> None:
    engine = at_0009
    migrate(engine, "0010")
    assert _journal(engine) == [(1, None, "custtui", "Key at the neighbours"), (2, 1, "custtui", "Boiler in the cellar")]
    # Written after 0010, as an import or an older custtui on the same database would: kept too, and once.
    with engine.begin() as connection:
        connection.execute(text("UPDATE customer SET notes = 'Dog on site' WHERE id = 2"))
    migrate(engine)
    assert _journal(engine) == [
        (1, None, "custtui", "Key at the neighbours"),
        (2, 1, "custtui", "Boiler in the cellar"),
        (2, None, "custtui", "Dog on site"),
    ]
    columns = {table: {column["name"] for column in inspect(engine).get_columns(table)} for table in ("customer", "location")}
    assert "notes" not in columns["customer"] and "notes" not in columns["location"]

    downgrade(engine, "0010")
    with engine.connect() as connection:
        customers = connection.execute(text("SELECT id, notes FROM customer ORDER BY id")).all()
        sites = connection.execute(text("SELECT id, notes FROM location ORDER BY id")).all()
    assert [tuple(row) for row in customers] == [(1, "Key at the neighbours"), (2, "Dog on site"), (3, None)]
    assert [tuple(row) for row in sites] == [(1, "Boiler in the cellar")]
    migrate(engine)  # and up again: nothing twice
    assert len(_journal(engine)) == 3
