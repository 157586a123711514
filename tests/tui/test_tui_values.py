"""The forms take values as people type them and show them formatted; what is stored is normalised (issue 14)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select
from textual.widgets import Input, Select, Static
from tui_support import fill, running_app, text_of, wait_idle

from custtui.models import Customer, Location
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.locations import LocationFormScreen, LocationsScreen
from custtui.tui.widgets.customer_table import CustomerTable


async def _type_into(pilot, screen, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def test_a_new_customer_typed_by_keyboard_is_stored_normalised_and_shown_formatted(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("n")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        await pilot.press(*"Bakkerij Vermeulen")
        form.query_one("#region_code", Select).value = "BE-BRU"
        for field, typed in (("vat_number", "0403.170.701"), ("phone", "0471 08 32 21"), ("email", "Info@Vermeulen.BE"),
                             ("street", "Grote Markt"), ("number", "1"), ("postal_code", "1000"), ("city", "Brussel")):
            await _type_into(pilot, form, field, typed)  # fmt: skip
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        with Session(sqlite_engine) as session:
            saved = session.exec(select(Customer).where(Customer.name == "Bakkerij Vermeulen")).one()
            site = session.exec(select(Location).where(Location.customer_id == saved.id)).one()
        assert (saved.phone, saved.vat_number, saved.email) == ("+32471083221", "BE0403170701", "info@vermeulen.be")
        assert (site.postal_code, site.country) == ("1000", "BE")
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(saved.id)  # type: ignore[arg-type]
        await pilot.press("enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        fields = text_of(app.screen.query_one("#detail-fields", Static))
        assert "0471 08 32 21" in fields and "BE 0403.170.701" in fields
        # The form shows them formatted; saved untouched, they stay what they were.
        await pilot.press("e")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        assert form.query_one("#phone", Input).value == "0471 08 32 21"
        assert form.query_one("#vat_number", Input).value == "BE 0403.170.701"
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerDetailScreen)
        with Session(sqlite_engine) as session:
            again = session.get(Customer, saved.id)
            assert again is not None and (again.phone, again.vat_number) == ("+32471083221", "BE0403170701")


async def test_a_phone_shown_national_stays_the_number_shown_when_the_customer_moves(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)  # the alias customer has no site: its region alone says its country
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.alias_id)
        await pilot.press("e")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        await _type_into(pilot, form, "phone", "0471/08.32.21")
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        await pilot.press("e")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        assert form.query_one("#phone", Input).value == "0471 08 32 21"
        form.query_one("#region_code", Select).value = "NL"  # "0471 08 32 21" would be no Dutch number
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen), [text_of(e) for e in form.query(".form-error").results(Static)]
    with Session(sqlite_engine) as session:
        saved = session.get(Customer, known.alias_id)
        assert saved is not None and (saved.region_code, saved.phone) == ("NL", "+32471083221")


async def test_a_wrong_postal_code_is_refused_in_the_form_with_its_countrys_form(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("n")
        await wait_idle(pilot, app)
        form = app.screen
        await pilot.press(*"Bakkerij De Vries")
        await _type_into(pilot, form, "city", "Amsterdam")
        await _type_into(pilot, form, "postal_code", "1234")
        form.query_one("#region_code", Select).value = "NL"  # after the postal code, which suggests a region
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert app.screen is form
        error = text_of(form.query_one("#error-postal_code", Static))
        assert "A Dutch postal code is 4 digits and 2 letters, such as 1234 AB." in error
        await _type_into(pilot, form, "postal_code", "1234ab")
        form.query_one("#region_code", Select).value = "NL"  # "1234", typed on the way, suggested Brussels again
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        with Session(sqlite_engine) as session:
            saved = session.exec(select(Customer).where(Customer.name == "Bakkerij De Vries")).one()
            site = session.exec(select(Location).where(Location.customer_id == saved.id)).one()
        assert (site.postal_code, site.country) == ("1234 AB", "NL")


async def test_the_site_form_takes_a_country_by_name_and_shows_it_in_the_users_language(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.empty_id)
        await pilot.press("o")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, LocationsScreen)
        await pilot.press("n")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, LocationFormScreen)
        assert form.query_one("#country", Input).value == "Belgium"  # a new site: Belgian, by its name
        for field, typed in (("street", "Damrak"), ("number", "1"), ("postal_code", "1012lg"), ("city", "Amsterdam"),
                             ("country", "Nederland"), ("phone", "020 123 4567")):
            await _type_into(pilot, form, field, typed)  # fmt: skip
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, LocationsScreen)
        with Session(sqlite_engine) as session:
            site = session.exec(select(Location).where(Location.street == "Damrak")).one()
        assert (site.country, site.postal_code, site.phone, site.region_code) == ("NL", "1012 LG", "+31201234567", "NL")
        app.screen.query_one("DataTable").move_cursor(row=1)
        await pilot.press("e")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, LocationFormScreen)
        assert form.query_one("#country", Input).value == "Netherlands"
        assert form.query_one("#phone", Input).value == "020 123 4567"  # the site's own country: national


async def test_the_site_form_shows_why_a_postal_code_is_refused(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.empty_id)
        await pilot.press("o")
        await wait_idle(pilot, app)
        await pilot.press("n")
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, LocationFormScreen)
        for field, typed in (("city", "Amsterdam"), ("country", "NL"), ("postal_code", "1234")):
            await _type_into(pilot, form, field, typed)
        await pilot.press("ctrl+s")
        await wait_idle(pilot, app)
        assert app.screen is form
        error = form.query_one("#error-postal_code", Static)
        assert error.has_class("shown") and error.display  # hidden until there is an error (styles: .form-error)
        assert "A Dutch postal code is 4 digits and 2 letters, such as 1234 AB." in text_of(error)
        await pilot.press("a", "b")
        assert not error.has_class("shown")
