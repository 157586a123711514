"""The contact persons of an import: the "Contacts" sheet of a workbook, or the "-contacts" CSV file beside one.

They come as `custtui export` writes them (exporting.CONTACT_COLUMNS): each
row names its customer by the `id` the customers' sheet or file gives it,
and its site by its address. They are read once the customers are all in:
the import then knows which customer each `id` became.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from custtui.errors import ValidationError
from custtui.models import Location, User
from custtui.services import contacts
from custtui.services.addresses import format_address
from custtui.services.contacts import ContactInput
from custtui.services.transfer.exporting import CONTACT_COLUMNS, contacts_path
from custtui.services.transfer.reading import is_contacts_header

_XLSX_SUFFIXES = (".xlsx", ".xlsm")


def contact_rows(path_or_stream: object) -> Iterator[dict[str, str]] | None:
    """The contact rows beside these customers (column -> text), or None when the file has none."""
    if not isinstance(path_or_stream, str | os.PathLike):
        return None  # a stream: a CSV of customers alone
    path = Path(path_or_stream)
    if path.suffix.lower() in _XLSX_SUFFIXES:
        return _sheet_rows(path)
    companion = contacts_path(path)
    return _csv_rows(companion) if companion.exists() else None


def _sheet_rows(path: Path) -> Iterator[dict[str, str]] | None:
    from openpyxl import load_workbook  # noqa: PLC0415 - openpyxl loads only for a workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    for sheet in workbook.worksheets[1:]:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is not None and is_contacts_header(header):
            names = [str(cell or "").strip().lower() for cell in header]
            return _as_dicts(names, ([("" if cell is None else str(cell)) for cell in row] for row in rows), workbook.close)
    workbook.close()
    return None


def _csv_rows(path: Path) -> Iterator[dict[str, str]] | None:
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = next(reader, None)
    if header is None or not is_contacts_header(header):
        return None
    return _as_dicts([cell.strip().lower() for cell in header], reader, lambda: None)


def _as_dicts(names: list[str], rows: Any, close: Any) -> Iterator[dict[str, str]]:
    try:
        for row in rows:
            values = {name: str(value).strip() for name, value in zip(names, row, strict=False) if name in CONTACT_COLUMNS}
            if any(values.values()):
                yield values
    finally:
        close()


def _unquoted(value: str) -> str | None:
    """A cell as the export neutralised it ("'=…", "'+32…"): without the quote; empty: None."""
    return value.removeprefix("'") or None


def import_contacts(
    session: Session, actor: User, rows: Iterator[dict[str, str]], customer_of: Mapping[str, int]
) -> tuple[int, int]:
    """Add the rows' contacts to the customers `customer_of` maps their `customer_id` to; (added, left out).

    A row whose customer was not imported (refused, skipped as a duplicate)
    or whose values are refused is left out. The caller commits.
    """
    added = skipped = 0
    sites: dict[int, dict[str, int]] = {}
    for row in rows:
        customer_id = customer_of.get(row.get("customer_id", "").removesuffix(".0"))
        if customer_id is None:
            skipped += 1
            continue
        if customer_id not in sites:
            found = session.exec(select(Location).where(col(Location.customer_id) == customer_id)).all()
            sites[customer_id] = {format_address(s.street, s.number, s.postal_code, s.city): s.id or 0 for s in found}
        data = ContactInput(
            name=_unquoted(row.get("name", "")) or "",
            role=row.get("role") or "other",
            location_id=sites[customer_id].get(row.get("site", "")) if row.get("site") else None,
            phone=_unquoted(row.get("phone", "")),
            mobile=_unquoted(row.get("mobile", "")),
            email=_unquoted(row.get("email", "")),
            language=row.get("language") or None,
            notes=_unquoted(row.get("notes", "")),
        )
        try:
            with session.begin_nested():  # a refused row leaves the others alone
                contacts.add_contact(session, actor, customer_id, data)
        except ValidationError:
            skipped += 1
            continue
        added += 1
    return added, skipped
