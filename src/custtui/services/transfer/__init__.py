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

    reading.py    the file: encoding, delimiter, header, rows
    importing.py  import_customers, its report
    exporting.py  export_customers, cells safe in a spreadsheet
"""

from custtui.services.transfer.exporting import (
    EXPORT_COLUMNS,
    EXPORT_PAGE_SIZE,
    FORMULA_TRIGGERS,
    excel_is_default,
    export_customers,
    neutralise_cell,
)
from custtui.services.transfer.importing import (
    STATUS_CREATED,
    STATUS_DUPLICATE,
    STATUS_ERROR,
    STATUS_SKIPPED,
    ImportReport,
    ImportRow,
    import_customers,
    write_report,
)
from custtui.services.transfer.reading import IGNORED_COLUMNS, IMPORT_COLUMNS, ImportFileError

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
