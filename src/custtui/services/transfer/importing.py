"""Importing customers: each row validated, checked for duplicates and created, with a report."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session

from custtui.errors import DomainError, ValidationError
from custtui.i18n import _, ngettext
from custtui.models import User
from custtui.services import customers, duplicates, locations, marks, normalise
from custtui.services.auth import Permission, require
from custtui.services.customers import CustomerInput
from custtui.services.locations import LocationInput
from custtui.services.regions import region_for_postal_code
from custtui.services.transfer.exporting import text_output
from custtui.services.transfer.reading import (
    IMPORT_COLUMNS,
    ImportFileError,
    Layout,
    count_rows,
    data_rows,
    decoded_lines,
    read_header,
    text_lines,
)

if TYPE_CHECKING:
    pass


STATUS_CREATED = "created"
STATUS_DUPLICATE = "duplicate"
STATUS_SKIPPED = "skipped"
STATUS_ERROR = "error"
_ADDRESS_COLUMNS = ("street", "number", "postal_code", "city")
# Service field -> the column that carries it, to name columns in error messages.
_FIELD_COLUMNS = {"vat_number": "vat", "region_code": "region"}

REPORT_COLUMNS = ("line", "status", "customer_id", "duplicate_of", "score", "message")
# Values imported as typed when they fail their check, with a warning in the report, rather than losing the row:
# a phone nobody can dial, a postal code of the wrong form. A wrong VAT number or e-mail address still refuses it.
AS_TYPED = frozenset({"phone", "postal_code"})

Progress = Callable[[int, int | None], object]



@dataclass(frozen=True)
class ImportRow:
    """What became of one data row of the file."""

    line: int  # the row's first line in the file; the header is line 1
    status: str  # "created" | "duplicate" | "skipped" | "error"
    customer_id: int | None  # the customer created ("created", "duplicate")
    duplicate_of: int | None  # the existing customer it looks like ("duplicate", "skipped"; "created": possibly)
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
# One row.
# --------------------------------------------------------------------------


def _row_values(layout: Layout, fields: list[str]) -> dict[str, str] | str:
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
    """What the row asks for: a customer, and its location when the row has an address.

    The country may be a code or a name ("Belgique"); the region, when the
    row has none, is suggested from the postal code as normalised.
    """
    country = normalise.country_code(values["country"]) or values["country"].upper() or "BE"
    postal_code = normalise.stored_postal_code(values["postal_code"], country) or values["postal_code"]
    region = values["region"].upper() or region_for_postal_code(postal_code, country) or ""
    customer = CustomerInput(
        name=values["name"],
        region_code=region,
        internal_name=values["internal_name"] or None,
        customer_number=values["customer_number"] or None,
        language=values["language"].lower() or None,
        vat_number=values["vat"] or None,
        email=values["email"] or None,
        # A phone the export neutralised against formulas ("'+32 3 456 78 90 ext. 12"): without the quote.
        phone=values["phone"].removeprefix("'") or None,
        notes=values["notes"] or None,
    )
    if not any(values[column] for column in _ADDRESS_COLUMNS):
        return customer, None
    location = LocationInput(
        street=values["street"],
        number=values["number"],
        postal_code=values["postal_code"],
        city=values["city"],
        country=values["country"] or country,
    )
    return customer, location


_UNMARKED = frozenset({"", "0", "false", "no"})
_MARKED = frozenset({"1", "true", "yes", "x"})


def _marked(values: dict[str, str]) -> tuple[dict[str, str], bool] | dict[str, str]:
    """The row with its name clean, and whether it carries the ERROR mark; or the error of its marked_error.

    Marked when the marked_error column holds the word of any catalog (what
    an export writes: ERROR, FOUT, ERREUR, FEHLER, any case) or 1/true/yes/x,
    or when the name starts with the word ("FOUT Bakkerij Peeters", as marks
    were written before).
    """
    name, typed = marks.split_marked_name(values["name"])
    column = values["marked_error"].strip().casefold()
    if column in _UNMARKED:
        given = False
    elif column in _MARKED or column in {word.casefold() for word in marks.error_words()}:
        given = True
    else:
        return {"marked_error": _("Leave it empty, or write {word} to mark the record.").format(word=marks.mark_word())}
    return {**values, "name": name}, typed or given


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
        region = customers.validate(session, customer, as_typed=AS_TYPED).region_code
    except ValidationError as error:
        errors.update(error.errors)
    if location is not None:
        try:
            locations.validate_address(session, location, fallback_region=region, as_typed=AS_TYPED)
        except ValidationError as error:
            for name, message in error.errors.items():
                errors.setdefault(name, message)
    return errors


def _kept_as_typed(message: str, warnings: dict[str, str]) -> str:
    """The row's message, and what was imported as typed and why."""
    if not warnings:
        return message
    reasons = " ".join(
        _("{column}: {message}").format(column=_FIELD_COLUMNS.get(name, name), message=text)
        for name, text in warnings.items()
    )
    kept = _("Imported as typed, please check: {reasons}").format(reasons=reasons)
    return f"{message} {kept}"


def _reasons_text(match: duplicates.Match) -> str:
    return ", ".join(reason.text for reason in match.reasons)


def _percent(score: float) -> int:
    return round(score * 100)


def _error_row(line: int, message: str) -> ImportRow:
    return ImportRow(line, STATUS_ERROR, None, None, None, message)


class _Importer:
    """Imports rows one by one, each in its own transaction, against a duplicate index kept up to date."""

    def __init__(self, session: Session, actor: User, layout: Layout, skip_duplicates: bool) -> None:
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
        found = _marked(values)
        if isinstance(found, dict):
            return _error_row(line, _describe_errors(found))
        values, marked = found
        customer_input, location_input = _inputs(values)
        # A marked record is no one's duplicate (services.marks).
        match = None if marked else self._best_match(customer_input, location_input)
        certain = match is not None and match.score >= duplicates.CERTAIN
        if match is not None and certain and self.skip_duplicates:
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
        warnings: dict[str, str] = {}
        try:
            try:
                customer = customers.create_customer(
                    self.session, self.actor, customer_input, as_typed=AS_TYPED, warnings=warnings
                )
                customer_id = customer.id
                assert customer_id is not None
                if marked:
                    marks.set_marked(self.session, self.actor, customer_id, True)
                if location_input is not None:
                    stage = "location"
                    locations.add_location(
                        self.session, self.actor, customer_id, location_input, as_typed=AS_TYPED, warnings=warnings
                    )
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
            message = _("Created as customer {id}.").format(id=customer_id)
            return ImportRow(line, STATUS_CREATED, customer_id, None, None, _kept_as_typed(message, warnings))
        if not certain:  # a possible duplicate: created, never skipped, and named for the user to check
            message = _(
                "Created as customer {id}; possibly a duplicate of customer {other} ({score} %: {reasons}), to check."
            ).format(id=customer_id, other=match.customer_id, score=_percent(match.score), reasons=_reasons_text(match))
            return ImportRow(
                line, STATUS_CREATED, customer_id, match.customer_id, match.score, _kept_as_typed(message, warnings)
            )
        message = _("Created as customer {id}; likely duplicate of customer {other} ({score} %: {reasons}).").format(
            id=customer_id, other=match.customer_id, score=_percent(match.score), reasons=_reasons_text(match)
        )
        return ImportRow(
            line, STATUS_DUPLICATE, customer_id, match.customer_id, match.score, _kept_as_typed(message, warnings)
        )

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
        matches = self.index.likely_duplicates(draft, limit=1, min_score=duplicates.POSSIBLE)
        return matches[0] if matches else None


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
            total = count_rows(stream)  # refuses a bad file before anything is written
        lines = text_lines(stream) if is_text else decoded_lines(stream)
        report = ImportReport()
        header = read_header(lines)
        if header is None:
            return report
        layout, reader = header
        with ExitStack() as stack:
            session = _open_session(stack, session_factory_or_engine)
            importer = _Importer(session, actor, layout, skip_duplicates)
            rows = data_rows(reader, layout)
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
    with text_output(path) as out:
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
