"""P, or Personal data… in the menu (office and admin): export everything held, or anonymise after a confirmation."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine
from tui_support import burst, fill, recording_notifications, running_app

from custtui.tui.widgets.context_menu import ContextMenu
from custtui.tui.widgets.customer_table import CustomerTable
from custtui.tui.widgets.dialogs import ChoiceDialog


async def test_export_then_anonymise_by_keyboard(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine, role="office")
    delivered: list[tuple[str, str]] = []
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):

        def deliver_text(file: Any, **options: Any) -> str:
            delivered.append((options["save_filename"], file.read()))
            return "key"

        app.deliver_text = deliver_text  # type: ignore[method-assign,assignment]
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await burst(pilot, app, "P")
        assert isinstance(app.screen, ChoiceDialog)
        await burst(pilot, app, "shift+tab", "shift+tab", "enter")  # Export
        names = [name for name, _text in delivered]
        assert names == [f"custtui-personal-data-{known.busy_id}.json", f"custtui-personal-data-{known.busy_id}.txt"]
        assert json.loads(delivered[0][1])["customer"]["name"] == "Van den Broeck Jan"
        await burst(pilot, app, "m", "p")  # &Personal data…, from the menu this time
        assert isinstance(app.screen, ChoiceDialog)
        await burst(pilot, app, "shift+tab", "enter", "tab", "enter")  # Anonymise…, then confirm
        assert table.row(known.busy_id).name == f"Anonymised customer {known.busy_id}"  # type: ignore[union-attr]
    assert any(message.startswith("Customer anonymised") for message in messages), messages


async def test_a_technician_sees_it_dim_and_is_told_why(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine, role="technician")
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        await burst(pilot, app, "m")
        assert isinstance(app.screen, ContextMenu)
        assert {item.action: item.enabled for item in app.screen.items}["privacy"] is False
        await burst(pilot, app, "escape", "P")
        assert not isinstance(app.screen, ChoiceDialog)
