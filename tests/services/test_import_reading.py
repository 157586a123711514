"""Reading an import file as offices have it: encodings, delimiters, XLSX, headers in four languages, --map."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from custtui.services.transfer.reading import (
    HEADER_SYNONYMS,
    IMPORT_COLUMNS,
    FilePreview,
    ImportFileError,
    ImportSource,
    cell_text,
    header_key,
    open_source,
    parse_mapping,
    preview_file,
)


def _read(source: ImportSource) -> list[tuple[int, list[str] | str]]:
    with source:
        return list(source.rows())


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


# --- Encodings ------------------------------------------------------------------


def test_a_windows_1252_file_is_read_as_such_with_a_note(tmp_path: Path) -> None:
    path = _write(tmp_path, "klanten.csv", "Naam;Gemeente\nMüller GmbH;Liège\nCafé Sport;Gent\n".encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the point of the test: it is not UTF-8
    source = open_source(path)
    assert source.layout.encoding == "cp1252"
    assert source.layout.delimiter == ";"
    assert source.layout.columns == ["name", "city"]
    assert source.total == 2
    assert any("Windows-1252" in note for note in source.layout.notes)
    assert _read(source) == [(2, ["Müller GmbH", "Liège"]), (3, ["Café Sport", "Gent"])]


def test_a_utf8_file_with_a_bom_has_no_note_and_a_clean_first_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.csv", "\ufeffname,city\nAnaïs,Liège\n".encode())
    source = open_source(path)
    assert source.layout.encoding == "utf-8"
    assert source.layout.headers == ["name", "city"]
    assert source.layout.columns == ["name", "city"]
    assert source.layout.notes == []
    assert _read(source) == [(2, ["Anaïs", "Liège"])]


def test_a_utf8_file_without_a_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "plain.csv", "name,city\nAnaïs,Liège\n".encode())
    source = open_source(path)
    assert (source.layout.encoding, source.layout.notes) == ("utf-8", [])
    assert _read(source) == [(2, ["Anaïs", "Liège"])]


def test_excel_unicode_text_utf16_tab_separated(tmp_path: Path) -> None:
    path = _write(tmp_path, "unicode.txt", "Naam\tGemeente\r\nMüller\tLiège\r\n".encode("utf-16"))
    source = open_source(path)
    assert (source.layout.encoding, source.layout.delimiter, source.total) == ("utf-16", "\t", 1)
    assert _read(source) == [(2, ["Müller", "Liège"])]


def test_a_text_stream_is_read_as_it_is() -> None:
    source = open_source(io.StringIO("\ufeffnaam,plaats\nMüller,Liège\n"))
    assert source.layout.columns == ["name", "city"]
    assert source.total == 1
    assert _read(source) == [(2, ["Müller", "Liège"])]


def test_an_unseekable_stream_that_is_not_utf8_stops_at_its_bad_line() -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    source = open_source(Pipe("name;city\nGood;Gent\nCafé;Liège\n".encode("cp1252")))
    assert source.total is None
    rows = source.rows()
    assert next(rows) == (2, ["Good", "Gent"])
    with pytest.raises(ImportFileError, match=r"not UTF-8 text \(line 3\)"):
        next(rows)


def test_a_file_neither_utf8_nor_windows_1252_is_refused(tmp_path: Path) -> None:
    # 0x81 is not a character in Windows-1252, nor the start of one in UTF-8.
    path = _write(tmp_path, "odd.csv", b"name;city\nGood;Gent\nBad\x81;Gent\n")
    with pytest.raises(ImportFileError, match=r"not UTF-8 text \(line 3\)"):
        open_source(path)


def test_an_old_xls_workbook_is_refused_with_advice(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(ImportFileError, match=r"\.xls"):
        open_source(path)


def test_a_missing_path_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_source(tmp_path / "nowhere.csv")


# --- CSV shapes (as before the rewrite) ------------------------------------------


def test_blank_lines_before_the_header_and_between_rows_are_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "blank.csv", b'\n\nname,notes\n\nA,"two\nlines"\nB,x\n')
    source = open_source(path)
    assert source.layout.header_line == 3
    assert source.total == 2
    assert _read(source) == [(5, ["A", "two\nlines"]), (7, ["B", "x"])]


def test_trailing_blank_headers_and_extra_fields_are_passed_on(tmp_path: Path) -> None:
    path = _write(tmp_path, "excel.csv", b"name;city;;\nA;Gent;;\nB;Gent;;;surplus\n")
    source = open_source(path)
    assert source.layout.columns == ["name", "city", "", ""]
    assert _read(source) == [(2, ["A", "Gent", "", ""]), (3, ["B", "Gent", "", "", "surplus"])]


def test_a_row_that_is_not_csv_becomes_a_message(tmp_path: Path) -> None:
    path = _write(tmp_path, "cr.csv", b"name,city\nA,Gent\nB\rC,Gent\nD,Gent\n")
    rows = _read(open_source(path))
    assert rows[0] == (2, ["A", "Gent"])
    line, message = rows[1]
    assert line == 3 and isinstance(message, str)
    assert message.startswith("Not imported: the line cannot be read as CSV (")
    assert rows[2] == (4, ["D", "Gent"])


def test_a_bare_carriage_return_in_the_header_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "cr.csv", b"name;;;\r;\nA;;;\n")
    with pytest.raises(ImportFileError, match=r"not valid CSV \(line 1\)"):
        open_source(path)


def test_skipinitialspace_keeps_a_quoted_comma() -> None:
    rows = _read(open_source(io.BytesIO(b'name, notes\nA, "b, c"\n')))
    assert rows == [(2, ["A", "b, c"])]


def test_an_empty_file_has_no_columns_and_no_rows(tmp_path: Path) -> None:
    for content in (b"", b"\n\n  \n"):
        source = open_source(_write(tmp_path, "empty.csv", content))
        assert source.layout.columns == []
        assert source.total == 0
        assert _read(source) == []


# --- Headers in four languages ------------------------------------------------------


def test_dutch_headers_with_semicolons(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "nl.csv",
        b"Naam;Klantnummer;Straat;Huisnummer;Postcode;Gemeente;BTW-nummer;Telefoon\n"
        b"Bakkerij Peeters;K-001;Kerkstraat;12;2000;Antwerpen;BE0403170701;03 223 45 67\n",
    )
    source = open_source(path)
    assert source.layout.columns == [
        "name", "customer_number", "street", "number", "postal_code", "city", "vat", "phone",
    ]  # fmt: skip
    assert source.layout.notes == []
    assert _read(source) == [
        (2, ["Bakkerij Peeters", "K-001", "Kerkstraat", "12", "2000", "Antwerpen", "BE0403170701", "03 223 45 67"])
    ]


def test_french_headers(tmp_path: Path) -> None:
    header = "Raison sociale;N° client;Rue;Numéro;Code postal;Localité;N° TVA;Téléphone;Courriel;Langue;Pays;Région"
    path = _write(tmp_path, "fr.csv", f"{header}\nBoulangerie Dubois;C 12;Rue Haute;5;1000;Bruxelles;;;;fr;BE;\n".encode())
    source = open_source(path)
    assert source.layout.columns == [
        "name", "customer_number", "street", "number", "postal_code", "city", "vat", "phone", "email", "language",
        "country", "region",
    ]  # fmt: skip
    assert _read(source)[0][1][:6] == ["Boulangerie Dubois", "C 12", "Rue Haute", "5", "1000", "Bruxelles"]


def test_german_headers(tmp_path: Path) -> None:
    header = "Firmenname,Kundennummer,Straße,Hausnummer,PLZ,Ort,USt-IdNr.,Telefon,E-Mail,Sprache,Land,Bemerkungen"
    path = _write(tmp_path, "de.csv", f"{header}\nMüller GmbH,4711,Hauptstraße,1,4700,Eupen,,,,de,BE,Kunde seit 1990\n".encode())
    source = open_source(path)
    assert source.layout.columns == [
        "name", "customer_number", "street", "number", "postal_code", "city", "vat", "phone", "email", "language",
        "country", "notes",
    ]  # fmt: skip
    assert _read(source)[0][1][-1] == "Kunde seit 1990"


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("n°client", "customer_number"), ("Klantnr.", "customer_number"), ("KLANT NR", "customer_number"),
        ("ERP number", "customer_number"), ("Numéro de client", "customer_number"), ("Customer number", "customer_number"),
        ("Postleitzahl", "postal_code"), ("postal_code", "postal_code"), ("Woonplaats", "city"), ("Stadt", "city"),
        ("Ville", "city"), ("Commune", "city"), ("Strasse", "street"), ("Nr", "number"), ("BTW", "vat"), ("TVA", "vat"),
        ("VAT", "vat"), ("vat_number", "vat"), ("region_code", "region"), ("Regio", "region"), ("GSM", "phone"),
        ("Tel", "phone"), ("Mobile", "phone"), ("Email", "email"), ("Mail", "email"), ("Taal", "language"),
        ("Opmerkingen", "notes"), ("Notes", "notes"), ("Intern", "internal_name"), ("Alias", "internal_name"),
        ("Interne naam", "internal_name"), ("Nom interne", "internal_name"), ("Bedrijfsnaam", "name"), ("Nom", "name"),
        ("  NAAM ", "name"), ("marked_error", "marked_error"),
    ],
)  # fmt: skip
def test_header_synonyms(header: str, column: str) -> None:
    assert HEADER_SYNONYMS[header_key(header)] == column


def test_every_import_column_is_its_own_header() -> None:
    assert all(HEADER_SYNONYMS[header_key(column)] == column for column in IMPORT_COLUMNS)


def test_unknown_columns_are_noted_not_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "erp.csv", b"Name,Fax,City,Created at,id\nA,123,Gent,2020-01-01,7\n")
    source = open_source(path)
    assert source.layout.columns == ["name", None, "city", None, None]
    assert source.layout.notes == ["Not imported: the columns Fax, Created at, id."]
    assert _read(source) == [(2, ["A", "123", "Gent", "2020-01-01", "7"])]
    one = open_source(io.BytesIO(b"name,Fax\nA,1\n"))
    assert one.layout.notes == ["Not imported: the column Fax."]


def test_two_headers_for_one_column_refuse_the_file_unless_mapped() -> None:
    content = b"Naam;Telefoon;GSM\nA;03 223 45 67;0470 12 34 56\n"
    with pytest.raises(ImportFileError) as refused:
        open_source(io.BytesIO(content))
    assert refused.value.message.startswith("Column phone appears more than once.")
    assert "Telefoon, GSM" in refused.value.message and "--map" in refused.value.message
    source = open_source(io.BytesIO(content), parse_mapping("phone=GSM"))
    assert source.layout.columns == ["name", None, "phone"]
    assert source.layout.notes == ["Not imported: the column Telefoon."]


def test_a_file_without_a_name_column_is_refused_and_mentions_map() -> None:
    with pytest.raises(ImportFileError) as refused:
        open_source(io.BytesIO(b"Klant;Gemeente\nA;Gent\n"))
    assert "no column 'name'" in refused.value.message
    assert "Klant, Gemeente" in refused.value.message and "--map name=" in refused.value.message
    source = open_source(io.BytesIO(b"Klant;Gemeente\nA;Gent\n"), {"name": "klant"})
    assert source.layout.columns == ["name", "city"]
    assert _read(source) == [(2, ["A", "Gent"])]


def test_the_same_header_twice_is_refused() -> None:
    with pytest.raises(ImportFileError, match="Column name appears more than once"):
        open_source(io.BytesIO(b"name,Name\na,b\n"))


# --- --map ------------------------------------------------------------------------


def test_parse_mapping_quotes_empty_headers_and_spaces() -> None:
    assert parse_mapping('customer_number="Klant nr", city = Gemeente,phone=,notes="Remarks, internal"') == {
        "customer_number": "Klant nr",
        "city": "Gemeente",
        "phone": "",
        "notes": "Remarks, internal",
    }
    assert parse_mapping('name="Firma ""Zuid"""') == {"name": 'Firma "Zuid"'}
    assert parse_mapping("Postal_Code=PC,vat_number=Ondernemingsnr,") == {"postal_code": "PC", "vat": "Ondernemingsnr"}
    assert parse_mapping("") == {}


@pytest.mark.parametrize("text", ["city", "city=Gemeente,Plaats", "=Gemeente", 'city="Gemeente', 'city="Ge"x', 'ci"ty=a'])
def test_parse_mapping_refuses_bad_syntax(text: str) -> None:
    with pytest.raises(ImportFileError) as refused:
        parse_mapping(text)
    assert "COLUMN=HEADER" in refused.value.message
    assert "customer_number" in refused.value.message  # the columns are listed


def test_parse_mapping_refuses_an_unknown_column_listing_the_columns() -> None:
    with pytest.raises(ImportFileError) as refused:
        parse_mapping("colour=Kleur")
    assert refused.value.message == ("Unknown column colour in --map. The columns are: " + ", ".join(IMPORT_COLUMNS) + ".")
    with pytest.raises(ImportFileError, match="more than once"):
        parse_mapping("city=A,city=B")


def test_a_mapping_overrides_a_synonym() -> None:
    # "Nr" is the house number by its name; this file means the customer number by it.
    content = b"Naam;Nr;Straat;Huisnummer\nA;K-7;Kerkstraat;12\n"
    plain = open_source(io.BytesIO(content.replace(b";Huisnummer", b"")))
    assert plain.layout.columns == ["name", "number", "street"]
    source = open_source(io.BytesIO(content), parse_mapping("customer_number=nr"))
    assert source.layout.columns == ["name", "customer_number", "street", "number"]
    assert _read(source) == [(2, ["A", "K-7", "Kerkstraat", "12"])]


def test_an_empty_mapped_header_switches_a_column_off() -> None:
    source = open_source(io.BytesIO(b"Naam;Telefoon\nA;03 223 45 67\n"), parse_mapping("phone="))
    assert source.layout.columns == ["name", None]
    assert source.layout.notes == ["Not imported: the column Telefoon."]


def test_a_mapping_naming_a_header_the_file_has_not_is_refused() -> None:
    with pytest.raises(ImportFileError) as refused:
        open_source(io.BytesIO(b"Naam;Gemeente\nA;Gent\n"), {"city": "Woonplaats"})
    assert "Woonplaats" in refused.value.message and "Naam, Gemeente" in refused.value.message
    with pytest.raises(ImportFileError, match="Unknown column colour"):
        open_source(io.BytesIO(b"Naam\nA\n"), {"colour": "Naam"})
    with pytest.raises(ImportFileError, match="both name and internal_name"):
        open_source(io.BytesIO(b"Naam\nA\n"), {"name": "Naam", "internal_name": "naam"})


# --- XLSX -------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None, sheets: int = 1) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Klanten"
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for extra in range(1, sheets):
        book.create_sheet(f"Other {extra}")
    book.save(path)
    return path


def test_xlsx_cells_read_as_typed(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "klanten.xlsx",
        [
            [],  # a blank row before the header
            ["Naam", "Postcode", "Telefoon", "Klant sinds", "Gemeente", "Korting", None],
            ["Bakkerij Peeters", 9000, 32470123456, date(2021, 3, 1), "Gent", 0.1],
            [None, None, None, None, None, None],  # blank: skipped
            ["Müller GmbH", 1067.0, None, datetime(2022, 5, 6, 14, 30), "Dresden", 2.5],
        ],
        formats={"B5": "00000"},
    )
    source = open_source(path)
    layout = source.layout
    assert (layout.kind, layout.encoding, layout.delimiter, layout.header_line) == ("xlsx", None, None, 2)
    assert layout.headers == ["Naam", "Postcode", "Telefoon", "Klant sinds", "Gemeente", "Korting"]
    assert layout.columns == ["name", "postal_code", "phone", None, "city", None]
    assert layout.notes == ["Not imported: the columns Klant sinds, Korting."]
    assert source.total == 3  # from the sheet's dimension: the blank row 4 counts
    assert _read(source) == [
        (3, ["Bakkerij Peeters", "9000", "32470123456", "2021-03-01", "Gent", "0.1"]),
        (5, ["Müller GmbH", "01067", "", "2022-05-06 14:30:00", "Dresden", "2.5"]),
    ]


def test_xlsx_stream_by_its_signature_and_the_first_sheet_only(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "export", [["name", "city"], ["A", "Gent"]], sheets=3)
    source = open_source(io.BytesIO(path.read_bytes()))
    assert source.layout.kind == "xlsx"
    assert source.layout.notes == ["The workbook has 3 sheets; only the first one, Klanten, was read."]
    assert source.total == 1
    assert _read(source) == [(2, ["A", "Gent"])]


def test_a_path_is_closed_with_the_source_a_stream_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[io.BufferedReader] = []
    real_open = Path.open

    def recording_open(self: Path, *args: object, **kwargs: object) -> object:
        handle = real_open(self, *args, **kwargs)  # type: ignore[call-overload]
        opened.append(handle)
        return handle

    monkeypatch.setattr(Path, "open", recording_open)
    book = _workbook(tmp_path / "a.xlsx", [["name"], ["A"]])
    text = _write(tmp_path, "a.csv", b"name\nA\n")
    for path in (book, text):
        with open_source(path) as source:
            assert _read(source) == [(2, ["A"])]
    with pytest.raises(ImportFileError):
        open_source(_write(tmp_path, "bad.csv", b"city\nGent\n"))  # refused: closed all the same
    readers = [handle for handle in opened if handle.mode == "rb"]
    assert len(readers) == 3 and all(handle.closed for handle in readers)
    stream = io.BytesIO(b"name\nA\n")
    with open_source(stream) as source:
        list(source.rows())
    assert not stream.closed


def test_a_broken_xlsx_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.xlsx", b"name,city\nA,Gent\n")
    with pytest.raises(ImportFileError, match="Excel workbook"):
        open_source(path)


def test_an_empty_xlsx(tmp_path: Path) -> None:
    source = open_source(_workbook(tmp_path / "empty.xlsx", []))
    assert source.layout.columns == []
    assert _read(source) == []


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, None, ""), (9000.0, None, "9000"), (9000, None, "9000"), (470123456, "0000000000", "0470123456"),
        (0.1 + 0.2, None, "0.3"), (True, None, "TRUE"), (date(2024, 2, 29), None, "2024-02-29"),
        (datetime(2024, 2, 29), None, "2024-02-29"), ("  as typed ", None, "  as typed "),
    ],
)  # fmt: skip
def test_cell_text(value: object, number_format: str | None, text: str) -> None:
    assert cell_text(value, number_format) == text


# --- Preview ------------------------------------------------------------------------


def test_preview_file_gives_the_first_rows_and_the_count(tmp_path: Path) -> None:
    lines = ["Naam;Gemeente", *(f"Klant {n};Gent" for n in range(1, 9)), "Broken\r;x"]
    path = _write(tmp_path, "many.csv", ("\n".join(lines) + "\n").encode())
    preview = preview_file(path, rows=3)
    assert isinstance(preview, FilePreview)
    assert preview.rows == [["Klant 1", "Gent"], ["Klant 2", "Gent"], ["Klant 3", "Gent"]]
    assert preview.total == 9
    assert preview.layout.columns == ["name", "city"]
    every = preview_file(path, rows=50)
    assert len(every.rows) == 8  # the unreadable row is left out


def test_preview_of_an_xlsx_and_of_an_empty_file(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "p.xlsx", [["Nom", "Code postal"], ["Dubois", 1000], ["Lambert", 4000]])
    preview = preview_file(path, {"city": ""}, rows=1)
    assert preview.rows == [["Dubois", "1000"]]
    assert preview.layout.columns == ["name", "postal_code"]
    empty = preview_file(io.BytesIO(b""))
    assert (empty.layout.columns, empty.rows, empty.total) == ([], [], 0)


def test_excel_separator_hint_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "hint.csv", b"sep=;\nname;notes\nA;one, two\n")
    source = open_source(path)
    assert (source.layout.delimiter, source.layout.header_line, source.layout.headers) == (";", 2, ["name", "notes"])
    assert _read(source) == [(3, ["A", "one, two"])]


def test_a_text_file_opened_by_the_caller_is_counted_and_read_from_its_position(tmp_path: Path) -> None:
    path = _write(tmp_path, "text.csv", "Naam,Plaats\nMüller,Liège\nDubois,Namur\n".encode())
    with path.open(encoding="utf-8", newline="") as handle:
        source = open_source(handle)
        assert source.total == 2
        assert _read(source) == [(2, ["Müller", "Liège"]), (3, ["Dubois", "Namur"])]
        assert not handle.closed
