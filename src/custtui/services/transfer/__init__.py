"""Import customers from CSV or XLSX, export them to CSV or XLSX.

Import
------
`import_customers` reads a CSV file (UTF-8 with or without a BOM, or
Windows-1252, said in the report's notes; `,`, `;` or a tab) or an Excel
workbook (.xlsx, its first sheet) with a header (reading.py). Headers are
recognised in nl, fr, de and en as people name them ("Naam", "N° client",
"PLZ") and as the export writes them; `mapping` (the CLI's --map) says which
header a column is read from. Other columns are left out, and the notes say
which. Only `name` must be there.

Each data row becomes a customer and, when the row has a usable address, its
site (with its default building); a row whose address is not usable (a
house number and postal code, no street or city) imports the customer
without a site, with a warning. The region may be left empty when the postal
code (or the country) suggests one. Every row is reported (`ImportRow`, line
numbers as in the file, the header being line 1): created, created but a
likely duplicate of an existing customer (or of an earlier row), skipped as
a duplicate (`skip_duplicates`), or an error with the translated validation
messages, each naming its column.

Rows are written in batches, each batch one transaction with the import's
progress in the database (models.ImportRun): an import stopped anywhere, by
stop(), Ctrl-C or kill -9, can be resumed (`resume=`) and creates nothing
twice (importing.py).

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

    reading.py    the file: encoding, delimiter or workbook, header, mapping, rows
    importing.py  import_customers in batches, resume, its report
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
    BATCH_ROWS,
    STATUS_CREATED,
    STATUS_DUPLICATE,
    STATUS_ERROR,
    STATUS_SKIPPED,
    ImportReport,
    ImportRow,
    UnfinishedImport,
    file_digest,
    import_customers,
    needs_checking,
    status_name,
    unfinished_imports,
    write_report,
)
from custtui.services.transfer.reading import (
    IGNORED_COLUMNS,
    IMPORT_COLUMNS,
    FilePreview,
    ImportFileError,
    SourceLayout,
    parse_mapping,
    preview_file,
)

__all__ = [
    "BATCH_ROWS",
    "FilePreview",
    "SourceLayout",
    "UnfinishedImport",
    "file_digest",
    "needs_checking",
    "status_name",
    "parse_mapping",
    "preview_file",
    "unfinished_imports",
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
