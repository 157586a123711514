"""x on the list: the filter's or the search's rows, with the list's columns, to xlsx or CSV; an existing file is asked about."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine
from tui_support import burst, fill, recording_notifications, running_app, wait_idle

from custtui.services.filters import CustomerFilter
from custtui.tui.widgets.dialogs import ConfirmDialog
from custtui.tui.widgets.export_dialog import ExportShownDialog


async def test_a_search_exports_its_hits_in_order_with_the_list_columns(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine)
    target = tmp_path / "hits.xlsx"
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        await burst(pilot, app, "/", "straat")  # three streets: Kerk-, Molen-, Stationsstraat
        await burst(pilot, app, "down")  # into the list; the hits stay
        shown = [app.screen.table.row(cid).name for cid in app.screen.table.ids]  # type: ignore[attr-defined,union-attr]
        await burst(pilot, app, "x")
        assert isinstance(app.screen, ExportShownDialog)
        await burst(pilot, app, "ctrl+u", str(target), "enter")
        await wait_idle(pilot, app)
        await app.workers.wait_for_complete()
        await wait_idle(pilot, app)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:3] == ("Name", "Internal name", "City")
    assert [row[0] for row in rows[1:]] == shown and len(shown) == 3
    assert any(f"Exported 3 customers to {target}" in message for message in messages), messages


async def test_a_region_filter_to_csv_then_the_same_file_again_is_asked_about(sqlite_engine: Engine, tmp_path: Path) -> None:
    known = fill(sqlite_engine)
    target = tmp_path / "flanders.csv"
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        app.screen.list_filter = CustomerFilter(regions=("BE-VLG",))  # type: ignore[attr-defined]  # as the filter dialog sets it
        app.screen.reload()  # type: ignore[attr-defined]
        await wait_idle(pilot, app)
        count = app.screen.table.row_count  # type: ignore[attr-defined]
        for attempt in range(2):
            await burst(pilot, app, "x", "ctrl+u", str(target), "enter")
            await app.workers.wait_for_complete()
            await wait_idle(pilot, app)
            if attempt == 1:
                assert isinstance(app.screen, ConfirmDialog)  # the file exists: replace it?
                await burst(pilot, app, "tab", "enter")
                await app.workers.wait_for_complete()
                await wait_idle(pilot, app)
        await burst(pilot, app, "x", "ctrl+u", str(tmp_path / "no such folder" / "x.csv"), "enter")
        await app.workers.wait_for_complete()
        await wait_idle(pilot, app)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel's CSV: a BOM and semicolons
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == count + 1 and all(row[5] == "BE-VLG" for row in rows[1:])
    assert sum("Exported" in message for message in messages) == 2
    assert any("does not exist" in message for message in messages), messages
    assert not list(tmp_path.glob(".custtui-export-*"))  # no half-written file left behind
