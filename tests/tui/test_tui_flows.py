"""Every customer flow by keyboard at 80x24, through Textual's Pilot."""

from __future__ import annotations

from screen_tour import until_duplicates_shown
from sqlalchemy import Engine
from sqlmodel import Session, select
from textual.widgets import Input, OptionList, SelectionList, Static
from tui_support import fill, running_app, text_of, wait_idle

from custtui.models import Customer, CustomerLabel, Installation, Label, Location
from custtui.services import customers
from custtui.services.customers import CustomerInput
from custtui.services.filters import CustomerFilter
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import ConflictScreen, CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.help import HelpScreen
from custtui.tui.screens.installations import InstallationsScreen, MoveInstallationScreen
from custtui.tui.screens.labels import LabelFormScreen, LabelPickerScreen
from custtui.tui.screens.locations import LocationsScreen
from custtui.tui.screens.missions import MissionsScreen
from custtui.tui.widgets.context_menu import ContextMenu
from custtui.tui.widgets.customer_table import CustomerTable
from custtui.tui.widgets.dialogs import ChoiceDialog


async def goto(pilot, app, customer_id: int) -> None:  # type: ignore[no-untyped-def]
    """Put the list cursor on a customer."""
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await pilot.pause()


async def test_list_then_detail(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        assert table.row_count == 5
        names = [table.row(cid).name for cid in table.ids]  # type: ignore[union-attr]
        assert names == sorted(names, key=str.lower)
        await goto(pilot, app, known.busy_id)
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        fields = text_of(app.screen.query_one("#detail-fields", Static))
        assert "French (technician's default)" in fields
        assert "1 location · 2 installations · 2 missions" in fields
        region = text_of(app.screen.query_one("#detail-region", Static))
        assert "Flanders (BE-VLG)" in region and "erkend technicus" in region  # the regulation note's legal title
        missions = text_of(app.screen.query_one("#detail-missions", Static))
        assert missions.index("05/03/2026") < missions.index("20/01/2025")
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerListScreen)


async def test_markup_in_names_is_literal(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        assert table.row(known.markup_id).name == "[bold]ACME[/] [link=x]y"  # type: ignore[union-attr]
        await goto(pilot, app, known.markup_id)
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert text_of(app.screen.query_one("#detail-title", Static)).startswith("[bold]ACME[/] [link=x]y")


async def test_create_with_validation_error_then_fixed(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("n")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        await pilot.press(*"Brouwerij Het Anker")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CustomerFormScreen)  # refused
        assert text_of(form.query_one("#error-region_code", Static)) == "Region is required."
        assert form.query_one("#name", Input).value == "Brouwerij Het Anker"  # nothing lost
        form.query_one("#email", Input).focus()
        await pilot.press(*"info@anker")
        form.query_one("#postal_code", Input).focus()
        await pilot.press(*"2800")
        await pilot.pause()
        assert form.values()["region_code"] == "BE-VLG"  # suggested from the postal code
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not an e-mail address" in text_of(form.query_one("#error-email", Static))
        assert form.focused is form.query_one("#email", Input)
        await pilot.press(*".be")
        form.query_one("#street", Input).focus()
        await pilot.press(*"Guido Gezellelaan")
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        shown = [text_of(e) for e in form.query(".form-error.shown")]
        assert isinstance(app.screen, CustomerListScreen), shown
    with Session(sqlite_engine) as session:
        created = session.exec(select(Customer).where(Customer.name == "Brouwerij Het Anker")).one()
        assert created.email == "info@anker.be"
        assert created.region_code == "BE-VLG"
        site = session.exec(select(Location).where(Location.customer_id == created.id)).one()
        assert (site.street, site.postal_code, site.region_code) == ("Guido Gezellelaan", "2800", "BE-VLG")


async def test_edit_conflict_shows_both_versions_and_reapplies(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await goto(pilot, app, known.alias_id)
        await pilot.press("e")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        # Someone else saves the same customer meanwhile.
        with Session(sqlite_engine) as other:
            customers.update_customer(
                other,
                known.admin,
                known.alias_id,
                CustomerInput(name="Dubois et Fils", region_code="BE-WAL", internal_name="Chauffage Dubois"),
                1,
            )
            other.commit()
        form.query_one("#phone", Input).focus()
        await pilot.press(*"+32 4 222 33 44")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        conflict = app.screen.conflict
        assert conflict.theirs is not None and conflict.theirs["name"] == "Dubois et Fils"
        assert set(conflict.changed_fields) == {"name", "phone"}
        assert app.screen.touched == {"phone"}
        app.screen.query_one("#conflict-mine").focus()
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
    with Session(sqlite_engine) as session:
        saved = session.get(Customer, known.alias_id)
        assert saved is not None
        assert saved.phone == "+3242223344"  # typed "+32 4 222 33 44", stored E.164
        # Three-way: the user did not touch the name, so the other user's change stays.
        assert saved.name == "Dubois et Fils"
        assert saved.version == 3


async def test_labels_pick_create_inline_and_unpick(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await goto(pilot, app, known.busy_id)
        await pilot.press("t")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, LabelPickerScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LabelFormScreen)
        await pilot.press(*"Dog on site", "enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, LabelPickerScreen)
        picker = app.screen.query_one(SelectionList)
        with Session(sqlite_engine) as session:
            label = session.exec(select(Label).where(Label.name == "Dog on site")).one()
            assert session.get(CustomerLabel, (known.busy_id, label.id)) is not None
        assert label.id in picker.selected
        await pilot.press("space")  # untick the highlighted (new) label
        await wait_idle(pilot, app)
        with Session(sqlite_engine) as session:
            assert session.get(CustomerLabel, (known.busy_id, label.id)) is None
        await pilot.press("space")
        await pilot.press("escape")
        await wait_idle(pilot, app)
        table = app.screen.query_one(CustomerTable)
        assert [tag.name for tag in table.row(known.busy_id).labels] == ["Dog on site"]  # type: ignore[union-attr]


async def test_context_menu_reaches_the_three_lists(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await goto(pilot, app, known.busy_id)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ContextMenu)
        assert [item.action for item in app.screen.items] == [
            "installations", "locations", "missions", "edit", "labels", "contacts", "notes", "history", "sheet", "copy",
            "reach", "privacy", "merge", "delete",
        ]
        await pilot.press("i")  # the underlined letter
        await wait_idle(pilot, app)
        assert isinstance(app.screen, InstallationsScreen)
        listing = app.screen.query_one("#inst-list", OptionList)
        assert listing.option_count == 3  # one heading, two installations
        await pilot.press("escape")
        await pilot.press("shift+f10")
        await pilot.pause()
        await pilot.press("down", "enter")  # arrows and enter choose too: Locations
        await wait_idle(pilot, app)
        assert isinstance(app.screen, LocationsScreen)
        assert app.screen.table.row_count == 1
        await pilot.press("escape", "m", "m")  # m: Missions
        await wait_idle(pilot, app)
        assert isinstance(app.screen, MissionsScreen)
        first = app.screen.table.get_row_at(0)
        assert str(first[0]) == "05/03/2026"
        await pilot.press("escape", "m", "escape")
        await pilot.pause()
        assert isinstance(app.screen, CustomerListScreen)


async def test_move_installation_to_another_customer(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await goto(pilot, app, known.busy_id)
        await pilot.press("i")
        await wait_idle(pilot, app)
        await pilot.press("v")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MoveInstallationScreen)
        dialog.query_one("#move-search", Input).focus()
        await pilot.press(*"janssens")
        await wait_idle(pilot, app)
        await pilot.press("enter")  # from the search box to the customers
        await pilot.press("enter")  # choose the first hit: Garage Janssens
        await pilot.pause()
        await pilot.press("enter")  # its only location
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, InstallationsScreen)
    with Session(sqlite_engine) as session:
        moved = session.exec(select(Installation).where(Installation.serial_number == "VA-001")).one()
        location = session.get(Location, moved.location_id)
        assert location is not None and location.customer_id == known.other_id


async def test_delete_refused_when_linked(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await goto(pilot, app, known.busy_id)
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        body = text_of(app.screen.query_one(".dialog-body", Static))
        assert "Van den Broeck Jan" in body
        assert "1 location, 2 installations, 2 missions" in body
        assert "merge" in body
        await pilot.press("escape")
    with Session(sqlite_engine) as session:
        assert session.get(Customer, known.busy_id) is not None


async def test_delete_allowed_after_confirmation(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await goto(pilot, app, known.empty_id)
        await pilot.press("delete")
        await pilot.pause()
        body = text_of(app.screen.query_one(".dialog-body", Static))
        assert "Duplicate Bakkerij" in body
        await pilot.press("enter")  # focus starts on Cancel: nothing happens
        await wait_idle(pilot, app)
        with Session(sqlite_engine) as session:
            assert session.get(Customer, known.empty_id) is not None
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("right", "enter")  # the Delete button
        await wait_idle(pilot, app)
        assert known.empty_id not in app.screen.query_one(CustomerTable).ids
    with Session(sqlite_engine) as session:
        assert session.get(Customer, known.empty_id) is None


async def test_technician_cannot_delete(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine, role="technician")
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await goto(pilot, app, known.empty_id)
        assert app.screen.check_action("delete", ()) is None  # shown disabled
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, CustomerListScreen)
        await pilot.press("m")
        await pilot.pause()
        items = {item.action: item.enabled for item in app.screen.items}  # type: ignore[attr-defined]
        assert items["delete"] is False and items["merge"] is False
    with Session(sqlite_engine) as session:
        assert session.get(Customer, known.empty_id) is not None


async def test_help_lists_the_screen_keys(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {description for _key, description, _enabled in app.screen._keys}
        assert {"Search", "New", "Edit", "Menu", "Installations", "Locations", "Missions", "Labels", "Delete"} <= keys
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerListScreen)


async def test_quit_asks_when_edits_are_unsaved(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("n")
        await wait_idle(pilot, app)
        await pilot.press(*"Half typed")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerFormScreen)
        assert app.screen.query_one("#name", Input).value == "Half typed"


async def test_sort_and_filter(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("s")  # In&stallations
        await wait_idle(pilot, app)
        table = app.screen.query_one(CustomerTable)
        assert table.ids[0] == known.busy_id
        assert table.sort_key == "installations" and table.sort_descending
        app.screen.list_filter = CustomerFilter(regions=("BE-WAL",))
        app.screen.reload()
        await wait_idle(pilot, app)
        assert table.ids == [known.alias_id]
        assert "region: Wallonia" in text_of(app.screen.query_one("#list-status", Static))
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert table.row_count == 5


async def test_search_by_alias_and_with_a_typo(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"chauffage dubois")
        await wait_idle(pilot, app)
        table = app.screen.query_one(CustomerTable)
        assert table.ids[0] == known.alias_id
        status = text_of(app.screen.query_one("#list-status", Static))
        assert "1 match for “chauffage dubois”" in status
        await pilot.press("escape")
        await wait_idle(pilot, app)
        assert table.row_count == 5  # back to the whole list
        await pilot.press("slash", *"vandenbroek")
        await wait_idle(pilot, app)
        assert table.ids[0] == known.busy_id
        await pilot.press("ctrl+u", *"broeck van den")
        await wait_idle(pilot, app)
        assert table.ids[0] == known.busy_id
        await pilot.press("enter")  # opens the best hit
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == known.busy_id


async def test_duplicate_warning_while_creating(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("n")
        await wait_idle(pilot, app)
        form = app.screen
        await pilot.press(*"Jan Van den Broek")
        form.query_one("#phone", Input).focus()
        await pilot.press(*"09 222 33 44")
        await until_duplicates_shown(pilot)
        panel = form.query_one("#duplicates", OptionList)
        first = panel.get_option_at_index(0)
        assert first.id == str(known.busy_id)
        assert "Van den Broeck Jan" in str(first.prompt)
        await pilot.press("f3", "enter")  # open the existing customer instead
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)  # the draft would be lost: ask
        await pilot.press("right", "enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == known.busy_id
    with Session(sqlite_engine) as session:
        assert session.exec(select(Customer).where(Customer.name == "Jan Van den Broek")).first() is None
