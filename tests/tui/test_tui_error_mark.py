"""The ERROR mark on screen: before the name, in the viewer's language, found by the word of any language."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import Input
from tui_support import fill_duplicates, running_app, wait_idle

from custtui.i18n import set_language
from custtui.services import merge
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.widgets.customer_panels import TitlePanel
from custtui.tui.widgets.customer_table import CustomerTable


def listed(app) -> str:  # type: ignore[no-untyped-def]
    """The lines of the customer list, as it paints them."""
    table = app.screen.query_one(CustomerTable)
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def _merged(engine: Engine) -> tuple[object, list[int]]:
    office, ids = fill_duplicates(engine)
    with Session(engine, expire_on_commit=False) as session:
        merge.apply_merge(session, office, merge.plan_merge(session, office, ids))
        session.commit()
    return office, ids


async def test_the_list_shows_the_mark_in_the_ui_language_and_the_word_of_any_language_finds_it(
    sqlite_engine: Engine,
) -> None:
    office, (keep_id, typo_id, alias_id) = _merged(sqlite_engine)
    set_language("nl")
    async with running_app(sqlite_engine, office) as (app, pilot):  # type: ignore[arg-type]
        lines = listed(app)
        assert "FOUT Bakkerij Peters" in lines and "FOUT Peeters Bakker" in lines  # (cut at 80 columns)
        assert "Bakkerij Peeters bv" in lines and "FOUT Bakkerij Peeters bv" not in lines  # the kept record
        await pilot.press("f2", "f")  # &Français
        await wait_idle(pilot, app)
        assert "ERREUR Bakkerij Pet" in listed(app) and "FOUT" not in listed(app)
        await pilot.press("slash", *"FEHLER")  # a German word, a French user: the mark is one
        await wait_idle(pilot, app)
        list_screen = app.screen
        assert isinstance(list_screen, CustomerListScreen)
        assert list_screen.query_one("#search", Input).value == "FEHLER"
        table = list_screen.query_one(CustomerTable)
        assert set(table.ids[:2]) == {typo_id, alias_id} and keep_id not in table.ids
        await pilot.press("down", "enter")
        await wait_idle(pilot, app)
        detail = app.screen
        assert isinstance(detail, CustomerDetailScreen)
        assert detail.sub_title.startswith("ERREUR ")
        title = detail.query_one(TitlePanel)
        assert title.detail is not None and str(title.render_detail(title.detail)).startswith("ERREUR ")
