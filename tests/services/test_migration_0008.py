"""Migration 0008: stored values normalised, the unparsable kept and reported, and back again exactly."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from custtui.db import current_revision, downgrade, make_engine, migrate

# (id, region_code, phone, vat_number, email) as typed before custtui normalised them, and what 0008 makes of them.
CUSTOMERS = [
    ((1, "BE-VLG", "0471 08 32 21", "BE 0403.170.701", "Jan@Example.BE"), ("+32471083221", "BE0403170701", "Jan@example.be")),
    ((2, "NL", "020 123 4567 ext. 12", "0044.95.445.B01", "info@x.nl"), ("+31201234567;ext=12", "NL004495445B01", "info@x.nl")),
    ((3, "BE-BRU", "+32 (0)2 511 45 67", "BE 403.170.701", None), ("+3225114567", "BE0403170701", None)),
    ((4, "BE-WAL", "+3225114567", "BE0403170701", "a@b.be"), ("+3225114567", "BE0403170701", "a@b.be")),  # already so
    ((5, "BE-WAL", "12 34", "BE0403170702", "not an e-mail"), ("12 34", "BE0403170702", "not an e-mail")),  # kept
    ((6, "LU", "", "", " "), ("", "", " ")),  # blanks stay blanks
]
# (id, customer_id, country, postal_code, phone), and what 0008 makes of them.
LOCATIONS = [
    ((1, 1, "BE", "1000", "03/223.45.67"), ("BE", "1000", "+3232234567")),
    ((2, 2, "nl", "1234ab", None), ("NL", "1234 AB", None)),
    ((3, 3, "LU", "L-1234", "26 12 34 56"), ("LU", "1234", "+35226123456")),  # read in the site's country
    ((4, 5, "BE", "999", "\x1b[31m12"), ("BE", "999", "\x1b[31m12")),  # kept, both
    ((5, 5, "XX", "123", "+32 3 223 45 67"), ("XX", "123", "+3232234567")),  # unknown country: kept, code free
    ((6, 5, "", "", None), ("BE", "", None)),  # no country: Belgian, as the app reads it
    ((7, 6, "gb", " SW1A  1AA ", None), ("GB", "SW1A 1AA", None)),  # elsewhere, the postal code is free text
]
REFUSED = 6  # customer 5: phone, VAT, e-mail; location 4: postal code, phone; location 5: country


@pytest.fixture
def at_0007(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    migrate(engine, "0007")
    with engine.begin() as connection:
        for (cid, region, phone, vat, email), _after in CUSTOMERS:
            connection.execute(
                text(
                    "INSERT INTO customer (id, name, region_code, phone, vat_number, email, created_at, updated_at, "
                    "version, marked_error) VALUES (:id, :name, :region, :phone, :vat, :email, :now, :now, 1, :false)"
                ),
                {"id": cid, "name": f"Klant {cid}", "region": region, "phone": phone, "vat": vat, "email": email,
                 "now": "2026-01-01 00:00:00", "false": False},
            )  # fmt: skip
        for (lid, cid, country, postal, phone), _after in LOCATIONS:
            connection.execute(
                text(
                    "INSERT INTO location (id, customer_id, name, street, number, postal_code, city, country, "
                    "region_code, phone, created_at, updated_at) VALUES (:id, :cid, '', 'Kerkstraat', '1', :postal, "
                    "'Gent', :country, 'BE-VLG', :phone, :now, :now)"
                ),
                {"id": lid, "cid": cid, "postal": postal, "country": country, "phone": phone, "now": "2026-01-01 00:00:00"},
            )
    yield engine
    engine.dispose()


def _values(engine: Engine) -> dict[str, list[Any]]:
    with engine.connect() as connection:
        return {
            "customer": [tuple(row) for row in connection.execute(
                text("SELECT id, phone, vat_number, email FROM customer ORDER BY id"))],
            "location": [tuple(row) for row in connection.execute(
                text("SELECT id, country, postal_code, phone FROM location ORDER BY id"))],
        }  # fmt: skip


def test_upgrade_normalises_what_it_can_and_reports_the_rest(at_0007: Engine, caplog: pytest.LogCaptureFixture) -> None:
    before = _values(at_0007)
    with caplog.at_level(logging.WARNING, logger="alembic.runtime.migration"):
        migrate(at_0007, "0008")
    assert current_revision(at_0007) == "0008"
    after = _values(at_0007)
    assert after["customer"] == [(row[0], *normalised) for row, normalised in CUSTOMERS]
    assert after["location"] == [(row[0], *normalised) for row, normalised in LOCATIONS]
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings[-1] == "custtui: 6 stored values could not be normalised and were kept as they were (see above)."
    assert len(warnings) == REFUSED + 1
    assert (
        'custtui: customer 5, Phone "12 34" kept as it was: Not a phone number (digits, spaces and + . / ( ) -, '
        "6 to 15 digits)." in warnings
    )
    assert 'custtui: customer 5, VAT "BE0403170702" kept as it was: This VAT number fails its check digits.' in warnings
    assert (
        'custtui: location 4, Postal code "999" kept as it was: A Belgian postal code is 4 digits, from 1000 to 9999, '
        "such as 1000." in warnings
    )
    assert any(w.startswith('custtui: location 4, Phone "\ufffd[31m12"') for w in warnings)  # no escape reaches the terminal
    assert any(w.startswith('custtui: location 5, Country "XX" kept as it was: Unknown country: XX.') for w in warnings)
    # What was typed is kept beside what it became, for the downgrade.
    with at_0007.connect() as connection:
        kept = {
            (row.table_name, row.row_id, row.column_name): (row.original, row.normalised)
            for row in connection.execute(text("SELECT * FROM value_as_typed"))
        }
    assert kept[("customer", 1, "phone")] == ("0471 08 32 21", "+32471083221")
    assert kept[("location", 6, "country")] == ("", "BE")
    changed = sum(old != new for rows in ("customer", "location") for b, a in zip(before[rows], after[rows], strict=True)
                  for old, new in zip(b, a, strict=True))  # fmt: skip
    assert len(kept) == changed


def test_downgrade_restores_exactly_what_was_typed(at_0007: Engine) -> None:
    before = _values(at_0007)
    migrate(at_0007)
    with at_0007.begin() as connection:  # edited since the upgrade: the edit stays
        connection.execute(text("UPDATE customer SET phone = '+32471999999' WHERE id = 1"))
    downgrade(at_0007, "0007")
    assert "value_as_typed" not in inspect(at_0007).get_table_names()
    restored = _values(at_0007)
    assert restored["location"] == before["location"]
    assert restored["customer"][1:] == before["customer"][1:]
    assert restored["customer"][0] == (1, "+32471999999", "BE 0403.170.701", "Jan@Example.BE")
    migrate(at_0007)  # and up again
    assert _values(at_0007)["customer"][1] == (2, "+31201234567;ext=12", "NL004495445B01", "info@x.nl")


def test_a_country_written_out_is_read_where_the_column_holds_it(sqlite_engine: Engine) -> None:
    """SQLite does not enforce location.country's 2 characters: names typed before custtui checked them."""
    downgrade(sqlite_engine, "0007")
    with sqlite_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO customer (id, name, region_code, created_at, updated_at, version, marked_error) "
            "VALUES (1, 'Klant', 'NL', '2026-01-01', '2026-01-01', 1, 0)"))
        for lid, country, postal in ((1, "België", "9000"), (2, "Nederland", "1234ab"), (3, "Allemagne", "10115")):
            connection.execute(text(
                "INSERT INTO location (id, customer_id, name, street, number, postal_code, city, country, region_code, "
                "created_at, updated_at) VALUES (:id, 1, '', 'x', '1', :postal, 'x', :country, 'NL', '2026-01-01', "
                "'2026-01-01')"), {"id": lid, "country": country, "postal": postal})  # fmt: skip
    migrate(sqlite_engine)
    assert _values(sqlite_engine)["location"] == [(1, "BE", "9000", None), (2, "NL", "1234 AB", None), (3, "DE", "10115", None)]
    downgrade(sqlite_engine, "0007")
    assert [row[1] for row in _values(sqlite_engine)["location"]] == ["België", "Nederland", "Allemagne"]
