"""Reading an import file: encoding, delimiter, header and rows, whatever the spreadsheet wrote."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from custtui.errors import DomainError
from custtui.i18n import _, ngettext

if TYPE_CHECKING:
    pass



# Columns an import reads, and the export columns it accepts and ignores.
IMPORT_COLUMNS = (
    "name", "marked_error", "internal_name", "customer_number", "region", "language", "vat", "email", "phone", "notes",
    "street", "number", "postal_code", "city", "country",
)  # fmt: skip
IGNORED_COLUMNS = ("id", "labels", "locations", "installations", "missions")
# The model's own names are accepted too.
_COLUMN_ALIASES = {"vat_number": "vat", "region_code": "region"}


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (its columns, its encoding); nothing was written."""


# --------------------------------------------------------------------------
# Reading the file.
# --------------------------------------------------------------------------


def _not_utf8(line: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file is not UTF-8 text (line {line}). In Excel, save it as \"CSV UTF-8\" and import it again."
        ).format(line=line)
    )


def decoded_lines(binary: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, without a leading BOM; ImportFileError names the first line that is not UTF-8."""
    for number, raw in enumerate(binary, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _not_utf8(number) from None
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield text


def text_lines(stream: IO[str]) -> Iterator[str]:
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
class Layout:
    delimiter: str
    columns: list[str | None]  # per field position: an import column, "" (no name: must be empty), None (ignored)
    header_line: int = 1  # blank lines may come before the header


def read_header(lines: Iterator[str]) -> tuple[Layout, Any] | None:
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
    try:
        header = next(reader)
    except csv.Error:  # a bare carriage return in a field, say
        raise ImportFileError(
            _("The line naming the columns is not valid CSV (line {line}).").format(line=header_line)
        ) from None
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
    return Layout(delimiter, columns, header_line), reader


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def data_rows(reader: Any, layout: Layout) -> Iterator[tuple[int, list[str] | csv.Error]]:
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


def count_rows(binary: IO[bytes]) -> int:
    """Check the whole file (encoding, columns) and count its data rows, before anything is written."""
    start = binary.tell()
    try:
        header = read_header(decoded_lines(binary))
        count = 0 if header is None else sum(1 for _row in data_rows(header[1], header[0]))
    finally:
        binary.seek(start)
    return count
