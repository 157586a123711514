"""Space ticks customers on the list; t labels them all at once, g merges them, x exports them, escape unticks."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from tui_support import burst, fill, recording_notifications, running_app

from custtui.services import labels
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.labels import BulkLabelScreen
from custtui.tui.screens.merge_wizard import MergeWizardScreen
from custtui.tui.widgets.customer_table import CustomerTable


async def test_tick_label_merge_and_untick_by_keyboard(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    with Session(sqlite_engine) as session:
        vip = labels.create_label(session, known.admin, "VIP")
        session.commit()
        vip_id = vip.id
    messages: list[str] = []
    async with running_app(sqlite_engine, known.admin, setup=recording_notifications(messages)) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        first, second = table.ids[1], table.ids[2]
        await burst(pilot, app, "down", "space", "space")  # ticks the second and third, the cursor moving on
        assert table.ticked_ids() == [first, second] and table.cursor == 3
        assert "2 selected" in str(app.screen.query_one("#list-status").render())
        await burst(pilot, app, "t")
        assert isinstance(app.screen, BulkLabelScreen)
        await burst(pilot, app, "a", "escape")  # the first label (VIP, the only one) on both
        assert "Label added to 2 customers." in messages
        with Session(sqlite_engine) as session:
            assert all(vip_id in {t.id for t in labels.labels_of(session, cid)} for cid in (first, second))
        await burst(pilot, app, "g")
        assert isinstance(app.screen, MergeWizardScreen)
        await burst(pilot, app, "escape")
        assert isinstance(app.screen, CustomerListScreen)
        await burst(pilot, app, "escape")  # no search, so: untick
        assert table.ticked_ids() == [] and "selected" not in str(app.screen.query_one("#list-status").render())
