"""Importing customers: rows validated, checked for duplicates and written batch by batch, resumable, with a report.

A batch (BATCH_ROWS data rows) is one transaction: its customers, their
sites and default buildings, their audit events, the outcome of each of its
rows (import_row) and the import's progress (import_run.last_line and the
counts). So an import stopped anywhere (Ctrl-C, SIGTERM, kill -9, the
machine going down) has either all of a batch or none of it, and the import
record says which rows are in: `resume=` goes on after its last line and
creates nothing twice.

Rows are checked one by one before their batch is written: validation (the
services' own rules: customers.validate, locations.validate_address) and the
duplicate check against a DuplicateIndex built once and kept up to date with
every row accepted, under a provisional id until its batch is in, so a row
that repeats an earlier row of the same file is found too, in the same batch
or not. The duplicate check of a batch runs while the next one is validated
and the one before is written, in a second process on a machine with a
second core (matching.py).
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection, Engine, Select, Table, insert, select, text, update
from sqlmodel import Session

from custtui.errors import NotFound, ValidationError
from custtui.i18n import _, format_number, format_percent, ngettext, pgettext
from custtui.models import (
    AuditEvent,
    Building,
    Customer,
    ImportRowOutcome,
    ImportRun,
    JournalNote,
    Location,
    User,
    table_of,
    utcnow,
)
from custtui.services import audit, customers, duplicates, locations, marks, normalise, notes
from custtui.services.auth import Permission, require
from custtui.services.building import Stop, never_stop, return_free_memory
from custtui.services.customers import CustomerInput
from custtui.services.duplicates.drafts import Checked, Draft
from custtui.services.duplicates.records import Record, draft_record
from custtui.services.locations import LocationInput
from custtui.services.regions import region_for_postal_code
from custtui.services.transfer import people
from custtui.services.transfer.exporting import text_output
from custtui.services.transfer.matching import Matcher, start_matcher
from custtui.services.transfer.reading import IMPORT_COLUMNS, ImportFileError, Row, SourceLayout, open_source

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

# Rows per transaction. Large enough that a commit (an fsync) costs little per row, small enough that a stop
# is quick and an interrupted batch loses little work.
BATCH_ROWS = 500
# Accepted rows wait in the duplicate index under these ids until their batch is written: far above any
# real id, below 2**31 (the index keeps ids in int32 arrays).
_PROVISIONAL_START = 2_000_000_000
TRIM_EVERY = 5000  # rows between two returns of freed memory to the system
# A file of fewer rows is checked in this process: a second one would start (~0.5 s) for little overlap.
SECOND_PROCESS_ROWS = 2 * BATCH_ROWS

Progress = Callable[[int, int | None], object]

RUN_RUNNING = "running"
RUN_STOPPED = "stopped"
RUN_DONE = "done"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """What became of one data row of the file."""

    line: int  # the row's first line in the file; the header is line 1
    status: str  # "created" | "duplicate" | "skipped" | "error"
    customer_id: int | None  # the customer created ("created", "duplicate")
    duplicate_of: int | None  # the existing customer it looks like ("duplicate", "skipped"; "created": possibly)
    score: float | None  # that match's score, 0..1
    message: str  # translated, for people
    warning: bool = False  # created, but something was left out or kept as typed: to check


def status_name(status: str) -> str:
    """A row's outcome for people, in the UI language; the report file keeps the codes (created, error...)."""
    names = {
        STATUS_CREATED: pgettext("import row", "created"),
        STATUS_DUPLICATE: pgettext("import row", "duplicate"),
        STATUS_SKIPPED: pgettext("import row", "skipped"),
        STATUS_ERROR: pgettext("import row", "error"),
    }
    return names.get(status, status)


def needs_checking(row: ImportRow) -> bool:
    """Not simply created: an error, a skip, a likely or possible duplicate, or something to check."""
    return row.status != STATUS_CREATED or row.duplicate_of is not None or row.warning


@dataclass
class ImportReport:
    """Every row's outcome. `created` counts every customer created, likely duplicates included."""

    rows: list[ImportRow] = field(default_factory=list)
    created: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0
    warnings: int = 0
    import_id: int | None = None  # the import record (None for a dry run)
    stopped: bool = False  # stop() ended it before the end of the file: resume with import_id
    dry_run: bool = False
    total: int | None = None  # data rows in the file, when known
    notes: list[str] = field(default_factory=list)  # about the file as a whole (its encoding, columns left out)
    # False: `rows` holds only the rows to check (needs_checking); every row's outcome is in the database
    # (import_row), which write_report reads. An import of 200,000 rows held 65 MB of report otherwise.
    keep_created: bool = True
    # With keep_created False, at most this many rows to check are kept in `rows`, the first ones (None:
    # all): a caller that prints a few (the CLI) holds no more (57,000 of them were 24 MB at 200,000 rows).
    most_kept: int | None = None
    counted: int = 0  # rows done, kept in `rows` or not
    to_check: int = 0  # rows done that need checking (needs_checking), kept in `rows` or not

    def add(self, row: ImportRow) -> None:
        self.counted += 1
        to_check = needs_checking(row)
        self.to_check += to_check
        if self.keep_created or (to_check and (self.most_kept is None or len(self.rows) < self.most_kept)):
            self.rows.append(row)
        if row.status in (STATUS_CREATED, STATUS_DUPLICATE):
            self.created += 1
        if row.status == STATUS_DUPLICATE:
            self.duplicates += 1
        elif row.status == STATUS_SKIPPED:
            self.skipped += 1
        elif row.status == STATUS_ERROR:
            self.errors += 1
        if row.warning:
            self.warnings += 1

    @property
    def done(self) -> int:
        return self.counted

    @property
    def summary(self) -> str:
        """One translated line: "3 customers created (1 likely duplicate), 0 skipped, 1 error."."""
        n = format_number
        if self.dry_run:
            created = ngettext("{n} customer would be created", "{n} customers would be created", self.created)
        else:
            created = ngettext("{n} customer created", "{n} customers created", self.created)
        duplicates = ngettext("{n} likely duplicate", "{n} likely duplicates", self.duplicates)
        skipped = ngettext("{n} skipped", "{n} skipped", self.skipped)
        errors = ngettext("{n} error", "{n} errors", self.errors)
        return _("{created} ({duplicates}), {skipped}, {errors}.").format(
            created=created.format(n=n(self.created)),
            duplicates=duplicates.format(n=n(self.duplicates)),
            skipped=skipped.format(n=n(self.skipped)),
            errors=errors.format(n=n(self.errors)),
        )


@dataclass(frozen=True)
class UnfinishedImport:
    """An import that stopped before the end of its file."""

    id: int
    file_name: str
    started_at: datetime
    user_login: str
    rows_done: int
    last_line: int


# --------------------------------------------------------------------------
# One row: read, validated, checked for duplicates.
# --------------------------------------------------------------------------


def _row_values(layout: SourceLayout, fields: list[str]) -> dict[str, str] | str:
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
    """What the row asks for: a customer, and its location when the row has an address (its notes: _Checker.check).

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


def _column_messages(errors: Mapping[str, str]) -> str:
    return " ".join(
        _("{column}: {message}").format(column=_FIELD_COLUMNS.get(name, name), message=message)
        for name, message in errors.items()
    )


def _describe_errors(errors: Mapping[str, str]) -> str:
    """'Not imported. vat: This Belgian VAT number fails its check digits. region: ...'"""
    return _("Not imported. {reasons}").format(reasons=_column_messages(errors))


def _with_warnings(message: str, kept: Mapping[str, str], no_site: Mapping[str, str]) -> str:
    """The row's message, then what was imported as typed, and why no site was made."""
    parts = [message]
    if kept:
        parts.append(_("Imported as typed, please check: {reasons}").format(reasons=_column_messages(kept)))
    if no_site:
        parts.append(
            _("No site was created, the address is not usable: {reasons}").format(reasons=_column_messages(no_site))
        )
    return " ".join(parts)


def _reasons_text(match: duplicates.Match) -> str:
    return ", ".join(reason.text for reason in match.reasons)


def _percent(score: float) -> str:
    """'85 %' in French and German, '85%' in Dutch and English."""
    return format_percent(round(score, 2))


def _error_row(line: int, message: str) -> ImportRow:
    return ImportRow(line, STATUS_ERROR, None, None, None, message)


@dataclass(slots=True)
class _Accepted:
    """A row that passed its checks, waiting for its batch to be written."""

    line: int
    provisional_id: int
    customer: CustomerInput  # cleaned
    location: LocationInput | None  # cleaned; None: no site
    note: str | None  # the notes column, cleaned: the journal's first entry
    marked: bool
    record: Record | None  # for the duplicate check, until it is sent
    kept: dict[str, str]  # values imported as typed, with why
    no_site: dict[str, str]  # why the address was left out
    indexed: bool  # in the duplicate index (a marked record is in none)
    # From the duplicate check; customer_id may be provisional (an earlier row of this file).
    match: duplicates.Match | None = None


@dataclass(frozen=True, slots=True)
class _Skipped:
    """A likely duplicate left out (skip_duplicates); its message waits for the ids of its batch."""

    line: int
    match: duplicates.Match


_Entry = _Accepted | _Skipped | ImportRow  # a batch's rows in file order; an ImportRow: an error


class _Checker:
    """Reads and validates one row at a time, for the duplicate check of its batch (matching.py)."""

    def __init__(self, session: Session, layout: SourceLayout) -> None:
        self.session = session
        self.layout = layout
        self.next_provisional = _PROVISIONAL_START
        self.provisional_lines: dict[int, int] = {}  # provisional id -> its line (shown in a dry run)

    def check(self, line: int, fields: list[str] | str) -> _Entry:
        if isinstance(fields, str):  # the reader's reason the row cannot be read
            return _error_row(line, fields)
        values = _row_values(self.layout, fields)
        if isinstance(values, str):
            return _error_row(line, _("Not imported. {reasons}").format(reasons=values))
        found = _marked(values)
        if isinstance(found, dict):
            return _error_row(line, _describe_errors(found))
        values, marked = found
        customer_input, location_input = _inputs(values)
        kept: dict[str, str] = {}
        try:
            customer = customers.validate(self.session, customer_input, as_typed=AS_TYPED, warnings=kept)
            # The notes column becomes the customer's first journal entry.
            note = notes.clean_text(values["notes"], "notes") if values["notes"].strip() else None
        except ValidationError as error:
            return _error_row(line, _describe_errors(error.errors))
        location: LocationInput | None = None
        no_site: dict[str, str] = {}
        if location_input is not None:
            site_kept: dict[str, str] = {}
            try:
                location = locations.validate_address(
                    self.session, location_input, fallback_region=customer.region_code, as_typed=AS_TYPED,
                    warnings=site_kept,
                )  # fmt: skip
            except ValidationError as error:
                no_site = dict(error.errors)
            else:
                for name, message in site_kept.items():
                    kept.setdefault(name, message)
        record = draft_record(self._draft(customer, location))
        provisional = self.next_provisional
        self.next_provisional += 1
        self.provisional_lines[provisional] = line
        return _Accepted(line, provisional, customer, location, note, marked, record, kept, no_site, not marked)

    def drafts(self, batch: list[_Entry]) -> list[Draft]:
        """The batch's accepted rows, for the duplicate check (their records are dropped here)."""
        drafts = []
        for entry in batch:
            if isinstance(entry, _Accepted) and entry.record is not None:
                drafts.append(Draft(entry.provisional_id, entry.record, entry.marked))
                entry.record = None
        return drafts

    def checked(self, batch: list[_Entry], answers: list[Checked]) -> list[_Entry]:
        """The batch with its duplicate check's answers: each accepted row's match, the likely duplicates skipped."""
        answer = iter(answers)
        entries: list[_Entry] = []
        for entry in batch:
            if isinstance(entry, _Accepted):
                check = next(answer)
                if check.skipped and check.match is not None:
                    self.provisional_lines.pop(entry.provisional_id, None)
                    entries.append(_Skipped(entry.line, check.match))
                    continue
                entry.match = check.match
            entries.append(entry)
        return entries

    @staticmethod
    def _draft(customer: CustomerInput, location: LocationInput | None) -> duplicates.DraftCustomer:
        return duplicates.DraftCustomer.from_input(
            customer,
            street=location.street if location else "",
            number=location.number if location else "",
            postal_code=location.postal_code if location else "",
            city=location.city if location else "",
        )


# --------------------------------------------------------------------------
# A batch: written in one transaction with the import's progress.
# --------------------------------------------------------------------------


class _Writer:
    """Writes batches: the rows' records, their outcomes and the import's progress, one transaction each."""

    def __init__(
        self, session: Session, actor: User, run_id: int | None, dry_run: bool, checker: _Checker, matcher: Matcher
    ) -> None:
        self.session = session
        self.actor = actor
        self.run_id = run_id
        self.dry_run = dry_run
        self.checker = checker
        self.matcher = matcher
        self.batch_ids: dict[int, int] = {}  # provisional -> real id, of the rows of the batch being written
        # ... and of the batch before: the batch being written was checked while that one was written.
        self.earlier_ids: dict[int, int] = {}
        self.earlier_rows: list[int] = []  # the batch before's provisional ids
        self.customer_table = table_of(Customer)
        self.location_table = table_of(Location)
        self.building_table = table_of(Building)
        self.audit_table = table_of(AuditEvent)
        self.note_table = table_of(JournalNote)
        self.outcome_table = table_of(ImportRowOutcome)
        self.run_table = table_of(ImportRun)

    def write(self, entries: list[_Entry], report: ImportReport) -> None:
        """Write these rows in one transaction; should that fail, row by row, reporting the rows that fail."""
        self.earlier_ids, self.batch_ids = self.batch_ids, {}
        try:
            rows = self._write(entries)
        except Exception:  # noqa: BLE001 - a row the database refuses: find it, write the others
            self.session.rollback()
            rows = []
            for entry in entries:
                try:
                    rows += self._write([entry])
                except Exception as error:  # noqa: BLE001 - the row is rolled back whole and reported
                    self.session.rollback()
                    self._forget([entry])
                    reason = (str(error).splitlines() or [type(error).__name__])[0]
                    failed = _error_row(entry.line, _("Not imported: unexpected error ({reason}).").format(reason=reason))
                    rows += self._write([failed])
        for row in rows:
            report.add(row)
        if not self.dry_run:  # a row's line is kept while the next batch, checked meanwhile, may name it
            for provisional_id in self.earlier_rows:
                self.checker.provisional_lines.pop(provisional_id, None)
            self.earlier_rows = [entry.provisional_id for entry in entries if isinstance(entry, _Accepted)]

    def _forget(self, entries: list[_Entry]) -> None:
        """Take rows that were not written out of the duplicate index."""
        ids = [entry.provisional_id for entry in entries if isinstance(entry, _Accepted) and entry.indexed]
        if ids:
            self.matcher.forget(ids)

    def _reserve_ids(self, connection: Connection, table: Table, count: int) -> list[int]:
        """`count` new ids of `table`, for an insert without RETURNING (which SQLite runs row by row).

        PostgreSQL hands them out from the table's sequence (safe beside other writers). SQLite has one
        writer at a time: the batch holds the write lock (its first statement wrote), so the ids after
        the highest ever given (sqlite_sequence: the tables never reuse ids) are ours.
        """
        if connection.dialect.name == "postgresql":
            query = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")
            return list(connection.execute(query, {"table": table.name, "count": count}).scalars())
        highest = connection.execute(
            text(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = :table), 0), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0))"
            ),
            {"table": table.name},
        ).scalar_one()
        return list(range(highest + 1, highest + 1 + count))

    def _insert(
        self, connection: Connection, table: Table, entity: str, rows: list[dict[str, Any]], now: datetime
    ) -> tuple[list[int], list[dict[str, Any]]]:
        """Insert these rows under new ids; the ids, and their audit events ("create", as audit.record writes)."""
        new_ids = self._reserve_ids(connection, table, len(rows))
        for values, new_id in zip(rows, new_ids, strict=True):
            values["id"] = new_id
        connection.execute(insert(table), rows)
        events = [
            {"at": now, "user_login": self.actor.login, "entity": entity, "entity_id": new_id, "action": "create",
             "before": None, "after": audit.snapshot_of_row(table, values)}
            for values, new_id in zip(rows, new_ids, strict=True)
        ]  # fmt: skip
        return new_ids, events

    def _write(self, entries: list[_Entry]) -> list[ImportRow]:
        connection = self.session.connection()
        if self.run_id is not None:  # first a write: on SQLite, the batch holds the write lock from here
            run = self.run_table.c
            connection.execute(update(self.run_table).where(run.id == self.run_id).values(status=RUN_RUNNING))
        accepted = [entry for entry in entries if isinstance(entry, _Accepted)]
        now = utcnow()
        ids: dict[int, int] = {}
        if accepted:
            customer_rows = [
                {
                    **vars(entry.customer), "marked_error": entry.marked, "created_at": now, "updated_at": now,
                    "version": 1, "created_by": self.actor.login,
                }
                for entry in accepted
            ]  # fmt: skip
            new_ids, events = self._insert(connection, self.customer_table, customers.ENTITY, customer_rows, now)
            ids = {entry.provisional_id: new_id for entry, new_id in zip(accepted, new_ids, strict=True)}
            sited = [entry for entry in accepted if entry.location is not None]
            if sited:
                location_rows = [
                    {**vars(entry.location), "customer_id": ids[entry.provisional_id], "created_at": now,
                     "updated_at": now, "created_by": self.actor.login}
                    for entry in sited if entry.location is not None
                ]  # fmt: skip
                location_ids, location_events = self._insert(
                    connection, self.location_table, locations.ENTITY, location_rows, now
                )
                events += location_events
                # Named in the customer's document language, as a site added by hand (locations.building_name_for).
                connection.execute(
                    insert(self.building_table),
                    [
                        {"location_id": location_id, "name": locations.default_building_name(entry.customer.language)}
                        for entry, location_id in zip(sited, location_ids, strict=True)
                    ],
                )
            noted = [entry for entry in accepted if entry.note]
            if noted:
                note_rows = [
                    {"customer_id": ids[entry.provisional_id], "at": now, "user_login": self.actor.login, "text": entry.note}
                    for entry in noted
                ]
                events += self._insert(connection, self.note_table, "note", note_rows, now)[1]
            connection.execute(insert(self.audit_table), events)
        # A match with a provisional id is a row of this batch: once written, the index knows the real id.
        rows = [self._outcome(entry, {**self.earlier_ids, **self.batch_ids, **ids}) for entry in entries]
        if self.run_id is not None:
            connection.execute(
                insert(self.outcome_table),
                [
                    {"import_id": self.run_id, "line": row.line, "status": row.status, "customer_id": row.customer_id,
                     "duplicate_of": row.duplicate_of, "score": row.score, "warning": row.warning,
                     "message": row.message[:4000]}
                    for row in rows
                ],
            )  # fmt: skip
            counted = ImportReport()
            for row in rows:
                counted.add(row)
            run = self.run_table.c
            connection.execute(
                update(self.run_table)
                .where(run.id == self.run_id)
                .values(
                    last_line=max(row.line for row in rows),
                    rows_done=run.rows_done + len(rows),
                    created=run.created + counted.created,
                    duplicates=run.duplicates + counted.duplicates,
                    skipped=run.skipped + counted.skipped,
                    errors=run.errors + counted.errors,
                    warnings=run.warnings + counted.warnings,
                )
            )
        if self.dry_run:
            self.session.rollback()
        else:
            self.session.commit()
            self.batch_ids.update(ids)
            # In the index, each written row's provisional record becomes the customer as stored.
            renamed = {entry.provisional_id: ids[entry.provisional_id] for entry in accepted if entry.indexed}
            if renamed:
                self.matcher.rename(renamed)
        return rows

    def _other(self, customer_id: int, known: Mapping[int, int]) -> tuple[int | None, int | None]:
        """(the customer id, or the line of the row in this file) a match points at."""
        if customer_id < _PROVISIONAL_START:
            return customer_id, None
        real = known.get(customer_id)
        if real is not None and not self.dry_run:
            return real, None
        return None, self.checker.provisional_lines.get(customer_id)

    def _outcome(self, entry: _Entry, known: Mapping[int, int]) -> ImportRow:
        """The row's report line, now that the ids are known."""
        if isinstance(entry, ImportRow):
            return entry
        if isinstance(entry, _Skipped):
            other, line = self._other(entry.match.customer_id, known)
            score, reasons = _percent(entry.match.score), _reasons_text(entry.match)
            if other is not None:
                message = _("Skipped: likely duplicate of customer {id} ({score}: {reasons}).").format(
                    id=other, score=score, reasons=reasons
                )
            else:
                message = _("Skipped: likely duplicate of the row on line {line} ({score}: {reasons}).").format(
                    line=line, score=score, reasons=reasons
                )
            return ImportRow(entry.line, STATUS_SKIPPED, None, other, entry.match.score, message)
        customer_id = None if self.dry_run else known[entry.provisional_id]
        match = entry.match
        if match is not None and not self.dry_run and self._other(match.customer_id, known)[0] is None:
            match = None  # like a row of the batch before that was not written after all (a database error)
        warning = bool(entry.kept or entry.no_site)
        if match is None:
            if self.dry_run:
                message = _("Would be created.")
            else:
                message = _("Created as customer {id}.").format(id=customer_id)
            message = _with_warnings(message, entry.kept, entry.no_site)
            return ImportRow(entry.line, STATUS_CREATED, customer_id, None, None, message, warning)
        other, line = self._other(match.customer_id, known)
        certain = match.score >= duplicates.CERTAIN
        fields = {"id": customer_id, "other": other, "line": line, "score": _percent(match.score),
                  "reasons": _reasons_text(match)}  # fmt: skip
        message = self._duplicate_message(certain, other is not None).format(**fields)
        status = STATUS_DUPLICATE if certain else STATUS_CREATED  # a possible duplicate: created, to check
        message = _with_warnings(message, entry.kept, entry.no_site)
        return ImportRow(entry.line, status, customer_id, other, match.score, message, warning)

    def _duplicate_message(self, certain: bool, of_customer: bool) -> str:
        if self.dry_run:
            if certain:
                if of_customer:
                    return _("Would be created; likely duplicate of customer {other} ({score}: {reasons}).")
                return _("Would be created; likely duplicate of the row on line {line} ({score}: {reasons}).")
            if of_customer:
                return _("Would be created; possibly a duplicate of customer {other} ({score}: {reasons}), to check.")
            return _("Would be created; possibly a duplicate of the row on line {line} ({score}: {reasons}), to check.")
        if certain:
            return _("Created as customer {id}; likely duplicate of customer {other} ({score}: {reasons}).")
        return _("Created as customer {id}; possibly a duplicate of customer {other} ({score}: {reasons}), to check.")


# --------------------------------------------------------------------------
# The import.
# --------------------------------------------------------------------------


def _open_session(stack: ExitStack, source: Engine | Callable[[], Session]) -> Session:
    """A session of our own, from an Engine or a session factory (sessionmaker, lambda: Session(engine))."""
    if isinstance(source, Engine):
        # One connection for the whole import: no pool check-out (and ping) per batch.
        connection = stack.enter_context(source.connect())
        session = Session(bind=connection, expire_on_commit=False)
    elif isinstance(source, Session) or not callable(source):
        # A caller's session would be committed batch by batch, its own pending changes with it.
        raise TypeError(f"expected an Engine or a session factory, not {type(source).__name__}")
    else:
        session = source()
    # Closed first: after an interruption, that rolls the current batch back; the committed ones stay.
    stack.callback(session.close)
    return session


def file_digest(path_or_stream: str | os.PathLike[str] | IO[bytes] | IO[str]) -> str:
    """SHA-256 of the file (a path or a seekable binary stream, read back to where it was), else ""."""
    if isinstance(path_or_stream, str | os.PathLike):
        with open(path_or_stream, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    stream = path_or_stream
    try:
        if not stream.seekable() or isinstance(stream.read(0), str):
            return ""
        start = stream.tell()
        digest = hashlib.sha256()
        while chunk := stream.read(1 << 20):
            digest.update(chunk)  # type: ignore[arg-type]
        stream.seek(start)
    except (AttributeError, ValueError, OSError):
        return ""
    return digest.hexdigest()


def _file_name(path_or_stream: object) -> str:
    if isinstance(path_or_stream, str | os.PathLike):
        return os.path.abspath(os.fspath(path_or_stream))[-400:]
    return str(getattr(path_or_stream, "name", ""))[-400:]


def unfinished_imports(session: Session, digest: str | None = None) -> list[UnfinishedImport]:
    """Imports that stopped before the end of their file, newest first; of one file when `digest` is given."""
    run = table_of(ImportRun).c
    query = select(table_of(ImportRun)).where(run.status != RUN_DONE).order_by(run.id.desc())
    if digest:
        query = query.where(run.file_digest == digest)
    return [
        UnfinishedImport(row.id, row.file_name, row.started_at, row.user_login, row.rows_done, row.last_line)
        for row in session.execute(query).all()
    ]


def _outcomes(run_id: int, only_to_check: bool = False) -> Select[Any]:
    outcome = table_of(ImportRowOutcome).c
    query = (
        select(outcome.line, outcome.status, outcome.customer_id, outcome.duplicate_of, outcome.score,
               outcome.message, outcome.warning)
        .where(outcome.import_id == run_id)
        .order_by(outcome.line)
    )  # fmt: skip
    if only_to_check:
        query = query.where(
            (outcome.status != STATUS_CREATED) | outcome.duplicate_of.is_not(None) | outcome.warning.is_(True)
        )
    return query


def _stored_rows(source: Engine, run_id: int) -> Iterator[ImportRow]:
    """Every row's outcome of an import, from the database, a page at a time."""
    with source.connect() as connection:
        for row in connection.execution_options(yield_per=5000).execute(_outcomes(run_id)):
            yield ImportRow(*row)


def _start_run(
    session: Session,
    actor: User,
    path_or_stream: object,
    digest: str,
    options: dict[str, Any],
    resume: int | None,
    keep_created: bool,
) -> tuple[ImportRun, list[ImportRow]]:
    """The import record (a new one, or the one resumed) and the rows it already did."""
    if resume is None:
        run = ImportRun(user_login=actor.login, file_name=_file_name(path_or_stream), file_digest=digest, options=options)
        session.add(run)
        session.commit()
        return run, []
    found = session.get(ImportRun, resume)
    if found is None:
        raise NotFound(_("Import {id} does not exist.").format(id=resume))
    if found.status == RUN_DONE:
        raise ImportFileError(_("Import {id} is finished; there is nothing to resume.").format(id=resume))
    if found.file_digest and digest and found.file_digest != digest:
        raise ImportFileError(
            _("This is not the file of import {id}, or it changed since: a resumed import must read the same file.").format(
                id=resume
            )
        )
    found.status = RUN_RUNNING
    session.commit()
    return found, [ImportRow(*row) for row in session.execute(_outcomes(resume, only_to_check=not keep_created))]


def import_customers(
    session_factory_or_engine: Engine | Callable[[], Session],
    actor: User,
    path_or_stream: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    skip_duplicates: bool = False,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    resume: int | None = None,
    progress: Progress | None = None,
    stop: Stop = never_stop,
    report: ImportReport | None = None,
    keep_created: bool = True,
) -> ImportReport:
    """Import the customers of a CSV or XLSX file; see the module docstring and reading.open_source.

    `session_factory_or_engine`: an Engine or a callable returning a new
    Session; the import commits it batch by batch and closes it at the end.
    `mapping`: column -> the file's header it is read from (reading.py).
    `dry_run`: everything is checked and written, then rolled back: the
    report says what would happen. `resume`: the id of a stopped import of
    the same file; it goes on after the last row that import wrote, with its
    options (skip_duplicates, mapping), and the report holds every row.
    `progress(done, total)` is called after each batch (data rows so far,
    and the number of data rows when the file could be read ahead, else
    None). `stop()` is asked after each batch: when it says so, the import
    stops there (report.stopped; resume later with report.import_id).
    Raising from `progress`, or an interruption (KeyboardInterrupt), rolls
    the current batch back; the batches before stay, and it can be resumed.
    `report`: an ImportReport to fill (and return), so that a caller
    interrupted midway still holds the rows done. `keep_created=False`:
    the report keeps only the rows to check in memory (ImportReport.
    keep_created; a dry run keeps them all).

    Raises PermissionDenied without the import permission, ImportFileError
    when the file as a whole cannot be imported (nothing is written then),
    FileNotFoundError for a missing path, NotFound for an unknown `resume`.
    """
    require(actor, Permission.IMPORT)
    require(actor, Permission.EDIT)
    digest = file_digest(path_or_stream)
    with ExitStack() as stack:
        session = _open_session(stack, session_factory_or_engine)
        if resume is not None:
            run = session.get(ImportRun, resume)
            if run is not None:  # a resumed import reads the file as it was read first
                skip_duplicates = bool(run.options.get("skip_duplicates", skip_duplicates))
                mapping = run.options.get("mapping") or mapping
        source = stack.enter_context(open_source(path_or_stream, mapping))
        if report is None:
            report = ImportReport()
        report.dry_run, report.total, report.notes = dry_run, source.total, list(source.layout.notes)
        report.keep_created = keep_created or dry_run
        if not source.layout.columns:  # an empty file
            return report
        index = duplicates.DuplicateIndex.build(session)
        session.rollback()  # end the read transaction: no snapshot or lock held while importing
        checker = _Checker(session, source.layout)
        run_id: int | None = None
        after_line = 0
        if not dry_run:
            options = {"skip_duplicates": skip_duplicates, "mapping": dict(mapping or {})}
            run, earlier = _start_run(session, actor, path_or_stream, digest, options, resume, report.keep_created)
            run_id, after_line = run.id, run.last_line
            for row in earlier:
                report.add(row)
            # The counts of the rows done before, as the import's record holds them: `earlier` may be only
            # the rows to check among them (keep_created=False).
            report.counted, report.created, report.duplicates = run.rows_done, run.created, run.duplicates
            report.skipped, report.errors, report.warnings = run.skipped, run.errors, run.warnings
            report.import_id = run_id
        rows_left = None if source.total is None else source.total - report.counted
        matcher = start_matcher(
            index, skip_duplicates, second_process=rows_left is None or rows_left >= SECOND_PROCESS_ROWS
        )
        del index  # a second process holds it now
        stack.callback(matcher.close)
        writer = _Writer(session, actor, run_id, dry_run, checker, matcher)
        rows = source.rows()
        # The file's own customer ids (a `custtui export`): the contact persons beside it name their customer by them.
        id_position = next((i for i, header in enumerate(source.layout.headers) if header.strip().lower() == "id"), None)
        source_ids: dict[int, str] = {}
        if id_position is not None and run_id is not None:
            rows = _noting_ids(rows, id_position, source_ids)
        finished = _run_batches(rows, after_line, checker, matcher, writer, report, progress, stop, source.layout)
        if run_id is not None:
            status = RUN_DONE if finished else RUN_STOPPED
            table = table_of(ImportRun)
            session.execute(
                update(table).where(table.c.id == run_id).values(status=status, finished_at=utcnow() if finished else None)
            )
            session.commit()
            if finished and source_ids:
                _import_people(session, actor, path_or_stream, run_id, source_ids, report)
        report.stopped = not finished
        return report


def _noting_ids(rows: Iterator[Row], position: int, source_ids: dict[int, str]) -> Iterator[Row]:
    """The rows as they are, each one's `id` cell noted by its line."""
    for line, fields in rows:
        if not isinstance(fields, str) and position < len(fields) and fields[position].strip():
            source_ids[line] = fields[position].strip().removesuffix(".0")
        yield line, fields


def _import_people(
    session: Session, actor: User, path_or_stream: object, run_id: int, source_ids: dict[int, str], report: ImportReport
) -> None:
    """The contact persons beside the customers (transfer.people), once every customer row is in; one transaction."""
    people_rows = people.contact_rows(path_or_stream)
    if people_rows is None:
        return
    outcome = table_of(ImportRowOutcome).c
    created = session.execute(
        select(outcome.line, outcome.customer_id).where(outcome.import_id == run_id, outcome.customer_id.is_not(None))
    ).all()
    customer_of = {source_ids[line]: customer_id for line, customer_id in created if line in source_ids}
    added, left_out = people.import_contacts(session, actor, people_rows, customer_of)
    session.commit()
    report.notes.append(ngettext("{n} contact person imported.", "{n} contact persons imported.", added).format(n=added))
    if left_out:
        report.notes.append(
            ngettext(
                "{n} contact person left out: its customer was not imported, or a value was refused.",
                "{n} contact persons left out: their customer was not imported, or a value was refused.",
                left_out,
            ).format(n=left_out)
        )


def _run_batches(
    rows: Iterator[tuple[int, list[str] | str]],
    after_line: int,
    checker: _Checker,
    matcher: Matcher,
    writer: _Writer,
    report: ImportReport,
    progress: Progress | None,
    stop: Stop,
    layout: SourceLayout,
) -> bool:
    """Check and write the rows batch by batch; False when stop() ended it before the end of the file.

    Once a batch is read it goes to the duplicate check, and the batch
    before, checked meanwhile, is written: the check of a batch runs while
    it is written and the next is read and validated. Its rows are compared
    with every row before them in the file (those of the batch before still
    under their provisional ids).
    """
    batch: list[_Entry] = []
    checking: list[_Entry] | None = None  # the batch whose duplicate check is running
    ended = False
    while not ended:
        try:
            line, fields = next(rows)
        except StopIteration:
            ended = True
        except ImportFileError as error:
            # A stream that could not be read ahead: stop at the bad line, keep what was imported.
            message = _("{problem} The rest of the file was not imported.").format(problem=error.message)
            batch.append(_error_row(_line_after(batch or checking or [], report, layout), message))
            ended = True
        else:
            if line <= after_line:  # done before the import was resumed
                continue
            batch.append(checker.check(line, fields))
        if batch and (ended or len(batch) >= BATCH_ROWS):
            matcher.submit(checker.drafts(batch))
            if checking is not None and not _write_checked(checking, checker, matcher, writer, report, progress, stop):
                return False  # the batch being checked is dropped: a resume reads it again
            checking, batch = batch, []
    if checking is not None:
        _write_checked(checking, checker, matcher, writer, report, progress, never_stop)
    return True


def _write_checked(
    batch: list[_Entry],
    checker: _Checker,
    matcher: Matcher,
    writer: _Writer,
    report: ImportReport,
    progress: Progress | None,
    stop: Stop,
) -> bool:
    """Write a batch once its duplicate check is in; False when stop() says to stop after it."""
    writer.write(checker.checked(batch, matcher.result()), report)
    if report.done % TRIM_EVERY < BATCH_ROWS:
        normalise.forget_names()
        # glibc keeps what a batch freed; without this an import of 30,000 rows grew by 135 MB of
        # resident memory while 23 MB was in use.
        return_free_memory()
    if progress is not None:
        progress(report.done, report.total)
    return not stop()


def _line_after(batch: list[_Entry], report: ImportReport, layout: SourceLayout) -> int:
    if batch:
        return batch[-1].line + 1
    if report.rows:
        return report.rows[-1].line + 1
    return layout.header_line + 1


def write_report(
    report: ImportReport, path: str | os.PathLike[str] | IO[bytes], source: Engine | None = None
) -> None:
    """The report as CSV (UTF-8, `,`): line, status, customer_id, duplicate_of, score, message.

    A report that kept only the rows to check (keep_created=False) is
    written from the database's record of the import: give `source`.
    """
    rows: Iterable[ImportRow] = report.rows
    if not report.keep_created and report.import_id is not None:
        if source is None:
            raise ValueError("a report without its created rows is written from the database: give the engine")
        rows = _stored_rows(source, report.import_id)
    with text_output(path) as out:
        writer = csv.writer(out)
        writer.writerow(REPORT_COLUMNS)
        for row in rows:
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
