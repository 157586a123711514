"""The duplicates follow what happened: merged records, records marked ERROR by hand, undone merges."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from tui_support import SIZE, fill_duplicates, wait_idle

from custtui.services import customers, merge
from custtui.services.customers import CustomerInput
from custtui.services.duplicates import DraftCustomer, DuplicateIndex, find_duplicates
from custtui.tui.app import CusttuiApp
from custtui.tui.screens.duplicates import DuplicatesScreen
from custtui.tui.screens.merge_wizard import MergeWizardScreen


def _cluster_ids(session: Session) -> list[set[int]]:
    return [set(cluster.customer_ids) for cluster in find_duplicates(session, dismissed=merge.dismissed_pairs(session))]


def test_merged_records_leave_the_duplicates_and_come_back_on_undo(engine: Engine) -> None:
    office, ids = fill_duplicates(engine)
    with Session(engine, expire_on_commit=False) as session:
        assert _cluster_ids(session) == [set(ids)]
        plan = merge.plan_merge(session, office, ids)
        session.rollback()
        merge_id = merge.apply_merge(session, office, plan)
        session.commit()
        # The emptied records are still there, marked ERROR, until someone deletes them.
        assert all(customers.get_customer(session, cid).name.startswith("ERROR ") for cid in ids[1:])
        assert _cluster_ids(session) == []
        merge.undo_merge(session, office, merge_id)
        session.commit()
        assert _cluster_ids(session) == [set(ids)]


def test_a_record_marked_error_by_hand_is_no_duplicate(engine: Engine) -> None:
    office, (keep_id, typo_id, alias_id) = fill_duplicates(engine)
    with Session(engine, expire_on_commit=False) as session:
        typo = customers.get_customer(session, typo_id)
        data = CustomerInput(
            name="ERROR " + typo.name, region_code=typo.region_code, phone=typo.phone, email=typo.email
        )
        customers.update_customer(session, office, typo_id, data, typo.version)
        session.commit()
        assert _cluster_ids(session) == [{keep_id, alias_id}]
        # Nor does the form warn about it.
        index = DuplicateIndex.build(session)
        warned = {match.customer_id for match in index.likely_duplicates(DraftCustomer(name="Bakkerij Peters", phone="03 444 55 66"))}
        assert typo_id not in warned and keep_id in warned


async def test_the_duplicates_screen_follows_a_merge(sqlite_engine: Engine) -> None:
    office, ids = fill_duplicates(sqlite_engine)
    app = CusttuiApp(engine=sqlite_engine, user=office, watch_changes=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_idle(pilot, app)
        await pilot.press("D")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, DuplicatesScreen) and len(app.screen.clusters) == 1
        await pilot.press("g")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, MergeWizardScreen)
        await pilot.press("n", "n", "n", "n", "a")
        await wait_idle(pilot, app)
        assert app.screen.step == "done"
        await pilot.press("escape")  # back, the ERROR records kept (not deleted)
        await wait_idle(pilot, app)
        assert isinstance(app.screen, DuplicatesScreen)
        assert app.screen.clusters == []
        await pilot.press("r")  # and a rescan agrees
        await wait_idle(pilot, app)
        assert app.screen.clusters == []

