"""Import customers from CSV, export them to CSV or XLSX.

Import
------
`import_customers` reads a UTF-8 CSV file with a header line (a UTF-8 BOM is
fine; the delimiter, `,`, `;` or a tab, is sniffed from the header: Belgian
Excel writes `;`). The columns are `IMPORT_COLUMNS`, in any order and case;
only `name` must be there. The extra columns of an export file (`id`,
`labels`, `locations`, `installations`, `missions`) are accepted and ignored,
so an export file imports as it is; `notes` is imported. Any other column
refuses the whole file (`ImportFileError`) before anything is written, and so
does a file that is not UTF-8 (when the file can be read twice: a path or a
seekable stream; otherwise the import stops at the bad line and says so).

Each data row becomes a customer and, when the row has an address (street,
number, postal code or city), its location (with its default building). The
region may be left empty when the postal code (or the country) suggests one.
Every row is reported (`ImportRow`, line numbers as in the file, the header
being line 1): created, created but a likely duplicate of an existing
customer (or of an earlier row), skipped as a duplicate (`skip_duplicates`),
or an error with the translated validation messages, each naming its column.

Each row (the customer, its location and its building, their audit events)
is written and committed in its own transaction: a row that fails, whatever
the reason, is rolled back whole (never a customer without its location),
reported as an error, and the import goes on with the next row. A row
reported as created is committed. An interruption that is not the row's
fault (Ctrl-C, a `progress` callback raising to cancel, the database going
away) rolls the current row back and propagates; the rows before it stay.

Duplicates are looked up in a `DuplicateIndex` built once before the first
row and refreshed with each customer created, so a row that repeats an
earlier row of the same file is found too.

Export
------
`export_customers` writes every customer, by id, with its labels (names
joined by ", "), its counts of locations, installations and missions, and the
address of its main location (the one with the lowest id), as CSV (a header
line; streamed page by page) or XLSX (openpyxl, write-only mode).

The CSV comes in two variants: plain RFC 4180 (UTF-8 without a BOM, `,`) and,
with `excel=True`, the one Belgian and Dutch Excel opens as it is (UTF-8 with a
BOM, so "Anaïs" is not garbled, and `;`, Excel's list separator there).
`excel_is_default()` says which one the user's locale calls for; the CLI asks
it, the service does not guess.

Both CSV variants are safe to open in a spreadsheet: a text cell that starts
with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula
(CSV injection), so it gets a leading `'` (OWASP's advice; see
`neutralise_cell`). XLSX cells are typed as strings and need no prefix.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from custtui.errors import DomainError, ValidationError
from custtui.i18n import _, format_locale, ngettext
from custtui.models import Customer, CustomerLabel, Label, Location, User, table_of
from custtui.services import customers, duplicates, locations
from custtui.services.auth import Permission, require
from custtui.services.customers import CustomerInput
from custtui.services.locations import LocationInput
from custtui.services.regions import region_for_postal_code

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_PAGE_SIZE",
    "FORMULA_TRIGGERS",
    "IGNORED_COLUMNS",
    "IMPORT_COLUMNS",
    "ImportFileError",
    "ImportReport",
    "ImportRow",
    "STATUS_CREATED",
    "STATUS_DUPLICATE",
    "STATUS_ERROR",
    "STATUS_SKIPPED",
    "excel_is_default",
    "export_customers",
    "import_customers",
    "neutralise_cell",
    "write_report",
]

STATUS_CREATED = "created"
STATUS_DUPLICATE = "duplicate"
STATUS_SKIPPED = "skipped"
STATUS_ERROR = "error"

# Columns an import reads, and the export columns it accepts and ignores.
IMPORT_COLUMNS = (
    "name", "internal_name", "customer_number", "region", "language", "vat", "email", "phone", "notes",
    "street", "number", "postal_code", "city", "country",
)  # fmt: skip
IGNORED_COLUMNS = ("id", "labels", "locations", "installations", "missions")
# The model's own names are accepted too.
_COLUMN_ALIASES = {"vat_number": "vat", "region_code": "region"}
_ADDRESS_COLUMNS = ("street", "number", "postal_code", "city")
# Service field -> the column that carries it, to name columns in error messages.
_FIELD_COLUMNS = {"vat_number": "vat", "region_code": "region"}

EXPORT_COLUMNS = (
    "id", "name", "internal_name", "customer_number", "region", "language", "vat", "email", "phone", "notes",
    "street", "number", "postal_code", "city", "country", "labels", "locations", "installations", "missions",
)  # fmt: skip
EXPORT_PAGE_SIZE = 2000

REPORT_COLUMNS = ("line", "status", "customer_id", "duplicate_of", "score", "message")

Progress = Callable[[int, int | None], object]


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (its columns, its encoding); nothing was written."""


@dataclass(frozen=True)
class ImportRow:
    """What became of one data row of the file."""

    line: int  # the row's first line in the file; the header is line 1
    status: str  # "created" | "duplicate" | "skipped" | "error"
    customer_id: int | None  # the customer created ("created", "duplicate")
    duplicate_of: int | None  # the existing customer it looks like ("duplicate", "skipped")
    score: float | None  # that match's score, 0..1
    message: str  # translated, for people


@dataclass
class ImportReport:
    """Every row's outcome. `created` counts every customer created, likely duplicates included."""

    rows: list[ImportRow] = field(default_factory=list)
    created: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0

    def add(self, row: ImportRow) -> None:
        self.rows.append(row)
        if row.status in (STATUS_CREATED, STATUS_DUPLICATE):
            self.created += 1
        if row.status == STATUS_DUPLICATE:
            self.duplicates += 1
        elif row.status == STATUS_SKIPPED:
            self.skipped += 1
        elif row.status == STATUS_ERROR:
            self.errors += 1

    @property
    def summary(self) -> str:
        """One translated line: "3 customers created (1 likely duplicate), 0 skipped, 1 error."."""
        created = ngettext("{n} customer created", "{n} customers created", self.created).format(n=self.created)
        duplicates = ngettext("{n} likely duplicate", "{n} likely duplicates", self.duplicates).format(
            n=self.duplicates
        )
        skipped = ngettext("{n} skipped", "{n} skipped", self.skipped).format(n=self.skipped)
        errors = ngettext("{n} error", "{n} errors", self.errors).format(n=self.errors)
        return _("{created} ({duplicates}), {skipped}, {errors}.").format(
            created=created, duplicates=duplicates, skipped=skipped, errors=errors
        )


# --------------------------------------------------------------------------
# Reading the file.
# --------------------------------------------------------------------------


def _not_utf8(line: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file is not UTF-8 text (line {line}). In Excel, save it as \"CSV UTF-8\" and import it again."
        ).format(line=line)
    )


def _decoded_lines(binary: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, without a leading BOM; ImportFileError names the first line that is not UTF-8."""
    for number, raw in enumerate(binary, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _not_utf8(number) from None
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield text


def _text_lines(stream: IO[str]) -> Iterator[str]:
    for number, text in enumerate(stream, start=1):
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield text


def _sniff_delimiter(header_line: str) -> str:
    """`;` (Belgian Excel), a tab, or `,`: whichever the header line has most of."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass
class _Layout:
    delimiter: str
    columns: list[str | None]  # per field position: an import column, "" (no name: must be empty), None (ignored)
    header_line: int = 1  # blank lines may come before the header


def _read_header(lines: Iterator[str]) -> tuple[_Layout, Any] | None:
    """Sniff the delimiter, check the header; None for an empty file."""
    header_line = 0
    for first in lines:
        header_line += 1
        if first.strip():
            break
    else:
        return None
    delimiter = _sniff_delimiter(first)
    # skipinitialspace: `a, "b, c"` is two fields, as people who type CSV by hand mean it.
    reader = csv.reader(_chain(first, lines), delimiter=delimiter, skipinitialspace=True)
    header = next(reader)
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    names = [_COLUMN_ALIASES.get(name, name) for name in names]
    unknown = [name for name in names if name and name not in IMPORT_COLUMNS and name not in IGNORED_COLUMNS]
    if unknown:
        raise ImportFileError(
            ngettext(
                "Unknown column: {columns}. The columns are: {known}.",
                "Unknown columns: {columns}. The columns are: {known}.",
                len(unknown),
            ).format(columns=", ".join(unknown), known=", ".join(IMPORT_COLUMNS))
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise ImportFileError(
            ngettext(
                "Column {columns} appears more than once.",
                "Columns {columns} appear more than once.",
                len(repeated),
            ).format(columns=", ".join(repeated))
        )
    if "name" not in names:
        raise ImportFileError(_("The file has no column 'name'; the first line must name the columns."))
    # Blank names (Excel's trailing ";;;") must stay empty in every row; IGNORED_COLUMNS are skipped.
    columns = [name if name in IMPORT_COLUMNS or not name else None for name in names]
    return _Layout(delimiter, columns, header_line), reader


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _data_rows(reader: Any, layout: _Layout) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(first line of the row in the file, its fields or the csv error) for each non-blank data row."""
    while True:
        start = layout.header_line + reader.line_num
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, error
            continue
        if not any(cell.strip() for cell in fields):
            continue
        yield start, fields


def _count_rows(binary: IO[bytes]) -> int:
    """Check the whole file (encoding, columns) and count its data rows, before anything is written."""
    start = binary.tell()
    try:
        header = _read_header(_decoded_lines(binary))
        count = 0 if header is None else sum(1 for _row in _data_rows(header[1], header[0]))
    finally:
        binary.seek(start)
    return count


# --------------------------------------------------------------------------
# One row.
# --------------------------------------------------------------------------


def _row_values(layout: _Layout, fields: list[str]) -> dict[str, str] | str:
    """Column -> value (stripped, but notes), or the translated reason the row cannot be read."""
    named = len(layout.columns)
    if any(cell.strip() for cell in fields[named:]):
        return ngettext(
            "This row has {n} field, the header names {m}.",
            "This row has {n} fields, the header names {m}.",
            len(fields),
        ).format(n=len(fields), m=named)
    values = dict.fromkeys(IMPORT_COLUMNS, "")
    for position, (cell, column) in enumerate(zip(fields, layout.columns, strict=False), start=1):
        if column == "":
            if cell.strip():
                return _("This row has a value in column {n}, which has no name in the header.").format(n=position)
        elif column is not None:
            values[column] = cell if column == "notes" else cell.strip()
    return values


def _inputs(values: dict[str, str]) -> tuple[CustomerInput, LocationInput | None]:
    """What the row asks for: a customer, and its location when the row has an address."""
    country = values["country"].upper() or "BE"
    region = values["region"].upper() or region_for_postal_code(values["postal_code"], country) or ""
    customer = CustomerInput(
        name=values["name"],
        region_code=region,
        internal_name=values["internal_name"] or None,
        customer_number=values["customer_number"] or None,
        language=values["language"].lower() or None,
        vat_number=values["vat"] or None,
        email=values["email"] or None,
        phone=values["phone"] or None,
        notes=values["notes"] or None,
    )
    if not any(values[column] for column in _ADDRESS_COLUMNS):
        return customer, None
    location = LocationInput(
        street=values["street"],
        number=values["number"],
        postal_code=values["postal_code"],
        city=values["city"],
        country=country,
    )
    return customer, location


def _describe_errors(errors: dict[str, str]) -> str:
    """'Not imported. vat: This Belgian VAT number fails its check digits. region: ...'"""
    parts = [
        _("{column}: {message}").format(column=_FIELD_COLUMNS.get(name, name), message=message)
        for name, message in errors.items()
    ]
    return _("Not imported. {reasons}").format(reasons=" ".join(parts))


def _row_errors(session: Session, customer: CustomerInput, location: LocationInput | None) -> dict[str, str]:
    """Every problem of the row, customer and location together (empty when it is fine)."""
    errors: dict[str, str] = {}
    region = customer.region_code or "BE-VLG"
    try:
        region = customers.validate(session, customer).region_code
    except ValidationError as error:
        errors.update(error.errors)
    if location is not None:
        try:
            locations.validate_address(session, location, fallback_region=region)
        except ValidationError as error:
            for name, message in error.errors.items():
                errors.setdefault(name, message)
    return errors


def _reasons_text(match: duplicates.Match) -> str:
    return ", ".join(reason.text for reason in match.reasons)


def _percent(score: float) -> int:
    return round(score * 100)


def _error_row(line: int, message: str) -> ImportRow:
    return ImportRow(line, STATUS_ERROR, None, None, None, message)


class _Importer:
    """Imports rows one by one, each in its own transaction, against a duplicate index kept up to date."""

    def __init__(self, session: Session, actor: User, layout: _Layout, skip_duplicates: bool) -> None:
        self.session = session
        self.actor = actor
        self.layout = layout
        self.skip_duplicates = skip_duplicates
        self.index = duplicates.DuplicateIndex.build(session)
        session.rollback()  # end the read transaction: no snapshot or lock held while importing

    def row(self, line: int, fields: list[str] | csv.Error) -> ImportRow:
        try:
            return self._row(line, fields)
        finally:
            self.session.rollback()  # whatever happened, nothing of this row stays uncommitted

    def _row(self, line: int, fields: list[str] | csv.Error) -> ImportRow:
        if isinstance(fields, csv.Error):
            return _error_row(line, _("Not imported: the line cannot be read as CSV ({reason}).").format(reason=fields))
        values = _row_values(self.layout, fields)
        if isinstance(values, str):
            return _error_row(line, _("Not imported. {reasons}").format(reasons=values))
        customer_input, location_input = _inputs(values)
        match = self._best_match(customer_input, location_input)
        if match is not None and self.skip_duplicates:
            errors = _row_errors(self.session, customer_input, location_input)
            if errors:
                return _error_row(line, _describe_errors(errors))
            return ImportRow(
                line, STATUS_SKIPPED, None, match.customer_id, match.score,
                _("Skipped: likely duplicate of customer {id} ({score} %: {reasons}).").format(
                    id=match.customer_id, score=_percent(match.score), reasons=_reasons_text(match)
                ),
            )  # fmt: skip
        # The services validate; their ValidationError names the fields.
        stage = "customer"
        customer_id: int | None = None
        try:
            try:
                customer = customers.create_customer(self.session, self.actor, customer_input)
                customer_id = customer.id
                assert customer_id is not None
                if location_input is not None:
                    stage = "location"
                    locations.add_location(self.session, self.actor, customer_id, location_input)
                stage = "index"
                self.index.refresh(self.session, [customer_id])  # later rows of the file are compared with it
                stage = "commit"
                self.session.commit()  # the customer and its location, or nothing
            except BaseException:
                self.session.rollback()
                if customer_id is not None and stage in ("index", "commit"):
                    with suppress(Exception):  # the original error matters more
                        self.index.refresh(self.session, [customer_id])  # it is gone again
                raise
        except ValidationError as error:
            errors = error.errors
            if stage == "customer":  # say what is wrong with the address too, in one go
                errors = _row_errors(self.session, customer_input, location_input) or errors
            return _error_row(line, _describe_errors(errors))
        except DomainError as error:
            return _error_row(line, _("Not imported: {reason}").format(reason=error.message))
        except Exception as error:  # noqa: BLE001 - the row is rolled back whole and reported; the import goes on
            reason = (str(error).splitlines() or [type(error).__name__])[0]
            return _error_row(line, _("Not imported: unexpected error ({reason}).").format(reason=reason))
        if match is None:
            return ImportRow(
                line, STATUS_CREATED, customer_id, None, None, _("Created as customer {id}.").format(id=customer_id)
            )
        return ImportRow(
            line, STATUS_DUPLICATE, customer_id, match.customer_id, match.score,
            _("Created as customer {id}; likely duplicate of customer {other} ({score} %: {reasons}).").format(
                id=customer_id, other=match.customer_id, score=_percent(match.score), reasons=_reasons_text(match)
            ),
        )  # fmt: skip

    def _best_match(self, customer: CustomerInput, location: LocationInput | None) -> duplicates.Match | None:
        draft = duplicates.DraftCustomer.from_input(
            customer,
            street=location.street if location else "",
            number=location.number if location else "",
            postal_code=location.postal_code if location else "",
            city=location.city if location else "",
        )
        # A trailing blank tells the index the name is complete, not a prefix still being typed.
        draft = replace(draft, name=draft.name + " ")
        matches = self.index.likely_duplicates(draft, limit=1, min_score=duplicates.DEFAULT_MIN_SCORE)
        return matches[0] if matches and matches[0].score >= duplicates.DEFAULT_MIN_SCORE else None


def _open_session(stack: ExitStack, source: Engine | Callable[[], Session]) -> Session:
    """A session of our own, from an Engine or a session factory (sessionmaker, lambda: Session(engine))."""
    if isinstance(source, Engine):
        # One connection for the whole import: no pool check-out (and ping) per row.
        connection = stack.enter_context(source.connect())
        session = Session(bind=connection, expire_on_commit=False)
    elif isinstance(source, Session) or not callable(source):
        # A caller's session would be committed row by row, its own pending changes with it.
        raise TypeError(f"expected an Engine or a session factory, not {type(source).__name__}")
    else:
        session = source()
    # Closed first: after an interruption, that rolls the current row back; the committed rows stay.
    stack.callback(session.close)
    return session


def _seekable(stream: IO[Any]) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def import_customers(
    session_factory_or_engine: Engine | Callable[[], Session],
    actor: User,
    path_or_stream: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    skip_duplicates: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the customers of a CSV file; see the module docstring.

    `session_factory_or_engine`: an Engine or a callable returning a new
    Session; the import commits it row by row and closes it at the end.
    `progress(done, total)` is called after each data row; `total` is the
    number of data rows when the file could be read ahead (a path or a
    seekable binary stream), else None. Raising from it cancels the import;
    the rows done so far stay.

    Raises PermissionDenied without the import permission, ImportFileError
    when the file as a whole cannot be imported (nothing is written then),
    FileNotFoundError for a missing path.
    """
    require(actor, Permission.IMPORT)
    require(actor, Permission.EDIT)
    close_file = isinstance(path_or_stream, str | os.PathLike)
    stream: IO[Any] = open(path_or_stream, "rb") if isinstance(path_or_stream, str | os.PathLike) else path_or_stream
    try:
        is_text = isinstance(stream, io.TextIOBase)
        total: int | None = None
        if not is_text and _seekable(stream):
            total = _count_rows(stream)  # refuses a bad file before anything is written
        lines = _text_lines(stream) if is_text else _decoded_lines(stream)
        report = ImportReport()
        header = _read_header(lines)
        if header is None:
            return report
        layout, reader = header
        with ExitStack() as stack:
            session = _open_session(stack, session_factory_or_engine)
            importer = _Importer(session, actor, layout, skip_duplicates)
            rows = _data_rows(reader, layout)
            while True:
                try:
                    line, fields = next(rows)
                except StopIteration:
                    break
                except ImportFileError as error:
                    # A stream that could not be read ahead: stop at the bad line, keep what was imported.
                    rest = _("The rest of the file was not imported.")
                    report.add(_error_row(layout.header_line + reader.line_num, f"{error.message} {rest}"))
                    break
                report.add(importer.row(line, fields))
                if progress is not None:
                    progress(len(report.rows), total)
        return report
    finally:
        if close_file:
            stream.close()


def write_report(report: ImportReport, path: str | os.PathLike[str] | IO[bytes]) -> None:
    """The report as CSV (UTF-8, `,`): line, status, customer_id, duplicate_of, score, message."""
    with _text_output(path) as out:
        writer = csv.writer(out)
        writer.writerow(REPORT_COLUMNS)
        for row in report.rows:
            writer.writerow(
                [
                    row.line,
                    row.status,
                    "" if row.customer_id is None else row.customer_id,
                    "" if row.duplicate_of is None else row.duplicate_of,
                    "" if row.score is None else f"{row.score:.4f}",
                    row.message,
                ]
            )


# --------------------------------------------------------------------------
# Export.
# --------------------------------------------------------------------------


class _text_output:
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
        c.id, c.name, c.internal_name, c.customer_number, c.region_code, c.language, c.vat_number, c.email,
        c.phone, c.notes,
    ).order_by(c.id)  # fmt: skip
    last = 0
    while True:
        page = session.execute(customer_query.where(c.id > last).limit(EXPORT_PAGE_SIZE)).all()
        if not page:
            return
        ids = [row.id for row in page]
        last = ids[-1]
        counts = customers.counts_for(session, ids)
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
                row.id, row.name, row.internal_name, row.customer_number, row.region_code, row.language,
                row.vat_number, row.email, row.phone, row.notes,
                address.street if address else None,
                address.number if address else None,
                address.postal_code if address else None,
                address.city if address else None,
                address.country if address else None,
                ", ".join(label_names.get(row.id, ())),
                count.locations, count.installations, count.missions,
            ]  # fmt: skip


# A cell starting with one of these is read as a formula by Excel (all of
# them), LibreOffice (`=`) or tools that trim the blank first (tab, CR).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The columns that hold phone numbers (see _UNPREFIXED_PHONE).
_PHONE_COLUMNS = frozenset({"phone"})
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
) -> int:
    """Write every customer to `out` (a path or a binary file) as "csv" or "xlsx"; returns the rows written.

    `excel` (CSV only): UTF-8 with a BOM and `;`, for Excel in Belgium and the
    Netherlands, instead of plain RFC 4180 (UTF-8, `,`). Every text cell of either
    variant is neutralised against formulas (`neutralise_cell`)."""
    require(actor, Permission.VIEW)
    if format == "csv":
        return _export_csv(session, out, excel=excel)
    if format == "xlsx":
        return _export_xlsx(session, out)
    raise ValueError(_("Unknown export format: {format} (csv or xlsx).").format(format=format))


def _csv_cell(value: Any, column: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value, column)
    return value  # ids and counts stay numbers


def _export_csv(session: Session, out: Any, *, excel: bool = False) -> int:
    written = 0
    with _text_output(out) as text:
        if excel:
            text.write("\ufeff")
        writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n")
        # The header is EXPORT_COLUMNS, fixed names: no user data, nothing to neutralise.
        writer.writerow(EXPORT_COLUMNS)
        for values in _export_rows(session):
            writer.writerow([_csv_cell(value, column) for value, column in zip(values, EXPORT_COLUMNS, strict=True)])
            written += 1
    return written


def _export_xlsx(session: Session, out: Any) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Customers")[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def cell_of(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # text stays text: "=..." is not a formula, "0471..." keeps its zero
        return cell

    written = 0
    for values in _export_rows(session):
        sheet.append([cell_of(value) for value in values])
        written += 1
    if isinstance(out, str | os.PathLike):
        workbook.save(os.fspath(out))
    else:
        workbook.save(out)
    return written


