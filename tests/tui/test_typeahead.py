"""Keys typed ahead, as a slow SSH link delivers them: all at once, with no wait between them.

Each scenario sends its keys in one burst straight to the driver (as the
terminal would), then checks that every key went where it would have gone
typed one at a time.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import Input
from tui_support import Known, burst, fill, fill_duplicates, running_app, send_burst, wait_idle

from custtui.models import Label
from custtui.services import labels
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.installations import InstallationsScreen
from custtui.tui.screens.labels import LabelPickerScreen
from custtui.tui.screens.merge_wizard import MergeWizardScreen
from custtui.tui.widgets.customer_table import CustomerTable
from custtui.tui.widgets.filter_dialogs import FilterScreen


@pytest.fixture
def known(sqlite_engine: Engine) -> Known:
    return fill(sqlite_engine)


async def test_search_then_enter_opens_the_best_hit(sqlite_engine: Engine, known: Known) -> None:
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "/", "broeck jan", "enter")
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == known.busy_id


async def test_search_text_with_key_letters_stays_in_the_search_box(sqlite_engine: Engine, known: Known) -> None:
    # "e" edits and "h" opens the history on the list: typed into the search, they are letters.
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "/", "chauffage thiri")
        assert isinstance(app.screen, CustomerListScreen)
        assert app.screen.query_one("#search", Input).value == "chauffage thiri"


async def test_new_then_a_name(sqlite_engine: Engine, known: Known) -> None:
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "n", "Burst Name")
        assert isinstance(app.screen, CustomerFormScreen)
        assert app.screen.query_one("#name", Input).value == "Burst Name"


async def test_menu_then_a_letter_and_the_letter_twice(sqlite_engine: Engine, known: Known) -> None:
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await burst(pilot, app, "m", "i")
        assert isinstance(app.screen, InstallationsScreen)
        await burst(pilot, app, "escape")
        await burst(pilot, app, "m", "i", "i", "escape")
        assert isinstance(app.screen, CustomerListScreen)
        assert app.screen.query_one(CustomerTable).row_count == 5  # not a blank screen


async def test_sort_menu_letter_twice(sqlite_engine: Engine, known: Known) -> None:
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "s", "s", "s", "escape")
        assert isinstance(app.screen, CustomerListScreen)
        assert app.screen.query_one(CustomerTable).row_count == 5


async def test_filter_opens_and_escape_closes(sqlite_engine: Engine, known: Known) -> None:
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "f")
        assert isinstance(app.screen, FilterScreen)
        await burst(pilot, app, "escape", "n", "Burst")
        assert isinstance(app.screen, CustomerFormScreen)
        assert app.screen.query_one("#name", Input).value == "Burst"


async def test_labels_then_space_ticks_the_first(sqlite_engine: Engine, known: Known) -> None:
    with Session(sqlite_engine) as session:
        label = labels.create_label(session, known.admin, "Aardvark on site", "red", "attention")
        session.commit()
        label_id = label.id
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.other_id)
        await burst(pilot, app, "t", "space")
        assert isinstance(app.screen, LabelPickerScreen)
        await burst(pilot, app, "escape")
        assert isinstance(app.screen, CustomerListScreen)
    with Session(sqlite_engine) as session:
        assert [item.id for item in labels.labels_of(session, known.other_id)] == [label_id]
        assert session.get(Label, label_id) is not None


async def test_chains_of_escape(sqlite_engine: Engine, known: Known) -> None:
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await burst(pilot, app, "enter", "m", "escape", "escape", "escape", "escape", "escape")
        assert isinstance(app.screen, CustomerListScreen)
        assert len(app.screen_stack) == 2  # Textual's default screen and the list
        await burst(pilot, app, "/", "dubois", "escape", "escape", "n")
        assert isinstance(app.screen, CustomerFormScreen)


async def test_typing_on_the_list_without_search_does_not_crash(sqlite_engine: Engine, known: Known) -> None:
    # Letters that are keys of the list typed as text ("aerts sint-niklaas"
    # crashed the app): "e" opens the edit form and what follows goes into the
    # name, as it would typed slowly.
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "aerts sint-niklaas")
        assert app._exception is None
        assert isinstance(app.screen, CustomerFormScreen)
        assert app.screen.query_one("#name", Input).value.endswith("rts sint-niklaas")
        await burst(pilot, app, "escape", "tab", "enter")  # discard the edits
        assert isinstance(app.screen, CustomerListScreen)


async def test_duplicates_then_merge(sqlite_engine: Engine) -> None:
    office, ids = fill_duplicates(sqlite_engine)
    async with running_app(sqlite_engine, office) as (app, pilot):
        await burst(pilot, app, "D", "g")
        assert isinstance(app.screen, MergeWizardScreen), type(app.screen)
        assert set(app.screen.plan.customer_ids) == set(ids)


async def test_first_keys_after_start_up(sqlite_engine: Engine, known: Known) -> None:
    async with running_app(sqlite_engine, known.admin, settle=False) as (app, pilot):
        send_burst(app, "/", "dubois")  # before the list has loaded
        await app.key_queue.wait_until_delivered()
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        assert app.screen.query_one("#search", Input).value == "dubois"


async def test_enter_after_a_query_opens_the_best_hit_of_the_whole_query(
    sqlite_engine: Engine, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow search (a big database): the answer to "du" (Dubois first) is still on the
    # list when enter arrives; enter waits for the answer to "duplicate".
    from custtui.services.search import Searcher

    search = Searcher.search

    def slow_search(self, query, limit=50):  # type: ignore[no-untyped-def]
        import time

        time.sleep(0.15)
        return search(self, query, limit=limit)

    monkeypatch.setattr(Searcher, "search", slow_search)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "/", "du", "plicate", "enter")
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == known.empty_id  # Duplicate Bakkerij, not Dubois & Fils


async def test_a_burst_is_searched_for_its_latest_text_not_key_by_key(
    sqlite_engine: Engine, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow search (a big database): while one runs, the keys that come are answered
    # together, for the text as it is by then, not by one search per key.
    from custtui.services.search import Searcher

    search = Searcher.search
    asked: list[str] = []

    def slow_search(self, query, limit=50):  # type: ignore[no-untyped-def]
        import time

        asked.append(query)
        time.sleep(0.1)
        return search(self, query, limit=limit)

    monkeypatch.setattr(Searcher, "search", slow_search)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "/", "duplicate bakkerij")
        await wait_idle(pilot, app)
        assert asked[-1] == "duplicate bakkerij"
        assert len(asked) < len("duplicate bakkerij") / 2, asked
        table = app.screen.query_one(CustomerTable)
        assert table.ids[:1] == [known.empty_id]


async def test_clearing_the_search_shows_the_list_as_it_was_without_reading_it_again(
    sqlite_engine: Engine, known: Known
) -> None:
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await wait_idle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CustomerListScreen)
        whole = list(screen.table.ids)
        await burst(pilot, app, "/", "dubois")
        await wait_idle(pilot, app)
        assert screen.table.ids != whole
        reads: list[object] = []
        original = screen._load_ids

        def counted_load(*args, **kwargs):  # type: ignore[no-untyped-def]
            reads.append(args)
            return original(*args, **kwargs)

        screen._load_ids = counted_load  # type: ignore[method-assign]
        await burst(pilot, app, "escape")
        assert screen.table.ids == whole  # at once, in the key's own handler
        assert reads == []
