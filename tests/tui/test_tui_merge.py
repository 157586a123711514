"""Duplicates screen and merge wizard, end to end by keyboard."""

from __future__ import annotations

from helpers import make_customer
from sqlalchemy import Engine
from sqlmodel import Session, select
from textual.widgets import OptionList
from tui_support import fill_duplicates, running_app, wait_idle

from custtui.models import Customer, Installation, Location, Mission
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.duplicates import DuplicatesScreen
from custtui.tui.screens.merge_wizard import MergesScreen, MergeWizardScreen
from custtui.tui.widgets.dialogs import ChoiceDialog


def rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with Session(engine) as session:
        return {
            "customer": sorted((c.id, c.name, c.phone, c.email) for c in session.exec(select(Customer))),
            "location": sorted((loc.id, loc.customer_id) for loc in session.exec(select(Location))),
            "installation": sorted((i.id, i.location_id, i.building_id) for i in session.exec(select(Installation))),
            "mission": sorted((m.id, m.customer_id, m.location_id) for m in session.exec(select(Mission))),
        }


async def test_find_merge_cluster_of_three_and_undo(sqlite_engine: Engine) -> None:
    office, (keep_id, typo_id, alias_id) = fill_duplicates(sqlite_engine)
    before = rows(sqlite_engine)
    async with running_app(sqlite_engine, office, watch_changes=True) as (app, pilot):
        await pilot.press("D")
        await wait_idle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen)
        assert len(screen.clusters) == 1
        assert set(screen.clusters[0].customer_ids) == {keep_id, typo_id, alias_id}
        await pilot.press("g")
        await wait_idle(pilot, app)
        wizard = app.screen
        assert isinstance(wizard, MergeWizardScreen)
        assert wizard.plan.keep_id == keep_id  # most installations and missions
        await pilot.press("n")  # fields: keep the preselected values
        assert wizard.step == "fields"
        await pilot.press("n")  # locations: the same address matched, the warehouse added
        assert wizard.step == "locations"
        matches = {m.location_id: m.target_id for m in wizard.plan.locations}
        assert sorted(target is None for target in matches.values()) == [False, True]
        await pilot.press("n", "n")
        assert wizard.step == "preview"
        preview = wizard.plan.preview()
        assert (preview.installations_moved, preview.missions_moved, preview.records_marked) == (2, 1, 2)
        await pilot.press("a")
        await wait_idle(pilot, app)
        assert wizard.step == "done"
        with Session(sqlite_engine) as session:
            kept_sites = [loc.id for loc in session.exec(select(Location).where(Location.customer_id == keep_id))]
            installations = session.exec(select(Installation)).all()
            assert all(i.location_id in kept_sites for i in installations)  # not one lost
            assert len(installations) == 5
            missions = session.exec(select(Mission)).all()
            assert {m.customer_id for m in missions} == {keep_id} and len(missions) == 2
            marked = session.exec(select(Customer).where(Customer.id.in_([typo_id, alias_id]))).all()  # type: ignore[union-attr]
            assert len(marked) == 2 and all(c.marked_error for c in marked)  # the names stay as they were
            kept = session.get(Customer, keep_id)
            assert kept is not None and kept.email == "info@peeters.be"  # empty field filled
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("right", "enter")
        await wait_idle(pilot, app)
        with Session(sqlite_engine) as session:
            assert session.get(Customer, typo_id) is None and session.get(Customer, alias_id) is None
        await pilot.press("escape")  # back to the duplicates, now none
        await wait_idle(pilot, app)
        assert isinstance(app.screen, DuplicatesScreen) and app.screen.clusters == []
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerListScreen)
        await pilot.press("M")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, MergesScreen)
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("enter")  # the Undo button has the focus
        await wait_idle(pilot, app)
    assert rows(sqlite_engine) == before


async def test_merge_with_from_the_context_menu(sqlite_engine: Engine) -> None:
    office, (keep_id, typo_id, _alias_id) = fill_duplicates(sqlite_engine)
    async with running_app(sqlite_engine, office, watch_changes=True) as (app, pilot):
        from custtui.tui.widgets.customer_table import CustomerTable

        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(keep_id)
        await pilot.press("m", "g")  # Mer&ge with…
        await wait_idle(pilot, app)
        await pilot.press(*"bakkerij peters")
        await wait_idle(pilot, app)
        await pilot.press("enter", "space", "ctrl+s")
        await wait_idle(pilot, app)
        wizard = app.screen
        assert isinstance(wizard, MergeWizardScreen)
        assert set(wizard.plan.customer_ids) == {keep_id, typo_id}


async def test_the_duplicates_screen_follows_a_merge(sqlite_engine: Engine) -> None:
    office, ids = fill_duplicates(sqlite_engine)
    async with running_app(sqlite_engine, office) as (app, pilot):
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


async def test_possible_duplicates_are_listed_apart_under_a_heading_the_cursor_skips(sqlite_engine: Engine) -> None:
    office, _ids = fill_duplicates(sqlite_engine)
    with Session(sqlite_engine) as session:
        for name in ("Garage Janssens", "Garage Jansens"):  # a typo and nothing else known: to check
            make_customer(session, office, name)
    async with running_app(sqlite_engine, office) as (app, pilot):
        await pilot.press("D")
        await wait_idle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen)
        assert [cluster.confidence for cluster in screen.clusters] == ["certain", "possible"]
        listing = screen.query_one("#dup-clusters", OptionList)
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert prompts[1] == "Possible duplicates — check" and listing.get_option_at_index(1).disabled
        assert screen.current() is screen.clusters[0]
        await pilot.press("down")  # over the heading, onto the possible pair
        await wait_idle(pilot, app)
        assert screen.current() is screen.clusters[1]
        reasons = str(screen.query_one("#dup-reasons").render())
        assert "name 97" in reasons and "(+" in reasons  # the name scores 97 %, its weight in brackets
        await pilot.press("up")
        assert screen.current() is screen.clusters[0]


async def test_the_wizard_footer_and_hint_name_escape_alike(sqlite_engine: Engine) -> None:
    """Before the merge escape cancels, once it is done escape closes: the footer says what the hint says."""
    from textual.widgets import Static

    from custtui.i18n import _

    office, _ids = fill_duplicates(sqlite_engine)
    async with running_app(sqlite_engine, office) as (app, pilot):
        await pilot.press("D")
        await wait_idle(pilot, app)
        await pilot.press("g")
        await wait_idle(pilot, app)
        wizard = app.screen
        assert isinstance(wizard, MergeWizardScreen)

        def footer() -> set[str]:
            return {active.binding.description for active in wizard.active_bindings.values() if active.binding.show}

        def hint() -> str:
            return str(wizard.query_one("#wizard-hint", Static).render())

        assert _("Cancel") in footer() and "escape: cancel" in hint()
        await pilot.press("n", "n", "n", "n", "a")
        await wait_idle(pilot, app)
        assert wizard.step == "done"
        assert _("Close") in footer() and _("Cancel") not in footer() and "escape: close" in hint()
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, DuplicatesScreen)
