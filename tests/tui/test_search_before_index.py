"""Typing a search as soon as the list shows: the database answers until the index is built, then the index."""

from __future__ import annotations

from sqlalchemy import Engine
from tui_support import burst, fill, running_app, text_of, wait_idle

from custtui.tui.app import CusttuiApp
from custtui.tui.screens.customer_list import EXACT_SEARCH_PAUSE_S, CustomerListScreen


def _no_index_yet(app: CusttuiApp) -> None:
    app.start_indexing = lambda: None  # type: ignore[method-assign]  # as on a large database, seconds to build


async def _answered(pilot, app: CusttuiApp) -> None:  # type: ignore[no-untyped-def]
    """The database is asked once typing pauses (EXACT_SEARCH_PAUSE_S): wait for that, then for its answer."""
    await pilot.pause(EXACT_SEARCH_PAUSE_S + 0.1)
    await wait_idle(pilot, app)


async def test_the_database_answers_while_the_index_builds(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin, setup=_no_index_yet) as (app, pilot):
        screen = app.screen
        assert isinstance(screen, CustomerListScreen) and app.search_index is None
        # A name word and the city, typed in one burst, then enter opens the best hit.
        await burst(pilot, app, "/", "broeck gent")
        await _answered(pilot, app)
        assert screen.table.ids == [known.busy_id]
        status = text_of(screen.query_one("#list-status"))
        assert "1 match for “broeck gent” as typed" in status, status
        # A typo finds nothing yet...
        await burst(pilot, app, "ctrl+u", "broek")
        await _answered(pilot, app)
        assert screen.table.ids == []
        # ...and the index, once built, forgives it.
        CusttuiApp.start_indexing(app)
        await wait_idle(pilot, app)
        assert app.search_index is not None
        assert screen.table.ids[:1] == [known.busy_id]
        assert "match" in text_of(screen.query_one("#list-status"))
        await burst(pilot, app, "enter")
        assert app.screen is not screen


async def test_enter_typed_ahead_waits_for_the_databases_answer(sqlite_engine: Engine) -> None:
    from custtui.tui.screens.customer_detail import CustomerDetailScreen

    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin, setup=_no_index_yet) as (app, pilot):
        await burst(pilot, app, "/", "dubois", "enter")  # one burst, as a slow link delivers it
        await _answered(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == known.alias_id


async def test_indexes_built_in_a_child_answer_the_list(sqlite_engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A large database's indexes come from a second interpreter (services.index_process): the list searches them."""
    from custtui.services import index_process

    monkeypatch.setattr(index_process, "CHILD_BUILD_MIN_CUSTOMERS", 0)
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await wait_idle(pilot, app)
        assert app.search_index is not None and app.duplicate_index is not None
        screen = app.screen
        await burst(pilot, app, "/", "broek gnt")  # two typos: the index's answer, not the database's
        assert screen.table.ids[:1] == [known.busy_id]


async def test_a_child_that_fails_leaves_the_indexes_to_the_app(sqlite_engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from custtui.services import index_process

    def fails(*_args: object) -> None:
        raise index_process.IndexProcessFailed("exit code 1")

    monkeypatch.setattr(index_process, "CHILD_BUILD_MIN_CUSTOMERS", 0)
    monkeypatch.setattr(index_process, "build_in_child", fails)
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await wait_idle(pilot, app)
        assert app.search_index is not None and app.duplicate_index is not None
        await burst(pilot, app, "/", "broek gnt")
        assert app.screen.table.ids[:1] == [known.busy_id]  # type: ignore[attr-defined]


async def test_a_customer_changed_while_the_index_builds_is_found_by_its_new_name(
    sqlite_engine: Engine, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    from sqlmodel import Session

    from custtui.models import Customer
    from custtui.services.search import SearchIndex

    known = fill(sqlite_engine)
    apps: list[CusttuiApp] = []
    real_build = SearchIndex.build.__func__  # type: ignore[attr-defined]

    def build(cls, session, stop=lambda: False):  # type: ignore[no-untyped-def]
        index = real_build(cls, session, stop)
        # Another user renames the customer once the build has read it; the refresh comes meanwhile.
        with Session(sqlite_engine) as other:
            customer = other.get(Customer, known.busy_id)
            assert customer is not None
            customer.name = "Zwanenburg Jan"
            other.commit()
        apps[0]._refresh_indexes([known.busy_id])
        return index

    monkeypatch.setattr(SearchIndex, "build", classmethod(build))
    async with running_app(sqlite_engine, known.admin, setup=apps.append) as (app, pilot):
        await wait_idle(pilot, app)
        await burst(pilot, app, "/", "zwanenburg")
        assert app.screen.table.ids[:1] == [known.busy_id]  # type: ignore[attr-defined]
