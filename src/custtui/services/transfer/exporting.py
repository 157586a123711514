"""Exporting customers to CSV or XLSX, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from custtui.i18n import _, format_locale
from custtui.models import Contact, Customer, CustomerLabel, Label, Location, User, table_of
from custtui.services import customers, normalise, notes
from custtui.services.addresses import format_address
from custtui.services.auth import Permission, require
from custtui.services.marks import mark_word

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


# marked_error: the ERROR mark (services.marks), as the exporter reads it ("FOUT" in Dutch), empty when
# the record carries none; the name stays the name. An import reads it back in any language.
EXPORT_COLUMNS = (
    "id", "name", "marked_error", "internal_name", "customer_number", "region", "language", "vat", "email", "phone", "notes",
    "street", "number", "postal_code", "city", "country", "labels", "locations", "installations", "missions",
)  # fmt: skip
EXPORT_PAGE_SIZE = 2000
# The contact persons (services.contacts): a second sheet of the workbook, or a second CSV file beside the first.
# `customer_id` is the `id` column of the customers; `site` the address of the contact's site, empty for none.
CONTACT_COLUMNS = ("customer_id", "name", "role", "site", "phone", "mobile", "email", "language", "notes")


# --------------------------------------------------------------------------
# Export.
# --------------------------------------------------------------------------


class text_output:
    """A text file for `out`: a path (opened and closed here), a binary stream (wrapped, left open) or a text stream."""

    def __init__(self, out: Any) -> None:
        self._out = out
        self._owned: IO[str] | None = None
        self._wrapper: io.TextIOWrapper | None = None

    def __enter__(self) -> SupportsWrite[str]:
        out = self._out
        if isinstance(out, str | os.PathLike):
            self._owned = open(out, "w", encoding="utf-8", newline="")
            return self._owned
        if isinstance(out, io.TextIOBase):
            return out
        self._wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="")
        return self._wrapper

    def __exit__(self, *exc: object) -> None:
        if self._owned is not None:
            self._owned.close()
        elif self._wrapper is not None:
            self._wrapper.flush()
            self._wrapper.detach()  # the caller's stream stays open
        else:
            self._out.flush()


def _export_rows(session: Session) -> Iterator[list[Any]]:
    """Every customer by id, in pages of EXPORT_PAGE_SIZE: the EXPORT_COLUMNS values (None for nothing)."""
    c = table_of(Customer).c
    loc = table_of(Location).c
    customer_query = select(
        c.id, c.name, c.marked_error, c.internal_name, c.customer_number, c.region_code, c.language, c.vat_number,
        c.email, c.phone,
    ).order_by(c.id)  # fmt: skip
    last = 0
    while True:
        page = session.execute(customer_query.where(c.id > last).limit(EXPORT_PAGE_SIZE)).all()
        if not page:
            return
        ids = [row.id for row in page]
        last = ids[-1]
        counts = customers.counts_for(session, ids)
        journals = notes.journal_digest(session, ids)
        label_names: dict[int, list[str]] = {}
        for customer_id, name in session.execute(
            select(col(CustomerLabel.customer_id), col(Label.name))
            .join(Label, col(CustomerLabel.label_id) == Label.id)
            .where(col(CustomerLabel.customer_id).in_(ids))
            .order_by(col(CustomerLabel.customer_id), func.lower(Label.name), col(Label.name))
        ):
            label_names.setdefault(customer_id, []).append(name)
        main_ids = select(func.min(loc.id)).where(loc.customer_id.in_(ids)).group_by(loc.customer_id)
        addresses = {
            row.customer_id: row
            for row in session.execute(
                select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city, loc.country).where(
                    loc.id.in_(main_ids.scalar_subquery())
                )
            )
        }
        for row in page:
            address = addresses.get(row.id)
            count = counts[row.id]
            yield [
                row.id, row.name, mark_word() if row.marked_error else None, row.internal_name, row.customer_number,
                row.region_code, row.language, row.vat_number, row.email, _exported_phone(row.phone, row.region_code),
                journals.get(row.id),
                address.street if address else None,
                address.number if address else None,
                address.postal_code if address else None,
                address.city if address else None,
                address.country if address else None,
                ", ".join(label_names.get(row.id, ())),
                count.locations, count.installations, count.missions,
            ]  # fmt: skip


def _contact_rows(session: Session) -> Iterator[list[Any]]:
    """Every contact person by customer, as CONTACT_COLUMNS values; phones international, as the customers'."""
    contact_table, location_table, customer_table = table_of(Contact), table_of(Location), table_of(Customer)
    person, loc, c = contact_table.c, location_table.c, customer_table.c
    query = (
        select(
            person.customer_id, person.name, person.role, loc.street, loc.number, loc.postal_code, loc.city,
            person.phone, person.mobile, person.email, person.language, person.notes, c.region_code,
        )
        .join(customer_table, c.id == person.customer_id)
        .outerjoin(location_table, loc.id == person.location_id)
        .order_by(person.customer_id, person.id)
    )  # fmt: skip
    for row in session.execute(query.execution_options(yield_per=EXPORT_PAGE_SIZE)):
        site = format_address(row.street, row.number, row.postal_code, row.city) if row.street or row.city else None
        yield [
            row.customer_id, row.name, row.role, site,
            _exported_phone(row.phone, row.region_code) if row.phone else None,
            _exported_phone(row.mobile, row.region_code) if row.mobile else None,
            row.email, row.language, row.notes,
        ]  # fmt: skip


def _exported_phone(phone: str | None, region_code: str) -> str | None:
    """A stored phone as exported: international, "+32 471 08 32 21" (readable, and read back in any region)."""
    return normalise.format_phone(phone, normalise.customer_country(region_code), international=True) or phone


# A cell starting with one of these is read as a formula by Excel (all of
# them), LibreOffice (`=`) or tools that trim the blank first (tab, CR).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The columns that hold phone numbers (see _UNPREFIXED_PHONE).
_PHONE_COLUMNS = frozenset({"phone", "mobile"})
# A phone number written as "+32 471 12 34 56" stays unprefixed, so that it reads
# (and re-imports) as it is. Decided on evidence, LibreOffice 7.4 headless CSV
# import with "evaluate formulas" on, in en-US, nl-BE, fr-BE and fr-FR:
# - "+32 471 12 34 56" and "+32 2 123 45 67" stay text everywhere; only `=` starts a
#   formula there ("=1+1" became 2, =HYPERLINK(...) a link), `+`, `-`, `@` do not.
# - "+3247112345" (no blank) becomes the number 3247112345: the "+" is lost.
# - "+32 471 123 456" becomes 32471123456 in fr-FR, where a blank groups thousands.
# - "+32-471-12-34-56" stays text in LibreOffice; Excel, which reads any leading `+`
#   as a formula, would compute 32-471-12-34-56.
# "+", digits and single blanks can hold no function, reference or DDE call, so no
# spreadsheet can run anything from such a cell; at worst Excel shows an error.
# (Excel was not at hand: how it shows "+32 471 12 34 56" is reasoned, not seen.)
# So: "+", digits, and groups of digits after single blanks, unless every group after
# the first has three digits (a thousands grouping); everything else with a trigger
# gets the quote, like any other text ("'+3247112345" stays text in LibreOffice,
# which shows the quote).
_UNPREFIXED_PHONE = re.compile(r"\+[0-9]+(?: [0-9]+)+")
_THOUSANDS_GROUPED = re.compile(r"\+[0-9]{1,3}(?: [0-9]{3})+")
# Excel takes `;` as the list separator (and so as the CSV delimiter) where the
# decimal separator is a comma: Belgium and the Netherlands, the users we know.
_EXCEL_TERRITORIES = frozenset({"BE", "NL"})


def neutralise_cell(value: str, column: str | None = None) -> str:
    """`value` as a CSV cell no spreadsheet reads as a formula: "'=1+1" for "=1+1".

    The leading `'` is OWASP's advice against CSV injection: Excel takes the cell
    as text and hides the quote (so OWASP says); LibreOffice 7.4 keeps the cell as
    text and shows the quote, as other tools do. A phone
    number such as "+32 471 12 34 56" (in a `_PHONE_COLUMNS` column) is left as it
    is: no spreadsheet evaluates it (see _UNPREFIXED_PHONE).
    """
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    if column in _PHONE_COLUMNS and _UNPREFIXED_PHONE.fullmatch(value) and not _THOUSANDS_GROUPED.fullmatch(value):
        return value
    return "'" + value


def excel_is_default() -> bool:
    """Whether a CSV export should be the Excel variant by default: when dates and numbers
    follow Belgian or Dutch conventions (LANG=nl_BE, fr_BE, de_BE, nl_NL, or --lang nl/fr/de
    without a country in LANG); not for en_US, C or an unset LANG (English, en_GB formats)."""
    return format_locale().territory in _EXCEL_TERRITORIES


def export_customers(
    session: Session,
    actor: User,
    out: str | os.PathLike[str] | IO[bytes],
    format: str = "csv",
    *,
    excel: bool = False,
    progress: Callable[[int, int | None], object] | None = None,
) -> int:
    """Write every customer to `out` (a path or a binary file) as "csv" or "xlsx"; returns the rows written.

    `excel` (CSV only): UTF-8 with a BOM and `;`, for Excel in Belgium and the
    Netherlands, instead of plain RFC 4180 (UTF-8, `,`). Every text cell of either
    variant is neutralised against formulas (`neutralise_cell`). `progress(done,
    total)` is called every EXPORT_PAGE_SIZE rows and at the end."""
    require(actor, Permission.VIEW)
    if format not in ("csv", "xlsx"):
        raise ValueError(_("Unknown export format: {format} (csv or xlsx).").format(format=format))
    rows = _export_rows(session)
    if progress is not None:
        rows = _reported(rows, progress, session.execute(select(func.count()).select_from(table_of(Customer))).scalar_one())
    if format == "csv":
        written = _export_csv(rows, out, excel=excel)
        if isinstance(out, str | os.PathLike):  # a second file beside: customers.csv, customers-contacts.csv
            _export_csv(_contact_rows(session), contacts_path(out), excel=excel, columns=CONTACT_COLUMNS)
        return written
    return _export_xlsx(rows, out, contacts=_contact_rows(session))


def _reported(rows: Iterator[list[Any]], progress: Callable[[int, int | None], object], total: int) -> Iterator[list[Any]]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % EXPORT_PAGE_SIZE == 0:
            progress(done, total)
    progress(done, total)


def _csv_cell(value: Any, column: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value, column)
    return value  # ids and counts stay numbers


def _export_csv(
    rows: Iterator[list[Any]],
    out: Any,
    *,
    excel: bool = False,
    columns: tuple[str, ...] = EXPORT_COLUMNS,
    header: tuple[str, ...] | None = None,
) -> int:
    """`rows` (values of `columns`) as CSV; `header` (translated titles, neutralised) in place of the column names."""
    written = 0
    with text_output(out) as text:
        if excel:
            text.write("\ufeff")
        writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n")
        # The header is EXPORT_COLUMNS, fixed names: no user data, nothing to neutralise.
        writer.writerow(columns if header is None else [neutralise_cell(title) for title in header])
        for values in rows:
            writer.writerow([_csv_cell(value, column) for value, column in zip(values, columns, strict=True)])
            written += 1
    return written


def contacts_path(path: str | os.PathLike[str]) -> Path:
    """Where a CSV export writes the contact persons: beside the customers, "-contacts" added to the name."""
    target = Path(path)
    return target.with_name(f"{target.stem}-contacts{target.suffix or '.csv'}")


def _export_xlsx(
    rows: Iterator[list[Any]],
    out: Any,
    titles: tuple[str, ...] = EXPORT_COLUMNS,
    contacts: Iterator[list[Any]] | None = None,
) -> int:
    from openpyxl import Workbook  # noqa: PLC0415 - openpyxl loads only for an xlsx export
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 - openpyxl loads only for an xlsx export
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 - openpyxl loads only for an xlsx export
    from openpyxl.styles import Font  # noqa: PLC0415 - openpyxl loads only for an xlsx export

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def new_sheet(title: str, header: Iterable[str]) -> Any:
        """A sheet with its header row in bold, frozen above the rows."""
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        return sheet

    def cell_of(sheet: Any, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # text stays text: "=..." is not a formula, "0471..." keeps its zero
        return cell

    sheet = new_sheet(_("Customers"), titles)
    written = 0
    for values in rows:
        sheet.append([cell_of(sheet, value) for value in values])
        written += 1
    if contacts is not None:  # the contact persons: a second sheet, its rows by customer id
        people = new_sheet(_("Contacts"), CONTACT_COLUMNS)
        for values in contacts:
            people.append([cell_of(people, value) for value in values])
    if isinstance(out, str | os.PathLike):
        workbook.save(os.fspath(out))
    else:
        workbook.save(out)
    return written
