"""f2 switches the UI language in place, keeping the screens, the cursor and unsaved input."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from textual.widgets import Input
from tui_support import fill, running_app, wait_idle

from custtui.models import User
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.widgets.customer_table import CustomerTable


def footer_descriptions(app: Any) -> set[str]:
    return {active.binding.description for active in app.screen.active_bindings.values() if active.binding.show}


async def test_f2_switches_language_keeping_the_half_filled_form(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await pilot.press("n")
        await wait_idle(pilot, app)
        await pilot.press(*"Chauffage Lemaire")
        assert "Save" in footer_descriptions(app)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("f")  # &Français
        await wait_idle(pilot, app)
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        assert form.query_one("#name", Input).value == "Chauffage Lemaire"  # nothing lost
        assert form.has_unsaved_changes
        assert "Enregistrer" in footer_descriptions(app)
        await pilot.press("escape")  # asks: the edits are still unsaved
        await pilot.pause()
        await pilot.press("right", "enter")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, CustomerListScreen)
        assert app.screen.query_one(CustomerTable).customer_id == known.busy_id  # cursor kept
        assert "Rechercher" in footer_descriptions(app)
        await pilot.press("f2", "n")  # &Nederlands
        await wait_idle(pilot, app)
        assert "Zoeken" in footer_descriptions(app)
    with Session(sqlite_engine) as session:
        assert session.get(User, known.admin.id).language == "nl"  # type: ignore[union-attr]


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
async def test_every_language_fills_the_list_screen(sqlite_engine: Engine, language: str) -> None:
    from custtui.i18n import set_language

    known = fill(sqlite_engine)
    set_language(language)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        descriptions = footer_descriptions(app)
        assert "Edit" not in descriptions and "Search" not in descriptions


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_column_titles_fit_their_columns(language: str) -> None:
    from custtui.i18n import set_language
    from custtui.tui.widgets.customer_table import list_columns

    set_language(language)
    fixed = [column for column in list_columns() if column.width]
    assert fixed  # the columns of a fixed width, whose titles could be cut
    for column in fixed:
        assert len(column.title) <= column.width, (language, column.title)


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
async def test_footer_fits_80_columns_on_every_screen(sqlite_engine: Engine, language: str) -> None:
    from screen_tour import STOPS, Targets

    from custtui.i18n import set_language

    known = fill(sqlite_engine)
    targets = Targets(known.busy_id, known.empty_id, known.alias_id, "chauffage dubois")
    set_language(language)
    for name in ("list", "detail", "edit_customer", "installations", "locations", "missions", "label_manager"):
        async with running_app(sqlite_engine, known.admin) as (app, pilot):
            await STOPS[name](pilot, targets)
            shown: dict[tuple[str, str], int] = {}  # the footer shows each action once
            for active in app.screen.active_bindings.values():
                binding = active.binding
                if binding.show and binding.description:
                    shown.setdefault((binding.action, binding.description), len(app.get_key_display(binding)))
            width = sum(key + len(description) + 2 for (_action, description), key in shown.items())
            assert width <= 80, (language, name, width)
