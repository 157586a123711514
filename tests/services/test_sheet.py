"""The printable customer sheet: everything a technician needs on paper, in the customer's language, data escaped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import add_me, make_customer, make_installation, make_location, make_mission
from sqlalchemy import Engine
from sqlmodel import Session

from custtui.cli import main
from custtui.models import User
from custtui.services import contacts, marks, sheet
from custtui.services.contacts import ContactInput

TODAY = date(2026, 12, 3)


def _busy(session: Session, actor: User, **fields: object) -> int:
    customer = make_customer(session, actor, "Brasserie <b>De Koninck</b>", customer_number="104233", **fields)
    site = make_location(session, actor, customer, name="Brouwerij", street="Mechelsesteenweg", number="291",
                         postal_code="2018", city="Antwerpen")  # fmt: skip
    boiler = make_installation(session, actor, site, kind="boiler", brand="Viessmann", model="Vitodens 200",
                               serial_number="VI-7781", power_kw=24.5, installed_on=date(2019, 5, 14))  # fmt: skip
    make_mission(session, actor, customer, site, planned_on=date(2026, 3, 5), technician="Pieter Claes", status="done",
                 installation_ids=[boiler.id])  # fmt: skip
    contacts.add_contact(session, actor, customer.id, ContactInput(name="Els Aerts", role="owner", mobile="0471 08 32 21"))  # type: ignore[arg-type]
    session.commit()
    return customer.id  # type: ignore[return-value]


def test_the_sheet_is_in_the_customers_language_with_sites_installations_contacts_missions(
    session: Session, office: User
) -> None:
    customer_id = _busy(session, office, language="nl")
    page, language = sheet.customer_sheet(session, customer_id, "fr", TODAY)
    assert language == "nl" and '<html lang="nl">' in page
    assert "Klantnummer" in page and "3 december 2026" in page  # the headings and the date in Dutch
    assert "Brasserie &lt;b&gt;De Koninck&lt;/b&gt;" in page and "<b>De Koninck</b>" not in page  # escaped
    for shown in ("Mechelsesteenweg 291, 2018 Antwerpen", "Viessmann", "Vitodens 200", "VI-7781", "24,5", "14/05/2019",
                  "ketel", "Els Aerts", "eigenaar", "0471 08 32 21", "5/03/2026", "Pieter Claes", "afgewerkt"):  # fmt: skip
        assert shown in page, shown


def test_without_a_document_language_the_users_and_the_error_mark_in_it(session: Session, office: User) -> None:
    customer_id = _busy(session, office)
    marks.set_marked(session, office, customer_id, True)
    session.commit()
    page, language = sheet.customer_sheet(session, customer_id, "de", TODAY)
    assert language == "de" and "<h1>FEHLER Brasserie" in page and "Kundennummer" in page


def test_custtui_sheet_writes_the_file(sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Session(sqlite_engine) as session:
        me = add_me(session, "office")
        customer_id = _busy(session, me, language="fr")
    url = str(sqlite_engine.url)
    target = tmp_path / "sheet.html"
    assert main(["sheet", str(customer_id), "--db", url, "-o", str(target)]) == 0
    assert "Numéro de client" in target.read_text(encoding="utf-8")
    assert str(target) in capsys.readouterr().err
    assert main(["sheet", str(customer_id), "--db", url, "--language", "en", "-o", "-"]) == 0
    assert "Customer number" in capsys.readouterr().out
    assert main(["sheet", "424242", "--db", url, "-o", str(tmp_path / "none.html")]) == 1
    assert "424242" in capsys.readouterr().err and not (tmp_path / "none.html").exists()
