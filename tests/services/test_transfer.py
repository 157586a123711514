"""Import from CSV and export to CSV/XLSX (both backends)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from helpers import make_customer, make_installation, make_location, make_mission
from openpyxl import load_workbook
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from custtui.errors import PermissionDenied
from custtui.models import Building, Customer, ImportRun, Location, User, utcnow
from custtui.services import audit, labels, marks, notes, transfer
from custtui.services.duplicates import DEFAULT_MIN_SCORE
from custtui.services.transfer import EXPORT_COLUMNS, ImportFileError, ImportReport, ImportRow, importing

VAT_A = "BE0403170701"  # valid check digits
VAT_B = "BE0765432146"
BAD_VAT = "BE0403170702"  # fails its check digits

HEADER = "name,internal_name,customer_number,region,language,vat,email,phone,street,number,postal_code,city,country"


def _csv(*lines: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join((header, *lines)) + "\n").encode("utf-8"))


def _customers(engine: Engine) -> dict[str, Customer]:
    with Session(engine) as s:
        return {c.name: c for c in s.exec(select(Customer))}


def _locations(engine: Engine, customer_id: int) -> list[Location]:
    with Session(engine) as s:
        return list(s.exec(select(Location).where(Location.customer_id == customer_id).order_by(Location.id)))


def _orphans(engine: Engine) -> list[str]:
    """Customers without a location: an import row cut in half would leave one."""
    with Session(engine) as s:
        with_location = set(s.exec(select(Location.customer_id)))
        return [c.name for c in s.exec(select(Customer)) if c.id not in with_location]


def _statuses(report: ImportReport) -> list[tuple[int, str]]:
    return [(row.line, row.status) for row in report.rows]


# --- Import -------------------------------------------------------------------


def test_good_file_creates_customers_and_locations(engine: Engine, office: User) -> None:
    source = _csv(
        "Bakkerij Peeters,Peeters bakker,C-001,BE-VLG,nl,BE 0403.170.701,info@peeters.be,+32 3 223 45 67,"
        "Kerkstraat,12,2000,Antwerpen,BE",
        "Boulangerie Dubois,,,,fr,,,,Rue Haute,5,1000,Bruxelles,",  # region from the postal code
        "De Vries Installatie,,,,NL,,,,Damrak,1,1012 LG,Amsterdam,nl",  # region from the country
        "Janssens,,,BE-WAL,,,,,,,,,",  # no address: no location
    )
    report = transfer.import_customers(engine, office, source)

    assert _statuses(report) == [(2, "created"), (3, "created"), (4, "created"), (5, "created")]
    assert (report.created, report.duplicates, report.skipped, report.errors) == (4, 0, 0, 0)
    found = _customers(engine)
    assert [row.customer_id for row in report.rows] == [found[n].id for n in (
        "Bakkerij Peeters", "Boulangerie Dubois", "De Vries Installatie", "Janssens")]  # fmt: skip
    assert report.rows[0].message == f"Created as customer {found['Bakkerij Peeters'].id}."

    peeters = found["Bakkerij Peeters"]
    assert (
        peeters.internal_name, peeters.customer_number, peeters.region_code, peeters.language,
        peeters.vat_number, peeters.email, peeters.phone,
    ) == ("Peeters bakker", "C-001", "BE-VLG", "nl", VAT_A, "info@peeters.be", "+3232234567")  # fmt: skip
    [location] = _locations(engine, peeters.id)
    assert (location.street, location.number, location.postal_code, location.city, location.country) == (
        "Kerkstraat", "12", "2000", "Antwerpen", "BE")  # fmt: skip
    with Session(engine) as s:
        assert s.exec(select(Building).where(Building.location_id == location.id)).first() is not None

    assert found["Boulangerie Dubois"].region_code == "BE-BRU"
    assert found["Boulangerie Dubois"].internal_name is None
    assert _locations(engine, found["Boulangerie Dubois"].id)[0].region_code == "BE-BRU"
    assert (found["De Vries Installatie"].region_code, found["De Vries Installatie"].language) == ("NL", "nl")
    assert _locations(engine, found["De Vries Installatie"].id)[0].country == "NL"
    assert found["Janssens"].region_code == "BE-WAL"
    assert _locations(engine, found["Janssens"].id) == []


def test_semicolons_bom_any_case_and_order_from_a_path(engine: Engine, admin: User, tmp_path: Path) -> None:
    path = tmp_path / "klanten.csv"
    path.write_bytes(
        "\ufeffPostal_Code;Name;City;Street;Number;VAT\n"
        '9000;Café "De Zwaan";Gent;Veldstraat;5;\n'
        "4000;Électricité Liégeoise; Liège ;Rue Féronstrée;10;BE0765432146\n".encode()
    )
    report = transfer.import_customers(engine, admin, path)
    assert _statuses(report) == [(2, "created"), (3, "created")]
    found = _customers(engine)
    assert found['Café "De Zwaan"'].region_code == "BE-VLG"
    liege = found["Électricité Liégeoise"]
    assert (liege.region_code, liege.vat_number) == ("BE-WAL", VAT_B)
    assert _locations(engine, liege.id)[0].city == "Liège"


def test_bad_rows_are_reported_and_good_rows_saved(engine: Engine, office: User) -> None:
    source = _csv(
        "Good One,,,BE-VLG,,,,,Kerkstraat,1,2000,Antwerpen,BE",
        ",,,BE-VLG,,,,,Kerkstraat,2,2000,Antwerpen,BE",  # line 3: no name
        f"Bad Vat,,,BE-VLG,,{BAD_VAT},,,Kerkstraat,3,2000,Antwerpen,BE",
        "Bad Region,,,XX,,,,,Kerkstraat,4,2000,Antwerpen,BE",
        "Evil \x1b[31mRed,,,BE-VLG,,,,,Kerkstraat,5,2000,Antwerpen,BE",
        "No Region,,,,,,,,Dorpsstraat,6,,Ergens,BE",  # nothing suggests a region
        "Two Problems,,,BE-VLG,xx,,not-an-email,,,,,,",
        "Good Two,,,,,,,,Veldstraat,7,9000,Gent,BE",
    )
    report = transfer.import_customers(engine, office, source)

    assert _statuses(report) == [
        (2, "created"), (3, "error"), (4, "error"), (5, "error"), (6, "error"), (7, "error"), (8, "error"),
        (9, "created"),
    ]  # fmt: skip
    assert (report.created, report.errors) == (2, 6)
    messages = {row.line: row.message for row in report.rows}
    assert messages[3] == "Not imported. name: Name is required."
    assert messages[4] == "Not imported. vat: This VAT number fails its check digits."
    assert messages[5] == "Not imported. region: Unknown region: XX."
    assert messages[6] == "Not imported. name: Control characters are not allowed."
    assert messages[7] == "Not imported. region: Region is required."
    assert "language: Language must be one of" in messages[8]
    assert "email: Not an e-mail address" in messages[8]
    assert all(row.customer_id is None for row in report.rows if row.status == "error")
    assert sorted(_customers(engine)) == ["Good One", "Good Two"]
    assert _orphans(engine) == []


def test_row_shape_problems_and_multiline_cells_keep_line_numbers(engine: Engine, office: User) -> None:
    source = io.BytesIO(
        b"name,notes,region,street,city,\n"
        b'"Multi",  "first line\nsecond line",BE-VLG,Kerkstraat,Antwerpen,\n'
        b"\n"  # blank lines are skipped, not reported
        b"Too Many,,BE-VLG,Kerkstraat,Antwerpen,,surplus\n"
        b"Unnamed Column,,BE-VLG,Kerkstraat,Antwerpen,value\n"
        b"Short,,BE-VLG\n"
    )
    report = transfer.import_customers(engine, office, source)
    assert _statuses(report) == [(2, "created"), (5, "error"), (6, "error"), (7, "created")]
    assert report.rows[1].message == "Not imported. This row has 7 fields, the header names 6."
    assert "column 6" in report.rows[2].message
    multi = _customers(engine)["Multi"]
    with Session(engine) as s:  # the notes column: the customer's first journal entry, by the importing user
        assert [(n.text, n.user_login) for n in notes.list_notes(s, multi.id)] == [("first line\nsecond line", office.login)]


def test_unknown_columns_are_left_out_and_named_in_the_notes(engine: Engine, office: User) -> None:
    source = _csv("Peeters,BE-VLG,x,y", header="name,region,colour,Shoe Size")
    report = transfer.import_customers(engine, office, source)
    assert _statuses(report) == [(2, "created")]
    assert any("colour" in note and "Shoe Size" in note for note in report.notes), report.notes
    assert sorted(_customers(engine)) == ["Peeters"]


def test_file_without_name_column_or_with_a_column_twice_is_refused(engine: Engine, office: User) -> None:
    with pytest.raises(ImportFileError, match="no column 'name'"):
        transfer.import_customers(engine, office, _csv("BE-VLG", header="region"))
    with pytest.raises(ImportFileError, match="Column name appears more than once"):
        transfer.import_customers(engine, office, _csv("a,b", header="name,Name"))


def test_file_that_is_not_utf8_is_read_as_windows_1252_and_said_so(engine: Engine, office: User) -> None:
    source = io.BytesIO("name;region\nGood;BE-VLG\nCafé Liège;BE-VLG\n".encode("cp1252"))
    report = transfer.import_customers(engine, office, source)
    assert _statuses(report) == [(2, "created"), (3, "created")]
    assert any("Windows-1252" in note for note in report.notes)
    assert sorted(_customers(engine)) == ["Café Liège", "Good"]


def test_unseekable_stream_stops_at_the_first_line_that_is_not_utf8(engine: Engine, office: User) -> None:
    class Pipe(io.BytesIO):
        def seekable(self) -> bool:
            return False

    seen: list[tuple[int, int | None]] = []
    source = Pipe("name;region\nGood;BE-VLG\nCafé;BE-VLG\nLater;BE-VLG\n".encode("cp1252"))
    report = transfer.import_customers(engine, office, source, progress=lambda done, total: seen.append((done, total)))
    assert [row.status for row in report.rows] == ["created", "error"]
    assert "The rest of the file was not imported." in report.rows[1].message
    assert "line 3" in report.rows[1].message
    assert seen == [(2, None)]
    assert sorted(_customers(engine)) == ["Good"]


def test_progress_is_told_after_each_batch(engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    seen: list[tuple[int, int | None]] = []
    source = _csv("A,,,BE-VLG", ",,,BE-VLG", "C,,,BE-VLG")
    transfer.import_customers(engine, office, source, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 3), (3, 3)]


def test_duplicate_of_an_existing_customer(engine: Engine, session: Session, office: User) -> None:
    existing = make_customer(session, office, "Bakkerij Peeters", vat_number=VAT_A)
    make_location(session, office, existing, street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
    row = f"Bakkerij Peeters BV,,,BE-VLG,,{VAT_A},,,Kerkstraat,12,2000,Antwerpen,BE"

    report = transfer.import_customers(engine, office, _csv(row, "Someone Else,,,BE-VLG,,,,,Veldstraat,1,9000,Gent,BE"))
    assert _statuses(report) == [(2, "duplicate"), (3, "created")]
    duplicate = report.rows[0]
    assert duplicate.duplicate_of == existing.id
    assert duplicate.score is not None and duplicate.score >= DEFAULT_MIN_SCORE
    assert duplicate.customer_id is not None and duplicate.customer_id != existing.id
    assert f"likely duplicate of customer {existing.id}" in duplicate.message
    assert "same VAT" in duplicate.message
    assert (report.created, report.duplicates) == (2, 1)
    assert len(_customers(engine)) == 3

    skipped = transfer.import_customers(engine, office, _csv(row), skip_duplicates=True)
    assert _statuses(skipped) == [(2, "skipped")]
    assert skipped.rows[0].customer_id is None
    assert skipped.rows[0].duplicate_of in (existing.id, duplicate.customer_id)
    assert (skipped.created, skipped.skipped) == (0, 1)
    assert len(_customers(engine)) == 3


def test_duplicate_within_the_same_file(engine: Engine, office: User) -> None:
    source = _csv(
        f"Verwarming Janssens,,,,,{VAT_B},info@janssens-verwarming.be,,Molenstraat,8,3000,Leuven,BE",
        "Totally Different,,,,,,,,Stationsstraat,99,8000,Brugge,BE",
        f"Verwarming Janssens NV,,,,,{VAT_B},,,Molenstraat,8,3000,Leuven,BE",
    )
    report = transfer.import_customers(engine, office, source)
    assert _statuses(report) == [(2, "created"), (3, "created"), (4, "duplicate")]
    assert report.rows[2].duplicate_of == report.rows[0].customer_id

    again = _csv(f"Verwarming Janssens,,,,,{VAT_B},,,Molenstraat,8,3000,Leuven,BE", "Verwarming Janssens,,,BE-VLG")
    skipped = transfer.import_customers(engine, office, again, skip_duplicates=True)
    # The second row has the name and nothing else: a possible duplicate (below duplicates.CERTAIN), imported
    # all the same, and named in the report for the user to check.
    assert [row.status for row in skipped.rows] == ["skipped", "created"]
    possible = skipped.rows[1]
    assert possible.duplicate_of == report.rows[0].customer_id and 0.5 <= (possible.score or 0) < 0.9
    assert "possibly a duplicate of customer" in possible.message and possible.message.endswith("to check.")


def _customer_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM customer")).scalar_one())


def _repeats_across_batches() -> io.BytesIO:
    """Rows whose duplicates come one, two and three batches of two rows later (BATCH_ROWS patched to 2)."""
    return _csv(
        f"Verwarming Janssens,,,,,{VAT_B},info@janssens-verwarming.be,,Molenstraat,8,3000,Leuven,BE",  # 2
        "Bakkerij Peeters,,,,,,bakkerij@peeters.be,,Kerkstraat,12,2000,Antwerpen,BE",  # 3
        f"Verwarming Janssens NV,,,,,{VAT_B},,,Molenstraat,8,3000,Leuven,BE",  # 4: of line 2, the batch before
        "Totally Different,,,,,,,,Stationsstraat,99,8000,Brugge,BE",  # 5
        "Garage Wouters,,,,,,garage@wouters.be,,Brugstraat,3,9000,Gent,BE",  # 6
        "Bakkerij Peeters BV,,,,,,bakkerij@peeters.be,,Kerkstraat,12,2000,Antwerpen,BE",  # 7: of line 3
        "Garage Wouters,,,,,,garage@wouters.be,,Brugstraat,3,9000,Gent,BE",  # 8: of line 6 (batches 2-3, 4-5...)
        "Someone Else,,,,,,,,Veldstraat,1,9000,Gent,BE",  # 9
    )


@pytest.fixture(params=[False, True], ids=["in this process", "in a second process"])
def batches_of_two(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two rows, their duplicate check in this process or in a second one."""
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    monkeypatch.setattr(importing, "SECOND_PROCESS_ROWS", 0 if request.param else 10**9)


@pytest.mark.usefixtures("batches_of_two")
def test_rows_are_compared_with_every_row_before_them_whichever_batch(engine: Engine, office: User) -> None:
    # The check of a batch runs while the batch before is written: a row may resemble one not yet written.
    report = transfer.import_customers(engine, office, _repeats_across_batches())
    by_line = {row.line: row for row in report.rows}
    assert _statuses(report) == [(2, "created"), (3, "created"), (4, "duplicate"), (5, "created"), (6, "created"),
                                 (7, "duplicate"), (8, "duplicate"), (9, "created")]  # fmt: skip
    for line, original in ((4, 2), (7, 3), (8, 6)):
        assert by_line[line].duplicate_of == by_line[original].customer_id is not None
        assert f"likely duplicate of customer {by_line[original].customer_id}" in by_line[line].message
    assert _customer_count(engine) == 8

    dry = transfer.import_customers(engine, office, _repeats_across_batches(), dry_run=True)
    assert [row.status for row in dry.rows] == ["duplicate"] * 8  # each row is in the database now
    assert _customer_count(engine) == 8



@pytest.mark.usefixtures("batches_of_two")
def test_a_row_is_found_like_a_customer_already_there_by_its_values_alone(engine: Engine, office: User) -> None:
    """Names that share no word, one VAT number, e-mail and phone: found through the keys of the index the
    importing process built, also by the second process (its key hashes were its own, and matched none)."""
    first = transfer.import_customers(
        engine, office, _csv(f"Verwarming Janssens,,,,,{VAT_B},info@janssens.be,+32 16 22 33 44,Molenstraat,8,3000,Leuven,BE")
    )
    existing = first.rows[0].customer_id
    report = transfer.import_customers(
        engine, office,
        _csv("Someone Else,,,,,,,,Veldstraat,1,9000,Gent,BE",
             f"JV Services,,,BE-VLG,,{VAT_B},info@janssens.be,016 22 33 44,,,,,BE"),
    )  # fmt: skip
    by_line = {row.line: row for row in report.rows}
    assert (by_line[3].status, by_line[3].duplicate_of) == ("duplicate", existing)
    assert by_line[2].duplicate_of is None

@pytest.mark.usefixtures("batches_of_two")
def test_a_row_like_one_the_database_refused_in_the_batch_before_is_created(
    engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_on_line(monkeypatch, 2, RuntimeError("disk on fire"))
    report = transfer.import_customers(engine, office, _repeats_across_batches())
    by_line = {row.line: row for row in report.rows}
    # Line 4 was checked (against line 2, not yet written) while line 2's batch was written: it resembles a
    # row that is not in the database, so it is created and named as no one's duplicate.
    assert (by_line[2].status, by_line[4].status, by_line[4].duplicate_of) == ("error", "created", None)
    assert by_line[7].duplicate_of == by_line[3].customer_id is not None
    assert _customer_count(engine) == 7


def _crash_on_line(monkeypatch: pytest.MonkeyPatch, line: int, crash: BaseException) -> None:
    """Writing any batch that holds the row of `line` fails (the database refuses it, or Ctrl-C comes)."""
    real_write = importing._Writer._write

    def write(self: importing._Writer, entries: list[importing._Entry]) -> list[ImportRow]:
        if any(entry.line == line and not isinstance(entry, ImportRow) for entry in entries):
            raise crash
        return real_write(self, entries)

    monkeypatch.setattr(importing._Writer, "_write", write)


def _five_customers() -> io.BytesIO:
    return _csv(*(f"Customer {n},,,,,,,,Straat,{n},2000,Antwerpen,BE" for n in range(1, 6)))


def test_a_row_the_database_refuses_is_reported_and_the_others_of_its_batch_are_written(
    engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_on_line(monkeypatch, 4, RuntimeError("disk on fire"))
    report = transfer.import_customers(engine, office, _five_customers())
    assert _statuses(report) == [(2, "created"), (3, "created"), (4, "error"), (5, "created"), (6, "created")]
    assert report.rows[2].message == "Not imported: unexpected error (disk on fire)."
    assert sorted(_customers(engine)) == ["Customer 1", "Customer 2", "Customer 4", "Customer 5"]
    assert _orphans(engine) == []
    for customer in _customers(engine).values():
        assert len(_locations(engine, customer.id)) == 1


def test_an_interruption_rolls_its_batch_back_and_resume_creates_each_row_once(
    engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    path = tmp_path / "five.csv"
    path.write_bytes(_five_customers().getvalue())
    with monkeypatch.context() as crashing:
        _crash_on_line(crashing, 4, KeyboardInterrupt())
        partial = ImportReport()
        with pytest.raises(KeyboardInterrupt):
            transfer.import_customers(engine, office, path, report=partial)
    # The batch of lines 2-3 is in; the one with line 4 went whole.
    assert sorted(_customers(engine)) == ["Customer 1", "Customer 2"]
    assert partial.import_id is not None and [row.line for row in partial.rows] == [2, 3]
    with Session(engine) as session:
        (stopped,) = transfer.unfinished_imports(session, transfer.file_digest(path))
    assert (stopped.id, stopped.last_line, stopped.rows_done) == (partial.import_id, 3, 2)

    resumed = transfer.import_customers(engine, office, path, resume=stopped.id)
    assert resumed.import_id == stopped.id and not resumed.stopped
    assert _statuses(resumed) == [(line, "created") for line in range(2, 7)]  # the whole file's report
    assert sorted(_customers(engine)) == [f"Customer {n}" for n in range(1, 6)]
    assert _orphans(engine) == []
    with Session(engine) as session:
        assert transfer.unfinished_imports(session) == []


def test_stop_ends_at_a_batch_and_resume_goes_on_with_the_same_options(
    engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    path = tmp_path / "file.csv"
    row = "Verwarming Janssens,,,,,,,,Molenstraat,8,3000,Leuven,BE"
    other, last = "Other,,,,,,,,Veldstraat,1,9000,Gent,BE", "Last,,,,,,,,Kerkstraat,3,2000,Antwerpen,BE"
    path.write_bytes(_csv(row, other, row, last).getvalue())
    batches = 0

    def stop_after_one() -> bool:
        nonlocal batches
        batches += 1
        return True

    first = transfer.import_customers(engine, office, path, skip_duplicates=True, stop=stop_after_one)
    assert first.stopped and [row.line for row in first.rows] == [2, 3]
    assert first.import_id is not None
    resumed = transfer.import_customers(engine, office, path, resume=first.import_id)  # skip_duplicates comes along
    assert _statuses(resumed) == [(2, "created"), (3, "created"), (4, "skipped"), (5, "created")]
    assert resumed.rows[2].duplicate_of == resumed.rows[0].customer_id
    assert sorted(_customers(engine)) == ["Last", "Other", "Verwarming Janssens"]

    with pytest.raises(ImportFileError, match="finished"):
        transfer.import_customers(engine, office, path, resume=first.import_id)


@pytest.mark.timeout(300)
def test_a_file_of_look_alikes_larger_than_a_pipe_holds_goes_through_the_second_process(
    engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each batch and each batch's answer (a match with its reasons for every row) is far more than the
    # 64 KB a pipe holds: the two processes must never both wait to write.
    monkeypatch.setattr(importing, "BATCH_ROWS", 200)
    monkeypatch.setattr(importing, "SECOND_PROCESS_ROWS", 0)
    mailbox = "facturatie.en.administratie." * 6
    rows = [
        f"Verwarming Janssens {n % 3},,,,,{VAT_B},{mailbox}{n % 3}@janssens-verwarming.be,+32 16 22 33 4{n % 3},"
        f"Onze-Lieve-Vrouw-van-Vaakstraat-Ter-Heide,8{n % 3},3000,Leuven,BE"
        for n in range(600)
    ]
    report = transfer.import_customers(engine, office, _csv(*rows))
    assert (report.created, report.duplicates) == (600, 599)  # the same VAT number and street: all one customer
    assert all(row.duplicate_of is not None for row in report.rows[1:])


def test_a_resumed_import_that_keeps_only_the_rows_to_check_counts_every_row_done_before(
    engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)
    path = tmp_path / "file.csv"
    path.write_bytes(_repeats_across_batches().getvalue())
    first = transfer.import_customers(engine, office, path, stop=lambda: True, keep_created=False)
    assert first.stopped and (first.created, first.done) == (2, 2)
    resumed = transfer.import_customers(engine, office, path, resume=first.import_id, keep_created=False)
    # The rows of the first batch were created and need no checking: not in `rows`, counted all the same.
    assert (resumed.done, resumed.created, resumed.duplicates, resumed.errors) == (8, 8, 3, 0)
    assert resumed.summary == "8 customers created (3 likely duplicates), 0 skipped, 0 errors."


def test_resume_refuses_another_file(engine: Engine, office: User, tmp_path: Path) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(_five_customers().getvalue())
    first = transfer.import_customers(engine, office, path, stop=lambda: True)
    assert not first.stopped  # one batch: the end of the file came first
    other = tmp_path / "other.csv"
    other.write_bytes(_csv("Someone,,,BE-VLG").getvalue())
    with Session(engine) as session:
        run = session.get(ImportRun, first.import_id)
        assert run is not None
        run.status = "stopped"
        session.commit()
    with pytest.raises(ImportFileError, match="not the file of import"):
        transfer.import_customers(engine, office, other, resume=first.import_id)


def test_dry_run_writes_nothing_and_reports_what_would_happen(engine: Engine, office: User) -> None:
    row = f"Verwarming Janssens,,,,,{VAT_B},,,Molenstraat,8,3000,Leuven,BE"
    report = transfer.import_customers(engine, office, _csv(row, "Bad,,,,,BE0403170702,,,,,,,", row), dry_run=True)
    assert _statuses(report) == [(2, "created"), (3, "error"), (4, "duplicate")]
    assert report.rows[0].message == "Would be created."
    assert report.rows[2].message.startswith("Would be created; likely duplicate of the row on line 2 (")
    assert report.import_id is None and report.dry_run
    assert _customers(engine) == {}
    with Session(engine) as session:
        assert session.exec(select(ImportRun)).all() == []


def test_a_row_without_a_usable_address_imports_the_customer_without_a_site(engine: Engine, office: User) -> None:
    report = transfer.import_customers(engine, office, _csv("Peeters,,,BE-VLG,,,,,,12,2000,,BE"))
    (row,) = report.rows
    assert row.status == "created" and row.warning and report.warnings == 1
    # The file has no column for a site's name: the message asks for what it has.
    assert "No site was created, the address is not usable: street: Give at least a street or a city." in row.message
    customer = _customers(engine)["Peeters"]
    assert _locations(engine, customer.id) == []


def test_cancel_from_progress_keeps_the_batches_done(engine: Engine, office: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)

    def cancel_after_two(done: int, total: int | None) -> None:
        if done == 2:
            raise InterruptedError("cancelled")

    with pytest.raises(InterruptedError):
        transfer.import_customers(engine, office, _five_customers(), progress=cancel_after_two)
    assert sorted(_customers(engine)) == ["Customer 1", "Customer 2"]


def test_technician_may_not_import(engine: Engine, technician: User) -> None:
    with pytest.raises(PermissionDenied):
        transfer.import_customers(engine, technician, _csv("Peeters,,,BE-VLG"))
    assert _customers(engine) == {}


def test_write_report(tmp_path: Path) -> None:
    report = ImportReport()
    report.add(ImportRow(2, "created", 7, None, None, "Created as customer 7."))
    report.add(ImportRow(3, "duplicate", 8, 7, 0.91234, "Created as customer 8; likely duplicate of customer 7."))
    report.add(ImportRow(4, "error", None, None, None, 'Not imported. name: "quoted", comma'))
    path = tmp_path / "report.csv"
    transfer.write_report(report, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["line", "status", "customer_id", "duplicate_of", "score", "message"],
        ["2", "created", "7", "", "", "Created as customer 7."],
        ["3", "duplicate", "8", "7", "0.9123", "Created as customer 8; likely duplicate of customer 7."],
        ["4", "error", "", "", "", 'Not imported. name: "quoted", comma'],
    ]
    assert (report.created, report.duplicates, report.errors) == (2, 1, 1)


# --- Export -------------------------------------------------------------------


def _export_fixture(session: Session, user: User) -> tuple[Customer, Customer]:
    peeters = make_customer(
        session, user, "Bakkerij Peeters", internal_name="Peeters bakker", customer_number="C-001",
        language="nl", vat_number=VAT_A, email="info@peeters.be", phone="03 223 45 67",
    )  # fmt: skip
    notes.add_note(session, user, peeters.id, "Dog.\nRing twice.")
    main = make_location(session, user, peeters, street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
    second = make_location(session, user, peeters, street="Veldstraat", number="1", postal_code="9000", city="Gent")
    installation = make_installation(session, user, main)
    make_installation(session, user, second, serial_number="S-2")
    make_mission(session, user, peeters, main, installation_ids=[installation.id])
    for name in ("VIP", "attention: dog"):
        label = labels.create_label(session, user, name)
        labels.assign_label(session, user, peeters.id, label.id)
    session.commit()
    bare = make_customer(session, user, '=HYPERLINK("x"), "quoted"', region_code="BE-BRU")
    return peeters, bare


def _expected_rows(peeters: Customer, bare: Customer) -> list[list[str]]:
    return [
        [
            str(peeters.id), "Bakkerij Peeters", "", "Peeters bakker", "C-001", "BE-VLG", "nl", VAT_A, "info@peeters.be",
            # The phone typed "03 223 45 67": exported international, read back in any region.
            "+32 3 223 45 67", f"{utcnow().date().isoformat()}: Dog.\nRing twice.",
            "Kerkstraat", "12", "2000", "Antwerpen", "BE", "attention: dog, VIP",
            "2", "2", "1",
        ],
        [str(bare.id), '=HYPERLINK("x"), "quoted"', "", "", "", "BE-BRU"] + [""] * 10 + ["", "0", "0", "0"],
    ]  # fmt: skip


def test_export_csv_has_every_customer_with_labels_counts_and_main_address(
    session: Session, technician: User, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    peeters, bare = _export_fixture(session, admin)
    monkeypatch.setattr(transfer.exporting, "EXPORT_PAGE_SIZE", 1)  # several pages
    out = io.BytesIO()
    assert transfer.export_customers(session, technician, out) == 2  # technicians may view, so export
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"), newline="")))
    assert rows[0] == list(EXPORT_COLUMNS)
    expected = _expected_rows(peeters, bare)
    expected[1][1] = "'" + expected[1][1]  # CSV only: a text cell starting with "=" is neutralised
    assert rows[1:] == expected
    assert not out.closed


def test_export_xlsx_has_the_same_rows(session: Session, admin: User, tmp_path: Path) -> None:
    peeters, bare = _export_fixture(session, admin)
    path = tmp_path / "customers.xlsx"
    assert transfer.export_customers(session, admin, path, format="xlsx") == 2
    sheet = load_workbook(path).active
    assert sheet is not None
    values = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == list(EXPORT_COLUMNS)
    assert values[1:] == _expected_rows(peeters, bare)
    assert sheet.cell(row=3, column=2).data_type == "s"  # "=HYPERLINK..." stays text, not a formula
    assert isinstance(sheet.cell(row=2, column=1).value, int)

    stream = io.BytesIO()
    assert transfer.export_customers(session, admin, stream, format="xlsx") == 2
    assert load_workbook(io.BytesIO(stream.getvalue())).active.max_row == 3  # type: ignore[union-attr]


def test_export_of_an_empty_database_is_the_header(session: Session, admin: User) -> None:
    out = io.BytesIO()
    assert transfer.export_customers(session, admin, out) == 0
    assert out.getvalue().decode() == ",".join(EXPORT_COLUMNS) + "\r\n"
    with pytest.raises(ValueError):
        transfer.export_customers(session, admin, io.BytesIO(), format="pdf")


# --- Round trip ---------------------------------------------------------------

_FIELDS = (
    "name", "marked_error", "internal_name", "customer_number", "region_code", "language", "vat_number", "email", "phone",
)  # fmt: skip
_ADDRESS = ("street", "number", "postal_code", "city", "country")


def _snapshot(engine: Engine) -> list[tuple[object, ...]]:
    """Every customer's fields and its main location's address, sorted."""
    result = []
    with Session(engine) as s:
        for customer in s.exec(select(Customer)):
            main = s.exec(select(Location).where(Location.customer_id == customer.id).order_by(Location.id)).first()
            address = tuple(getattr(main, name) for name in _ADDRESS) if main else None
            # The journal as exported comes back as one note, dated as it was exported.
            journal = tuple(re.sub(r"^\d{4}-\d\d-\d\d: ", "", n.text) for n in notes.list_notes(s, customer.id))
            result.append((*(getattr(customer, name) for name in _FIELDS), address, journal))
    return sorted(result, key=repr)


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("building", "journal_note", "location", "customer_label", "label", "audit_event", "customer"):
            connection.execute(text(f"DELETE FROM {table}"))


def test_round_trip_keeps_every_field(engine: Engine, session: Session, admin: User, tmp_path: Path) -> None:
    peeters = make_customer(
        session, admin, "Bakkerij Peeters", internal_name="Peeters, bakker", customer_number="007",
        language="nl", vat_number=VAT_A, email="info@peeters.be", phone="+32 3 223 45 67",
    )  # fmt: skip
    notes.add_note(session, admin, peeters.id, 'Say "hi";\nthen ring.')
    make_location(session, admin, peeters, street="Kerkstraat", number="12 bus 3", postal_code="2000", city="Antwerpen")
    make_location(session, admin, peeters, street="Veldstraat", number="1", postal_code="9000", city="Gent")
    dubois = make_customer(session, admin, "Électricité Dubois", region_code="BE-WAL", language="fr", vat_number=VAT_B)
    make_location(session, admin, dubois, street="Rue de l'Église", number="5", postal_code="4000", city="Liège")
    nl = make_customer(session, admin, "De Vries", region_code="NL", email="jan@devries.nl")
    make_location(session, admin, nl, street="Damrak", number="1", postal_code="1012 LG", city="Amsterdam", country="NL")
    nobody = make_customer(session, admin, "Nobody Home", region_code="BE-BRU", phone="02/223.45.67")
    marks.set_marked(session, admin, nobody.id, True)  # type: ignore[arg-type]  # given up: the mark comes back too
    label = labels.create_label(session, admin, "VIP")
    labels.assign_label(session, admin, peeters.id, label.id)
    session.commit()
    before = _snapshot(engine)

    path = tmp_path / "export.csv"
    assert transfer.export_customers(session, admin, path) == 4
    session.close()
    _empty(engine)
    assert _snapshot(engine) == []

    report = transfer.import_customers(engine, admin, path)
    assert [row.status for row in report.rows] == ["created"] * 4, report.rows
    assert _snapshot(engine) == before


def test_a_report_that_keeps_only_the_rows_to_check_writes_every_row_from_the_database(
    engine: Engine, office: User, tmp_path: Path
) -> None:
    row = f"Verwarming Janssens,,,,,{VAT_B},,,Molenstraat,8,3000,Leuven,BE"
    source = _csv(row, "Other,,,,,,,,Veldstraat,1,9000,Gent,BE", row, "Bad,,,,,BE0403170702,,,,,,,")
    report = transfer.import_customers(engine, office, source, keep_created=False)
    assert [row.line for row in report.rows] == [4, 5]  # the duplicate and the error; the created ones are counted
    assert (report.done, report.created, report.duplicates, report.errors) == (4, 3, 1, 1)
    path = tmp_path / "report.csv"
    transfer.write_report(report, path, engine)
    with path.open(encoding="utf-8", newline="") as handle:
        written = [(int(r["line"]), r["status"]) for r in csv.DictReader(handle)]
    assert written == [(2, "created"), (3, "created"), (4, "duplicate"), (5, "error")]



def test_a_report_that_keeps_a_few_rows_to_check_counts_them_all(engine: Engine, office: User, tmp_path: Path) -> None:
    bad = [f"Bad {n},,,,,BE0403170702,,,,,,," for n in range(5)]
    report = transfer.ImportReport(most_kept=2)
    transfer.import_customers(engine, office, _csv("Good,,,BE-VLG", *bad), report=report, keep_created=False)
    assert [row.line for row in report.rows] == [3, 4]  # the first two errors: the others only counted
    assert (report.done, report.created, report.errors, report.to_check) == (6, 1, 5, 5)
    path = tmp_path / "report.csv"
    transfer.write_report(report, path, engine)  # every row, from the database
    with path.open(encoding="utf-8", newline="") as handle:
        assert [r["status"] for r in csv.DictReader(handle)] == ["created"] + ["error"] * 5

def _same_snapshot(written: dict[str, object] | None, expected: dict[str, object]) -> bool:
    """Equal, timestamps as instants (SQLite reads them back without their UTC offset)."""
    assert written is not None
    written, expected = dict(written), dict(expected)
    for key in ("created_at", "updated_at"):
        moments = [datetime.fromisoformat(str(side.pop(key))).replace(tzinfo=None) for side in (written, expected)]
        if moments[0] != moments[1]:
            return False
    return written == expected


def test_an_imported_row_is_audited_as_a_customer_created_by_hand(engine: Engine, office: User) -> None:
    report = transfer.import_customers(engine, office, _csv("Peeters,,C-7,BE-VLG,,,,,Kerkstraat,1,2000,Antwerpen,BE"))
    customer_id = report.rows[0].customer_id
    assert customer_id is not None
    with Session(engine) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        (event,) = audit.events_for(session, "customer", customer_id)
        assert (event.action, event.user_login) == ("create", office.login)
        assert _same_snapshot(event.after, audit.snapshot(customer))
        (site,) = _locations(engine, customer_id)
        (site_event,) = audit.events_for(session, "location", site.id)  # type: ignore[arg-type]
        assert _same_snapshot(site_event.after, audit.snapshot(site))


def test_the_contact_persons_go_to_a_second_sheet_or_a_second_csv_file(session: Session, admin: User, tmp_path: Path) -> None:
    from custtui.services import contacts
    from custtui.services.contacts import ContactInput

    peeters, _bare = _export_fixture(session, admin)
    site = _locations(session.get_bind(), peeters.id)[0]  # type: ignore[arg-type]
    contacts.add_contact(session, admin, peeters.id, ContactInput(name="=Els Aerts", role="owner", mobile="0471 08 32 21"))  # type: ignore[arg-type]
    contacts.add_contact(
        session, admin, peeters.id, ContactInput(name="Syndic", role="property_manager", location_id=site.id, email="s@x.be")  # type: ignore[arg-type]
    )
    session.commit()
    expected = [
        [str(peeters.id), "=Els Aerts", "owner", "", "", "+32 471 08 32 21", "", "", ""],
        [str(peeters.id), "Syndic", "property_manager", "Kerkstraat 12, 2000 Antwerpen", "", "", "s@x.be", "", ""],
    ]
    workbook = tmp_path / "customers.xlsx"
    transfer.export_customers(session, admin, workbook, format="xlsx")
    sheets = load_workbook(workbook).worksheets
    assert [sheet.title for sheet in sheets] == ["Customers", "Contacts"]
    values = [["" if cell is None else str(cell) for cell in row] for row in sheets[1].iter_rows(values_only=True)]
    assert values == [list(transfer.exporting.CONTACT_COLUMNS), *expected]
    assert sheets[1].cell(row=2, column=2).data_type == "s"  # "=Els Aerts" stays text
    plain = tmp_path / "customers.csv"
    transfer.export_customers(session, admin, plain)
    companion = tmp_path / "customers-contacts.csv"
    rows = list(csv.reader(io.StringIO(companion.read_text(encoding="utf-8"), newline="")))
    expected[0][1] = "'=Els Aerts"  # CSV: neutralised against formulas
    assert rows == [list(transfer.exporting.CONTACT_COLUMNS), *expected]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_contact_persons_come_back_with_an_exported_file(
    engine: Engine, session: Session, admin: User, tmp_path: Path, fmt: str
) -> None:
    from custtui.services import contacts
    from custtui.services.contacts import ContactInput

    peeters, _bare = _export_fixture(session, admin)
    site = _locations(engine, peeters.id)[0]  # type: ignore[arg-type]
    contacts.add_contact(session, admin, peeters.id, ContactInput(name="=Els Aerts", role="owner", mobile="0471 08 32 21"))  # type: ignore[arg-type]
    contacts.add_contact(
        session, admin, peeters.id,  # type: ignore[arg-type]
        ContactInput(name="Syndic", role="property_manager", location_id=site.id, email="s@x.be", notes="Desk\nweekdays"),
    )  # fmt: skip
    session.commit()
    path = tmp_path / f"customers.{fmt}"
    transfer.export_customers(session, admin, path, format=fmt)
    session.close()
    with engine.begin() as connection:
        for table in ("mission_installation", "mission", "installation", "contact", "building", "journal_note", "location",
                      "customer_label", "label", "audit_event", "customer"):  # fmt: skip
            connection.execute(text(f"DELETE FROM {table}"))
    report = transfer.import_customers(engine, admin, path)
    assert "2 contact persons imported." in report.notes, report.notes
    with Session(engine) as s:
        new_peeters = next(c for c in s.exec(select(Customer)) if c.name == "Bakkerij Peeters")
        people = contacts.contacts_of(s, new_peeters.id)  # type: ignore[arg-type]
        kept_site = _locations(engine, new_peeters.id)[0]  # type: ignore[arg-type]
    assert [(p.name, p.role, p.mobile, p.email, p.notes) for p in people] == [
        ("=Els Aerts", "owner", "+32471083221", None, None), ("Syndic", "property_manager", None, "s@x.be", "Desk\nweekdays"),
    ]  # fmt: skip
    assert people[1].location_id == kept_site.id  # found again by its address
