"""The import screen, by keyboard at 80x24: the palette, the preview, a corrected column, the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select
from textual.widgets import Checkbox, DataTable, Input, OptionList, Static
from tui_support import burst, fill, running_app, text_of, wait_idle

from custtui.models import Customer
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.import_customers import ImportScreen, TickBox, corrected_columns
from custtui.tui.screens.merge_wizard import MergeWizardScreen
from custtui.tui.widgets.context_menu import ContextMenu

# Belgian Excel's CSV: semicolons, Dutch headers. "Contactpersoon" is no column the import knows.
DUTCH_CSV = (
    "Naam;Klantnr;Contactpersoon;Straat;Nr;Postcode;Gemeente;Telefoon\n"
    "Van den Broeck Jan;104233;Jan;Kerkstraat;12;9000;Gent;+32 9 222 33 44\n"
    "Bakkerij Verstraete;200001;Els;Markt;3;8000;Brugge;050 12 34 56\n"
    "Garage Peeters;200002;Tom;Nieuwstraat;7;2000;Antwerpen;03 123 45 67\n"
    ";200003;;;;;;\n"
)



def write_csv(tmp_path: Path, text: str = DUTCH_CSV, name: str = "klanten.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def open_import_screen(pilot: Any, app: Any) -> ImportScreen:
    """ctrl+p, type the command's name, enter: as a user finds it."""
    await pilot.press("ctrl+p")
    await wait_idle(pilot, app)
    await pilot.press(*"import cust")
    await pilot.pause(0.3)
    await wait_idle(pilot, app)
    await pilot.press("enter")
    await wait_idle(pilot, app)
    assert isinstance(app.screen, ImportScreen)
    return app.screen


async def read_file(pilot: Any, app: Any, path: str) -> None:
    await pilot.press(*path, "enter")
    await wait_idle(pilot, app)


def mapping_lines(screen: ImportScreen) -> list[str]:
    listing = screen.query_one("#import-mapping", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def customer_names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(c.name for c in session.exec(select(Customer)))


async def test_import_by_keyboard_from_the_palette_to_the_merge_wizard(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine, role="office")
    path = write_csv(tmp_path)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        assert app.focused is screen.query_one("#import-path", Input)
        await read_file(pilot, app, str(path))

        # The preview: each header and what it is imported as, the first rows, the notes.
        lines = mapping_lines(screen)
        assert len(lines) == 8
        assert "Naam" in lines[0] and "→ Name" in lines[0] and "Van den Broeck Jan" in lines[0]
        assert "Klantnr" in lines[1] and "→ Customer no." in lines[1]
        assert "Contactpersoon" in lines[2] and "not imported" in lines[2]
        assert "→ Phone" in lines[7]
        info = text_of(screen.query_one("#import-file-info", Static))
        assert "4 rows to import." in info
        assert "Contactpersoon" in info  # the service's note: not imported
        rows = screen.query_one("#import-rows", DataTable)
        assert rows.row_count == 4 and len(rows.columns) == 8
        assert app.focused is screen.query_one("#import-mapping", OptionList)

        # Contactpersoon becomes the internal name: down twice, enter, then the picker by keyboard.
        await pilot.press("down", "down", "enter")
        await wait_idle(pilot, app)
        menu = app.screen
        assert isinstance(menu, ContextMenu)
        picker = menu.query_one(OptionList)
        assert picker.highlighted == 0  # "Not imported", what it is now
        target = [item.action for item in menu.items].index("internal_name")
        await pilot.press(*["down"] * target, "enter")
        await wait_idle(pilot, app)
        assert app.screen is screen
        assert screen._mapping == {"internal_name": "Contactpersoon"}
        assert "→ Internal name" in mapping_lines(screen)[2]
        assert "Contactpersoon" not in text_of(screen.query_one("#import-file-info", Static))

        # Import (ctrl+s): the report lists the row like an existing customer, and the error.
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert screen._showing_report
        summary = text_of(screen.query_one("#import-summary", Static))
        assert "3 customers created" in summary and "1 error" in summary
        table = screen.query_one("#import-attention", DataTable)
        kinds = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert kinds[0] in ("Likely duplicate", "Possible duplicate") and "Error" in kinds
        assert app.focused is table
        duplicate = screen._attention[0].row
        assert duplicate.line == 2 and duplicate.duplicate_of == known.busy_id
        assert "Jan" in [c.internal_name for c in _customers(sqlite_engine) if c.id == duplicate.customer_id]

        # The list beneath was told: it shows the new customers.
        listing = app.screen_stack[-2]
        assert isinstance(listing, CustomerListScreen)
        assert listing.table.row_count == 5 + 3

        # Enter opens the new customer; escape comes back to the report.
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == duplicate.customer_id
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert app.screen is screen

        # m: the merge wizard with the new customer and the one it looks like.
        await pilot.press("m")
        await wait_idle(pilot, app)
        wizard = app.screen
        assert isinstance(wizard, MergeWizardScreen)
        assert sorted(wizard.customer_ids) == sorted([duplicate.customer_id, known.busy_id])
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert app.screen is screen

        # escape: back to the file, then back to the list.
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert not screen._showing_report
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)



async def test_a_duplicate_merged_from_the_report_is_shown_merged(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine, role="office")
    path = write_csv(tmp_path)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        await read_file(pilot, app, str(path))
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        table = screen.query_one("#import-attention", DataTable)
        assert screen._attention[0].kind in ("likely", "possible")
        # m, then through the wizard by keyboard: the preselected record kept, n to the preview, a to apply.
        await pilot.press("m")
        await wait_idle(pilot, app)
        wizard = app.screen
        assert isinstance(wizard, MergeWizardScreen)
        await pilot.press("n", "n", "n", "n")
        await wait_idle(pilot, app)
        assert wizard.step == "preview"
        await pilot.press("a")
        await wait_idle(pilot, app)
        assert wizard.step == "done"
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert app.screen is screen
        assert str(table.get_row_at(0)[1]) == "Merged" and screen._attention[0].kind == "merged"
        assert not screen._attention[0].can_merge
        with Session(sqlite_engine) as session:
            merged = session.get(Customer, screen._attention[0].row.customer_id)
            assert merged is not None and merged.marked_error

def _customers(engine: Engine) -> list[Customer]:
    with Session(engine) as session:
        return list(session.exec(select(Customer)))


async def test_a_dry_run_saves_nothing_and_says_so(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine, role="office")
    path = write_csv(tmp_path)
    before = customer_names(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        await read_file(pilot, app, str(path))
        await pilot.press("tab", "tab", "space")  # past the rows, to "Skip likely duplicates": ticked
        await pilot.press("tab", "space")  # "Dry run": ticked
        assert screen.query_one("#import-skip", Checkbox).value
        assert screen.query_one("#import-dry-run", Checkbox).value
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert screen._showing_report
        summary = text_of(screen.query_one("#import-summary", Static))
        assert summary.startswith("Dry run: nothing was saved.")
        assert "1 skipped" in summary
    assert customer_names(sqlite_engine) == before


async def test_a_missing_file_is_said_plainly_and_nothing_can_be_imported(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine, role="office")
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        await read_file(pilot, app, "~/no-such-folder-here/klanten.csv")
        info = text_of(screen.query_one("#import-file-info", Static))
        assert info == f"There is no file {Path('~').expanduser()}/no-such-folder-here/klanten.csv."
        assert screen.check_action("start", ()) is None  # shown, disabled
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert not screen._showing_report


async def test_a_path_with_a_tilde_is_read_from_the_home_folder(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write_csv(tmp_path)
    known = fill(sqlite_engine, role="office")
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        await read_file(pilot, app, "~/klanten.csv")
        assert screen._path == tmp_path / "klanten.csv"
        assert len(mapping_lines(screen)) == 8
        # Editing the path again: the preview no longer counts until enter.
        await pilot.click("#import-path")
        await pilot.press("x")
        assert screen.check_action("start", ()) is None


async def test_unmapping_the_name_is_refused_with_a_reason_and_undone_by_mapping_it_again(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    known = fill(sqlite_engine, role="office")
    path = write_csv(tmp_path)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        await read_file(pilot, app, str(path))
        await pilot.press("enter")  # on Naam: the picker opens on "Name"
        await wait_idle(pilot, app)
        assert app.screen.query_one(OptionList).highlighted == 1
        await pilot.press("up", "enter")  # "Not imported"
        await wait_idle(pilot, app)
        assert "not imported" in mapping_lines(screen)[0]
        assert "Choose the column to import as the name" in text_of(screen.query_one("#import-file-info", Static))
        assert screen.check_action("start", ()) is None
        await pilot.press("enter", "down", "enter")  # Naam -> Name again
        await wait_idle(pilot, app)
        assert "→ Name" in mapping_lines(screen)[0]
        assert screen.check_action("start", ()) is True


async def test_user_data_is_shown_as_text_never_as_markup_or_control_codes(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine, role="office")
    path = write_csv(tmp_path, "Naam;[bold]Kleur[/]\n\x1b[31mPeeters \u202eX;[red]rood\n")
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        await read_file(pilot, app, str(path))
        lines = mapping_lines(screen)
        assert "[bold]Kleur[/]" in lines[1]
        assert "\x1b" not in lines[0] and "\u202e" not in lines[0] and "\ufffd" in lines[0]
        rows = screen.query_one("#import-rows", DataTable)
        assert "[red]rood" in str(rows.get_row_at(0)[1])


async def test_a_technician_is_not_offered_the_import(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine, role="technician")
    async with running_app(sqlite_engine, known.admin) as (app, _pilot):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Import customers…" not in titles
        assert "Theme" in titles


def test_corrections_move_a_column_from_one_header_to_another() -> None:
    headers = ["Naam", "Tel", "GSM"]
    assert corrected_columns(headers, ["name", "phone", None], {"phone": "GSM"}) == ["name", None, "phone"]
    assert corrected_columns(headers, ["name", "phone", None], {"phone": ""}) == ["name", None, None]
    assert corrected_columns(headers, ["name", "phone", None], {}) == ["name", "phone", None]


def test_the_tick_box_shows_its_state_without_colour() -> None:
    box = TickBox("x")
    assert box.BUTTON_INNER == " "
    assert TickBox("x", True).BUTTON_INNER == "X"


async def test_escape_stops_the_import_at_its_next_batch_and_r_resumes_it(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine, role="office")
    rows = "".join(f"Klant {i:04d};K{i:04d};9000\n" for i in range(600))  # two batches of the service's 500
    path = write_csv(tmp_path, "Naam;Klantnr;Postcode\n" + rows)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = await open_import_screen(pilot, app)
        await read_file(pilot, app, str(path))
        # escape while it runs (its first batch takes far longer than a key): stop, not back.
        await burst(pilot, app, "ctrl+s", "escape")  # as a terminal sends keys typed in a row
        assert app.screen is screen and screen._showing_report
        assert screen._report.stopped and screen._report.created == 500
        assert "Stopped before the end of the file" in text_of(screen.query_one("#import-summary", Static))
        assert screen.check_action("resume", ()) is True
        await pilot.press("r")
        await wait_idle(pilot, app)
        assert not screen._report.stopped and screen._report.created == 600
        assert screen.check_action("resume", ()) is False
    assert len(customer_names(sqlite_engine)) == 5 + 600
