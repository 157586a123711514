"""f and F on the list, typed as bursts: a filter of several conditions, saved under a name, shown again, deleted."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from tui_support import burst, fill, recording_notifications, running_app, text_of, wait_idle

from custtui.services import filters
from custtui.services.filters import CustomerFilter
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.widgets.filter_dialogs import FilterScreen, SavedFiltersScreen

# Tab order from the regions list (focused first): languages, labels, any/all, kinds, place, since, ERROR mark,
# save as. Without labels (fill() makes none) their list and the any/all choice are not there: place is 3 tabs away.
TO_PLACE, TO_SINCE, TO_SAVE_AS = ("tab",) * 3, ("tab",) * 4, ("tab",) * 6


async def test_filter_save_show_again_and_delete_by_keyboard(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, CustomerListScreen)
        # Regions: BE-BRU, BE-VLG (ticked), ...; place: Gent; saved as "Gent Flanders". One burst.
        await burst(pilot, app, "f", "down", "space", *TO_PLACE, "Gent", *("tab",) * 3, "Gent Flanders", "ctrl+s")
        assert app.screen is screen
        assert screen.list_filter == CustomerFilter(regions=("BE-VLG",), place="Gent")
        assert screen.table.ids == [known.busy_id]
        assert "filter: Gent Flanders" in text_of(screen.query_one("#list-status"))
        assert any("Saved the filter “Gent Flanders”" in message for message in messages), messages
        # Escape clears the filter; F and enter bring the saved one back.
        await burst(pilot, app, "escape")
        assert screen.list_filter.is_empty and screen.table.row_count == 5
        await burst(pilot, app, "F")
        assert isinstance(app.screen, SavedFiltersScreen)
        await burst(pilot, app, "enter")
        assert app.screen is screen and screen.table.ids == [known.busy_id]
        assert "filter: Gent Flanders" in text_of(screen.query_one("#list-status"))
        # The dialog opens with the saved name under "Save as": a change applied keeps that name and updates it.
        await burst(pilot, app, "f", *TO_PLACE, "ctrl+u", "ctrl+s")
        assert screen.list_filter == CustomerFilter(regions=("BE-VLG",))
        assert "filter: Gent Flanders" in text_of(screen.query_one("#list-status"))
        with Session(sqlite_engine) as session:
            assert [named.filter for named in filters.saved_filters(session, known.admin)] == [screen.list_filter]
        # With the name cleared, a change is shown and not saved: the status says what the filter is.
        await burst(pilot, app, "f", *TO_SAVE_AS, "ctrl+u", "shift+tab", "shift+tab", "shift+tab", "Gent", "ctrl+s")
        assert screen.list_filter == CustomerFilter(regions=("BE-VLG",), place="Gent")
        assert "filter:" not in text_of(screen.query_one("#list-status"))
        assert "region: Flanders · at: Gent" in text_of(screen.query_one("#list-status"))
        with Session(sqlite_engine) as session:
            saved = [named.filter for named in filters.saved_filters(session, known.admin)]
            assert saved == [CustomerFilter(regions=("BE-VLG",))]
        # F, delete, confirm (focus starts on Cancel: right, enter), escape.
        await burst(pilot, app, "F", "delete", "right", "enter")
        assert isinstance(app.screen, SavedFiltersScreen)
        await wait_idle(pilot, app)
        assert "No saved filter yet" in text_of(app.screen.query_one("#saved-filters-empty"))
        await burst(pilot, app, "escape")
        assert app.screen is screen
    with Session(sqlite_engine) as session:
        assert filters.saved_filters(session, known.admin) == []


async def test_a_date_that_is_not_one_keeps_the_dialog_open(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "f", *TO_SINCE, "gisteren", "enter")
        assert isinstance(app.screen, FilterScreen)
        assert "Not a date" in text_of(app.screen.query_one("#error-filter-since"))
        assert app.screen.focused is not None and app.screen.focused.id == "filter-since"
        await burst(pilot, app, "ctrl+u", "5/3/2026", "ctrl+s")  # the locale's short form (en_BE: d/M/yyyy)
        screen = app.screen
        assert isinstance(screen, CustomerListScreen)
        assert screen.table.ids == [known.busy_id]  # its mission on 5 March 2026
        assert "missions since" in text_of(screen.query_one("#list-status"))


async def test_every_label_or_any_and_the_error_mark(sqlite_engine: Engine) -> None:
    from custtui.services import labels, marks

    known = fill(sqlite_engine)
    with Session(sqlite_engine) as session:
        contract = labels.create_label(session, known.admin, "Contract")
        bad = labels.create_label(session, known.admin, "Bad payer")
        for customer_id in (known.busy_id, known.other_id):
            labels.assign_label(session, known.admin, customer_id, contract.id)  # type: ignore[arg-type]
        labels.assign_label(session, known.admin, known.other_id, bad.id)  # type: ignore[arg-type]
        marks.set_marked(session, known.admin, known.other_id, True)
        session.commit()
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, CustomerListScreen)
        # Labels (sorted: Bad payer, Contract): tick both; any of them.
        await burst(pilot, app, "f", "tab", "tab", "space", "down", "space", "ctrl+s")
        assert sorted(screen.table.ids) == sorted([known.busy_id, known.other_id])
        # Every label: the any/all choice, down to "Every label ticked".
        await burst(pilot, app, "f", "tab", "tab", "tab", "enter", "down", "enter", "ctrl+s")
        assert screen.list_filter.all_labels and screen.table.ids == [known.other_id]
        assert "every label of: Bad payer, Contract" in text_of(screen.query_one("#list-status"))
        # Without the ERROR mark: none left.
        await burst(pilot, app, "f", *("tab",) * 7, "enter", "down", "down", "enter", "ctrl+s")
        assert screen.table.row_count == 0
