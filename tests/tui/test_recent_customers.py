"""R on the list: the customers you opened, newest first; enter opens one, escape closes."""

from __future__ import annotations

from sqlalchemy import Engine
from textual.widgets import OptionList
from tui_support import burst, fill, running_app, wait_idle

from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.recent import RecentCustomersScreen
from custtui.tui.widgets.customer_table import CustomerTable


async def test_opened_customers_come_back_newest_first(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await burst(pilot, app, "R")
        assert isinstance(app.screen, RecentCustomersScreen)
        assert app.screen.query_one(OptionList).option_count == 0  # nothing opened yet: said so
        await burst(pilot, app, "escape")
        table = app.screen.query_one(CustomerTable)
        for customer_id in (known.busy_id, known.markup_id, known.alias_id):
            table.cursor = table.ids.index(customer_id)
            await burst(pilot, app, "enter", "escape")  # typed ahead: open, back
            assert isinstance(app.screen, CustomerListScreen)
        await burst(pilot, app, "R")
        listing = app.screen.query_one(OptionList)
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert [line.split("  ")[0] for line in shown] == ["Dubois & Fils sa", "[bold]ACME[/] [link=x]y", "Van den Broeck Jan"]
        await burst(pilot, app, "down", "enter")  # the second: the name that looks like markup, opened as itself
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen) and app.screen.customer_id == known.markup_id
