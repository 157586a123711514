"""Reading an import file, whatever the office has: CSV or XLSX, its encoding, delimiter, header and rows.

`open_source` opens a file (a path or a stream) and works out its layout
(`SourceLayout`): the kind (csv, xlsx), for a CSV its encoding (UTF-8, with or
without a BOM; Windows-1252 when the file is not UTF-8 and can be read twice;
UTF-16 with its BOM, Excel's "Unicode text") and its delimiter (`,`, `;` or a
tab, sniffed from the header line), the header line, and what each column is
imported as. Headers are recognised in Dutch, French, German and English,
whatever their case, accents, spaces and punctuation (`HEADER_SYNONYMS`); an
explicit mapping (`parse_mapping`, the CLI's --map) wins over them. A column
nobody recognises is not imported, and a note says so; only a file without a
column for the name, or with two columns read as the same one, is refused.

`ImportSource.rows()` then yields each non-blank data row as strings: an XLSX
cell as the user typed it (a postal code stored as a number is "9000", not
"9000.0"; a date is ISO). `preview_file` reads the first rows for a screen.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from custtui.errors import DomainError
from custtui.i18n import _, ngettext
from custtui.services.normalise import fold

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet


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
# Headers: what offices call the columns.
# --------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as compared: no case, accents, spaces or punctuation ("N° client" -> "nclient", "Straße" -> "strasse").

    A header of punctuation only ("#") is compared as written, less case and spaces.
    """
    # The one fold of accents and case (services.normalise), then letters and digits only.
    key = "".join(char for char in fold(text.replace("\ufeff", "")) if char.isalnum())
    return key or "".join(text.split()).casefold()


# Column -> headers as people write them, in nl, fr, de and en, besides the column's own name. Each
# header is compared through header_key, so "Code postal", "code-postal" and "CODE_POSTAL" are one.
_HEADERS_AS_WRITTEN: dict[str, tuple[str, ...]] = {
    "name": (
        "Naam", "Klantnaam", "Bedrijfsnaam", "Bedrijf", "Firmanaam", "Naam klant",
        "Nom", "Nom du client", "Nom client", "Raison sociale", "Société", "Entreprise", "Dénomination",
        "Name", "Kundenname", "Firmenname", "Firma", "Unternehmen", "Name des Kunden",
        "Customer name", "Company", "Company name", "Business name",
    ),
    "marked_error": ("Marked error", "Marked as error", "Error mark"),
    "internal_name": (
        "Intern", "Interne naam", "Alias", "Zoeknaam", "Roepnaam",
        "Nom interne", "Interne",
        "Interner Name", "Kurzname", "Suchname",
        "Internal name", "Internal", "Short name", "Nickname",
    ),
    "customer_number": (
        "Klantnummer", "Klantnr", "Klant nr", "Klantcode", "Klant-ID", "Debiteurnummer", "Debiteurnr", "Debiteur",
        "Numéro de client", "Numéro client", "N° client", "No client", "Code client", "Référence client", "Réf client",
        "Kundennummer", "Kundennr", "Kunden-Nr", "Debitorennummer", "Debitor",
        "Customer number", "Customer no", "Customer nr", "Customer ID", "Customer code", "Account number",
        "ERP number", "ERP nr", "ERP-nummer", "ERP ID",
    ),
    "region": (
        "Regio", "Gewest", "Regiocode",
        "Région", "Code région",
        "Region", "Regionscode",
        "Region code",
    ),
    "language": (
        "Taal", "Correspondentietaal", "Taalcode",
        "Langue", "Langue de correspondance", "Code langue",
        "Sprache", "Korrespondenzsprache", "Sprachcode",
        "Language", "Language code",
    ),
    "vat": (
        "BTW", "BTW-nummer", "BTW nr", "BTW-nr", "Ondernemingsnummer",
        "TVA", "N° TVA", "No TVA", "Numéro de TVA", "Numéro TVA", "Numéro d'entreprise", "Numéro d'entreprise TVA",
        "USt-IdNr", "USt-ID", "USt-Id-Nr", "Umsatzsteuer-ID", "MwSt", "MwSt-Nummer", "MwSt-Nr",
        "Mehrwertsteuernummer", "Unternehmensnummer",
        "VAT", "VAT number", "VAT no", "VAT nr", "VAT ID", "Tax ID",
    ),
    "email": (
        "E-mail", "E-mailadres", "Mail", "Mailadres",
        "Courriel", "Adresse e-mail", "Adresse mail", "Mél",
        "E-Mail-Adresse", "Mailadresse",
        "Email address",
    ),
    "phone": (
        "Telefoon", "Telefoonnummer", "Tel", "Tel nr", "GSM", "GSM-nummer", "Mobiel", "Mobiel nummer",
        "Téléphone", "Tél", "Numéro de téléphone", "Portable", "Mobile",
        "Telefon", "Telefonnummer", "Tel-Nr", "Handy", "Mobil", "Mobilnummer", "Mobiltelefon",
        "Phone number", "Telephone", "Mobile phone", "Cell phone",
    ),
    "notes": (
        "Opmerkingen", "Opmerking", "Notities", "Notitie", "Commentaar", "Memo",
        "Remarques", "Remarque", "Commentaire", "Commentaires", "Note",
        "Bemerkungen", "Bemerkung", "Notizen", "Notiz", "Kommentar", "Anmerkungen",
        "Comments", "Comment", "Remarks",
    ),
    "street": (
        "Straat", "Straatnaam",
        "Rue", "Nom de rue",
        "Straße", "Straßenname",
        "Street", "Street name",
    ),
    "number": (
        "Huisnummer", "Huisnr", "Nr", "Nummer",
        "Numéro", "N°", "No", "Num", "Numéro de maison",
        "Hausnummer", "Hausnr",
        "House number", "Street number",
    ),
    "postal_code": (
        "Postcode", "Postnummer",
        "Code postal", "CP",
        "PLZ", "Postleitzahl",
        "Postal code", "Zip", "Zip code", "Post code",
    ),
    "city": (
        "Gemeente", "Woonplaats", "Plaats", "Stad", "Deelgemeente",
        "Localité", "Ville", "Commune",
        "Ort", "Stadt", "Gemeinde", "Wohnort",
        "City", "Town", "Locality", "Municipality",
    ),
    "country": (
        "Land", "Landcode",
        "Pays", "Code pays",
        "Ländercode", "Staat",
        "Country", "Country code",
    ),
}  # fmt: skip


def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    written = [(column, (column, *headers)) for column, headers in _HEADERS_AS_WRITTEN.items()]
    written += [(column, (alias,)) for alias, column in _COLUMN_ALIASES.items()]
    for column, headers in written:
        for header in headers:
            key = header_key(header)
            if table.setdefault(key, column) != column:
                raise AssertionError(f"header {header!r} is both {table[key]} and {column}")
    return table


# Normalised header (header_key) -> the import column it is.
HEADER_SYNONYMS: dict[str, str] = _synonyms()


def _canonical_column(name: str) -> str | None:
    """An import column from what a mapping calls it: "postal_code", "Postal_Code", "vat_number"."""
    name = name.strip().lower()
    name = _COLUMN_ALIASES.get(name, name)
    return name if name in IMPORT_COLUMNS else None


def _unknown_mapped_column(column: str) -> ImportFileError:
    return ImportFileError(
        _("Unknown column {column} in --map. The columns are: {columns}.").format(
            column=column, columns=", ".join(IMPORT_COLUMNS)
        )
    )


def parse_mapping(text: str) -> dict[str, str]:
    """--map 'customer_number="Klant nr",city=Gemeente,phone=' -> {"customer_number": "Klant nr", "city": ..., "phone": ""}.

    A header in double quotes may hold commas (a quote inside is written twice); an
    empty header means: do not import that column. Raises ImportFileError.
    """
    mapping: dict[str, str] = {}
    position = 0
    length = len(text)

    def bad() -> ImportFileError:
        return ImportFileError(
            _(
                "--map expects COLUMN=HEADER pairs separated by commas, such as "
                'customer_number="Klant nr",city=Gemeente; it cannot read {text}. The columns are: {columns}.'
            ).format(text=text, columns=", ".join(IMPORT_COLUMNS))
        )

    while position < length:
        end = text.find(",", position)
        equals = text.find("=", position)
        if equals == -1 or (end != -1 and end < equals):
            if text[position : length if end == -1 else end].strip():
                raise bad()
            position = length if end == -1 else end + 1  # an empty pair: "a=b,,c=d", or a trailing comma
            continue
        written = text[position:equals].strip()
        if not written or '"' in written:
            raise bad()
        position = equals + 1
        while position < length and text[position].isspace():
            position += 1
        if position < length and text[position] == '"':
            header, position = _quoted(text, position, bad)
            while position < length and text[position].isspace():
                position += 1
            if position < length and text[position] != ",":
                raise bad()
        else:
            end = text.find(",", position)
            end = length if end == -1 else end
            header = text[position:end].strip()
            if '"' in header:
                raise bad()
            position = end
        position += 1  # past the comma
        column = _canonical_column(written)
        if column is None:
            raise _unknown_mapped_column(written)
        if column in mapping:
            raise ImportFileError(_("--map names the column {column} more than once.").format(column=column))
        mapping[column] = header
    return mapping


def _quoted(text: str, position: int, bad: Callable[[], ImportFileError]) -> tuple[str, int]:
    """The header in quotes starting at text[position] ('"'), and the position after its closing quote."""
    parts: list[str] = []
    position += 1
    while True:
        end = text.find('"', position)
        if end == -1:
            raise bad()
        parts.append(text[position:end])
        if text.startswith('""', end):
            parts.append('"')
            position = end + 2
            continue
        return "".join(parts).strip(), end + 1


def _resolve_columns(headers: list[str], mapping: Mapping[str, str]) -> tuple[list[str | None], list[str]]:
    """Per header: the import column, "" (a blank header) or None (not imported); and notes. Raises ImportFileError."""
    keys = [header_key(header) if header.strip() else "" for header in headers]
    explicit: dict[int, str] = {}
    switched_off: set[str] = set()
    for written, header in mapping.items():
        column = _canonical_column(written)
        if column is None:
            raise _unknown_mapped_column(written)
        if not header.strip():
            switched_off.add(column)
            continue
        positions = [index for index, key in enumerate(keys) if key and key == header_key(header)]
        if not positions:
            raise ImportFileError(
                _("The file has no column {header} (named in --map {column}={header}). Its columns are: {headers}.").format(
                    header=header, column=column, headers=", ".join(h for h in headers if h.strip())
                )
            )
        if len(positions) > 1:
            raise ImportFileError(
                _("The file has the column {header} more than once, so --map {column}={header} cannot say which one.").format(
                    header=header, column=column
                )
            )
        if positions[0] in explicit:
            raise ImportFileError(
                _("--map gives the column {header} to both {first} and {second}; a column can be imported once.").format(
                    header=header, first=explicit[positions[0]], second=column
                )
            )
        explicit[positions[0]] = column
    claimed = set(explicit.values()) | switched_off
    columns: list[str | None] = []
    for index, key in enumerate(keys):
        if index in explicit:
            columns.append(explicit[index])
        elif not key:
            columns.append("")  # Excel's trailing ";;;": must stay empty in every row
        else:
            found = HEADER_SYNONYMS.get(key)
            columns.append(None if found in claimed else found)
    repeated = [column for column in IMPORT_COLUMNS if columns.count(column) > 1]
    if repeated:
        sentences = [
            ngettext(
                "Column {columns} appears more than once.", "Columns {columns} appear more than once.", len(repeated)
            ).format(columns=", ".join(repeated))
        ]
        for column in repeated:
            sentences.append(
                _(
                    "The file's columns {headers} are all read as {column}: delete all but one, "
                    "or name the one to import with --map {column}=HEADER."
                ).format(headers=", ".join(h for h, c in zip(headers, columns, strict=True) if c == column), column=column)
            )
        raise ImportFileError(" ".join(sentences))
    if "name" not in columns:
        raise ImportFileError(
            _(
                "The file has no column 'name' (nor Naam, Nom, Name or another word for it); the first line must name "
                "the columns. Its first line has: {headers}. To import one of them as the name, use --map name=HEADER."
            ).format(headers=", ".join(h for h in headers if h.strip()) or "-")
        )
    notes: list[str] = []
    skipped = [header for header, column in zip(headers, columns, strict=True) if column is None]
    if skipped:
        notes.append(
            ngettext("Not imported: the column {columns}.", "Not imported: the columns {columns}.", len(skipped)).format(
                columns=", ".join(skipped)
            )
        )
    return columns, notes


# --------------------------------------------------------------------------
# The source: a layout and its rows.
# --------------------------------------------------------------------------


@dataclass
class SourceLayout:
    kind: str  # "csv" | "xlsx"
    encoding: str | None  # csv: "utf-8", "cp1252" (or "utf-16", with its BOM); xlsx and a text stream: None
    delimiter: str | None  # csv: ",", ";" or "\t"; xlsx: None
    header_line: int  # 1-based line (csv) or row (xlsx) of the header; 0 for an empty file
    headers: list[str]  # the header cells as written in the file (stripped)
    columns: list[str | None]  # per position: an import column, "" (blank header: must stay empty), None (not imported)
    notes: list[str] = field(default_factory=list)  # translated sentences for the user


Row = tuple[int, list[str] | str]


class ImportSource:
    """An open import file: its layout, its count of rows when known ahead, its rows (once). Closes what it opened."""

    def __init__(
        self,
        layout: SourceLayout,
        rows: Iterator[Row],
        total: int | None | Callable[[], int],
        close: Callable[[], None] = lambda: None,
    ) -> None:
        self.layout = layout
        self._rows = rows
        self._total = total
        self._close: Callable[[], None] | None = close

    @property
    def total(self) -> int | None:
        """The number of non-blank data rows, when known before reading (a path or a seekable stream); else None.

        For an XLSX file, the rows the sheet says it has after the header (blank ones included); a
        sheet that does not say is counted here, once, while the source is open.
        """
        if callable(self._total):
            self._total = self._total()
        return self._total

    def rows(self) -> Iterator[Row]:
        """(line of the row's first line [csv] or its row number [xlsx], its cells) per non-blank data row.

        Instead of the cells, a translated message when the row cannot be read. A
        stream that could not be read ahead raises ImportFileError at a line that is
        not UTF-8. The rows can be read once.
        """
        return self._rows

    def close(self) -> None:
        if callable(self._total):
            self._total = None  # not counted while the file was open: unknown now
        close, self._close = self._close, None
        if close is not None:
            close()

    def __enter__(self) -> ImportSource:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None) -> None:
        self.close()


@dataclass(frozen=True)
class FilePreview:
    layout: SourceLayout
    rows: list[list[str]]  # the first data rows' cells (unreadable rows left out)
    total: int | None


def preview_file(
    path_or_stream: str | os.PathLike[str] | IO[bytes] | IO[str], mapping: Mapping[str, str] | None = None, rows: int = 5
) -> FilePreview:
    """The layout, the first `rows` data rows and the count of a file, for a screen to show before importing."""
    with open_source(path_or_stream, mapping) as source:
        first: list[list[str]] = []
        if rows > 0:
            for _line, cells in source.rows():
                if isinstance(cells, list):
                    first.append(cells)
                    if len(first) >= rows:
                        break
        return FilePreview(source.layout, first, source.total)


_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and an .xlsx with a password
_XLSX_SUFFIXES = (".xlsx", ".xlsm")


def open_source(
    path_or_stream: str | os.PathLike[str] | IO[bytes] | IO[str], mapping: Mapping[str, str] | None = None
) -> ImportSource:
    """Open an import file: CSV (path or stream, bytes or text) or XLSX (by its suffix or its zip signature).

    Reading starts at a stream's current position; a stream is not closed, a path's
    file is (by ImportSource.close). Raises ImportFileError when the file as a whole
    cannot be imported (no column for the name, a column twice, not decodable, not a
    readable workbook, a bad mapping), FileNotFoundError for a missing path.
    """
    mapping = dict(mapping or {})
    for column in mapping:
        if _canonical_column(column) is None:
            raise _unknown_mapped_column(column)
    if isinstance(path_or_stream, str | os.PathLike):
        path = Path(path_or_stream)
        stream: IO[Any] = path.open("rb")
        try:
            return _open_stream(stream, mapping, stream.close, xlsx_by_name=path.suffix.lower() in _XLSX_SUFFIXES)
        except BaseException:
            stream.close()
            raise
    return _open_stream(path_or_stream, mapping, lambda: None, xlsx_by_name=False)


def _open_stream(stream: IO[Any], mapping: Mapping[str, str], close: Callable[[], None], xlsx_by_name: bool) -> ImportSource:
    if isinstance(stream, io.TextIOBase):
        return _open_text(stream, mapping, close)
    if _seekable(stream):
        start = stream.tell()
        head = stream.read(len(_OLE2_MAGIC))
        stream.seek(start)
        if xlsx_by_name or head.startswith(_ZIP_MAGIC):
            return _open_xlsx(stream, mapping, close)
        _refuse_old_workbook(head)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _open_utf16(stream.read(), mapping, close, counted=True)
        return _open_seekable_csv(stream, start, mapping, close)
    # A pipe: what it gives is read once.
    first = stream.readline()
    if xlsx_by_name or first.startswith(_ZIP_MAGIC):
        return _open_xlsx(io.BytesIO(first + stream.read()), mapping, close)
    _refuse_old_workbook(first)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _open_utf16(first + stream.read(), mapping, close, counted=False)
    lines = _decoded(chain([first], stream), "utf-8")
    return _csv_source(lines, mapping, close, encoding="utf-8", total=None)


def _seekable(stream: IO[Any]) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _refuse_old_workbook(head: bytes) -> None:
    if head.startswith(_OLE2_MAGIC):
        raise ImportFileError(
            _(
                "This file is an old Excel workbook (.xls) or a workbook protected by a password, which cannot be "
                'imported. In Excel, save it without a password as an Excel workbook (.xlsx) or as "CSV UTF-8" and '
                "import it again."
            )
        )


# --------------------------------------------------------------------------
# CSV.
# --------------------------------------------------------------------------


def _not_utf8(line: int) -> ImportFileError:
    return ImportFileError(
        _('The file is not UTF-8 text (line {line}). In Excel, save it as "CSV UTF-8" and import it again.').format(line=line)
    )


class _Undecodable(ImportFileError):
    """A line the encoding tried cannot decode."""

    def __init__(self, line: int) -> None:
        super().__init__(_not_utf8(line).message)
        self.line = line


def _decoded(raw_lines: Iterable[bytes], encoding: str) -> Iterator[str]:
    """Lines (split at \\n only, as today: a bare CR stays in its line) decoded, without a leading UTF-8 BOM."""
    for number, raw in enumerate(raw_lines, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            raise _Undecodable(number) from None


def _text(lines: Iterable[str]) -> Iterator[str]:
    for number, text in enumerate(lines, start=1):
        yield text[1:] if number == 1 and text.startswith("\ufeff") else text


def _open_seekable_csv(stream: IO[bytes], start: int, mapping: Mapping[str, str], close: Callable[[], None]) -> ImportSource:
    """Read the whole file once ahead (its encoding, its header, its count), then from the start again."""
    encoding = "utf-8"
    try:
        total = _count(_decoded(stream, encoding), mapping)
    except _Undecodable as not_utf8:
        stream.seek(start)
        encoding = "cp1252"
        try:
            total = _count(_decoded(stream, encoding), mapping)
        except _Undecodable:
            raise _not_utf8(not_utf8.line) from None  # not Windows-1252 either: the first line that is not UTF-8
    stream.seek(start)
    return _csv_source(_decoded(stream, encoding), mapping, close, encoding=encoding, total=total)


def _open_utf16(data: bytes, mapping: Mapping[str, str], close: Callable[[], None], counted: bool) -> ImportSource:
    """Excel's "Unicode text": UTF-16 with its BOM (tab-separated, as a rule)."""
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        raise ImportFileError(
            _('The file starts as UTF-16 text but is not valid UTF-16. In Excel, save it as "CSV UTF-8" and import it again.')
        ) from None
    lines = _split_at_newlines(text)
    total = _count(iter(lines), mapping) if counted else None
    return _csv_source(iter(lines), mapping, close, encoding="utf-16", total=total)


def _split_at_newlines(text: str) -> list[str]:
    """At \\n only, keeping it, as the other encodings are split (splitlines would also split at a bare CR)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    return [*lines, parts[-1]] if parts[-1] else lines


def _open_text(stream: IO[str], mapping: Mapping[str, str], close: Callable[[], None]) -> ImportSource:
    """A text stream is read as it is (its encoding is its own)."""
    total: int | None = None
    if _seekable(stream):
        start = stream.tell()
        total = _count(_text(stream), mapping)
        stream.seek(start)
    return _csv_source(_text(stream), mapping, close, encoding=None, total=total)


def _count(lines: Iterator[str], mapping: Mapping[str, str]) -> int:
    parsed = _parse_csv_header(lines, mapping, encoding=None)
    if parsed is None:
        return 0
    layout, reader = parsed
    return sum(1 for _row in _csv_rows(reader, layout.header_line))


def _csv_source(
    lines: Iterator[str], mapping: Mapping[str, str], close: Callable[[], None], encoding: str | None, total: int | None
) -> ImportSource:
    parsed = _parse_csv_header(lines, mapping, encoding)
    if parsed is None:
        layout = SourceLayout("csv", encoding, ",", 0, [], [], [])
        return ImportSource(layout, iter(()), 0 if total is not None else None, close)
    layout, reader = parsed
    if encoding == "cp1252":
        layout.notes.insert(
            0,
            _("The file is not UTF-8; it was read as Windows-1252 (Western European). Check accented letters in the report."),
        )
    return ImportSource(layout, _csv_rows(reader, layout.header_line), total, close)


_SEPARATOR_HINT = re.compile(r"sep=([,;\t]?)", re.IGNORECASE)


def _sniff_delimiter(header_line: str) -> str:
    """`;` (Belgian Excel), a tab, or `,`: whichever the header line has most of."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _parse_csv_header(lines: Iterator[str], mapping: Mapping[str, str], encoding: str | None) -> tuple[SourceLayout, Any] | None:
    """The layout from the first non-blank line, and the csv reader positioned after it; None for an empty file.

    A first line "sep=;" (Excel's hint of the delimiter, which some programs write) gives the delimiter.
    """
    header_line = 0
    delimiter: str | None = None
    for first in lines:
        header_line += 1
        hint = _SEPARATOR_HINT.fullmatch(first.strip())
        if hint and delimiter is None and header_line == 1:
            delimiter = "\t" if hint.group(1) in ("\t", "") else hint.group(1)
        elif first.strip():
            break
    else:
        return None
    delimiter = delimiter or _sniff_delimiter(first)
    # skipinitialspace: `a, "b, c"` is two fields, as people who type CSV by hand mean it.
    reader = csv.reader(chain([first], lines), delimiter=delimiter, skipinitialspace=True)
    try:
        cells = next(reader)
    except csv.Error:  # a bare carriage return in a field, say
        raise ImportFileError(_("The line naming the columns is not valid CSV (line {line}).").format(line=header_line)) from None
    headers = [cell.strip() for cell in cells]
    columns, notes = _resolve_columns(headers, mapping)
    layout = SourceLayout("csv", encoding, delimiter, header_line, headers, columns, notes)
    return layout, reader


def _csv_rows(reader: Any, header_line: int) -> Iterator[Row]:
    """(first line of the row in the file, its fields or why it cannot be read) for each non-blank data row."""
    while True:
        start = header_line + reader.line_num
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, _("Not imported: the line cannot be read as CSV ({reason}).").format(reason=error)
            continue
        if any(cell.strip() for cell in fields):
            yield start, fields


# --------------------------------------------------------------------------
# XLSX.
# --------------------------------------------------------------------------

_ZEROS = re.compile(r"0+")


def cell_text(value: object, number_format: str | None = None) -> str:
    """A spreadsheet cell as the user typed it: 9000.0 -> "9000", a date -> "2024-03-01", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if number_format and _ZEROS.fullmatch(number_format) and value >= 0:
            text = text.zfill(len(number_format))  # a postal code 01067 kept as a number formatted "00000"
        return text
    if isinstance(value, float):
        return f"{value:.15g}"  # what Excel shows: 15 significant digits, not 0.30000000000000004
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.microsecond == 0 else "auto")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _open_xlsx(fileobj: IO[bytes], mapping: Mapping[str, str], close: Callable[[], None]) -> ImportSource:
    from openpyxl import load_workbook  # noqa: PLC0415 - openpyxl loads only for an xlsx import

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        raise ImportFileError(_("The file cannot be read as an Excel workbook ({reason}).").format(reason=reason)) from None

    def close_all() -> None:
        try:
            workbook.close()  # a read-only workbook keeps its file open
        finally:
            close()

    try:
        return _xlsx_source(workbook, mapping, close_all)
    except BaseException:
        close_all()
        raise


def is_contacts_header(cells: Iterable[object]) -> bool:
    """Whether a header row is the contact persons' as `custtui export` writes them (customer_id, name...)."""
    return {"customer_id", "name"} <= {str(cell or "").strip().lower() for cell in cells}


def _is_contacts_sheet(sheet: ReadOnlyWorksheet) -> bool:
    for cells in sheet.iter_rows(min_row=1, max_row=1, values_only=True):
        return is_contacts_header(cells)
    return False


def _xlsx_source(workbook: Workbook, mapping: Mapping[str, str], close: Callable[[], None]) -> ImportSource:
    sheets = workbook.worksheets
    if not sheets:
        return ImportSource(SourceLayout("xlsx", None, None, 0, [], [], []), iter(()), 0, close)
    sheet: ReadOnlyWorksheet = sheets[0]
    known_rows = sheet.max_row  # the sheet's own dimension, when it has one
    # The dimension a program wrote may be wrong, and openpyxl stops there: read every row there is.
    sheet.reset_dimensions()
    rows = _sheet_rows(sheet)
    for number, cells in rows:
        if any(cell.strip() for cell in cells):
            header_line = number
            break
    else:
        return ImportSource(SourceLayout("xlsx", None, None, 0, [], [], []), iter(()), 0, close)
    headers = [cell.strip() for cell in cells]
    while headers and not headers[-1]:  # formatted empty cells at the right of the header
        headers.pop()
    columns, notes = _resolve_columns(headers, mapping)
    if any(not _is_contacts_sheet(other) for other in sheets[1:]):  # a "Contacts" sheet is read too (transfer.people)
        notes.insert(
            0,
            ngettext(
                "The workbook has {n} sheet; only the first one, {sheet}, was read.",
                "The workbook has {n} sheets; only the first one, {sheet}, was read.",
                len(sheets),
            ).format(n=len(sheets), sheet=sheet.title),
        )
    layout = SourceLayout("xlsx", None, None, header_line, headers, columns, notes)
    total: int | Callable[[], int]
    if known_rows is not None and known_rows > header_line:  # "A1" alone, as some programs write it, is no count
        total = known_rows - header_line
    else:

        def total() -> int:
            return _filled_rows_after(sheet, header_line)

    data = ((number, cells) for number, cells in rows if any(cell.strip() for cell in cells))
    return ImportSource(layout, data, total, close)


def _sheet_rows(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(sheet.iter_rows(min_row=1), start=1):
        yield number, [_cell(cell) for cell in row]


def _cell(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if type(value) is str:
        return value
    # Its number format only for a number (looking it up is most of the time a cell takes).
    return cell_text(value, cell.number_format if isinstance(value, int | float) else None)


def _filled_rows_after(sheet: ReadOnlyWorksheet, header_line: int) -> int:
    rows = sheet.iter_rows(min_row=1, values_only=True)
    return sum(
        1
        for number, values in enumerate(rows, start=1)
        if number > header_line and any(value is not None and (type(value) is not str or value.strip()) for value in values)
    )
