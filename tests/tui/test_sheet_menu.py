"""v, or Sheet in the menu: the printable sheet, delivered as Textual delivers files (downloads, or the browser)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from tui_support import burst, fill, running_app

from custtui.tui.widgets.context_menu import ContextMenu
from custtui.tui.widgets.customer_table import CustomerTable


async def test_the_sheet_is_delivered_from_the_key_and_from_the_menu(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    delivered: list[dict[str, Any]] = []
    async with running_app(sqlite_engine, known.admin) as (app, pilot):

        def deliver_text(file: Any, **options: Any) -> str:
            delivered.append({"page": file.read(), **options})
            return "key"

        app.deliver_text = deliver_text  # type: ignore[method-assign,assignment]
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.markup_id)
        await burst(pilot, app, "v")
        await burst(pilot, app, "m")
        assert isinstance(app.screen, ContextMenu) and "sheet" in [item.action for item in app.screen.items]
        await burst(pilot, app, "s")  # &Sheet
    assert [d["save_filename"] for d in delivered] == [f"custtui-sheet-{known.markup_id}.html"] * 2
    page = delivered[0]["page"]
    assert "<h1>[bold]ACME[/] [link=x]y</h1>" in page  # markup is no markup in HTML either, and it is escaped
    assert delivered[0]["open_method"] == "browser" and delivered[0]["mime_type"] == "text/html"
