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
    screens = ("list", "detail", "edit_customer", "installations", "locations", "missions", "label_manager")
    for name in (*screens, "duplicates", "merge_keep", "merge_preview", "history", "audit_log"):
        async with running_app(sqlite_engine, known.admin) as (app, pilot):
            await STOPS[name](pilot, targets)
            shown: dict[tuple[str, str], int] = {}  # the footer shows each action once
            for active in app.screen.active_bindings.values():
                binding = active.binding
                if binding.show and binding.description:
                    shown.setdefault((binding.action, binding.description), len(app.get_key_display(binding)))
            width = sum(key + len(description) + 2 for (_action, description), key in shown.items())
            assert width <= 80, (language, name, width)


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_narrow_columns_fit_the_words_of_every_language(language: str) -> None:
    """Every fixed-width column fits its title and the longest word shown in it, in each language."""
    from rich.cells import cell_len

    from custtui.i18n import set_language
    from custtui.models import InstallationKind, MissionKind, MissionStatus
    from custtui.tui.screens.history import ACTION_WIDTH, SHORT_ACTION_NAMES, audit_columns
    from custtui.tui.screens.installations import InstallationsScreen, installation_titles
    from custtui.tui.screens.labels import colour_names, kind_names, label_columns
    from custtui.tui.screens.locations import location_columns
    from custtui.tui.screens.missions import KIND_WIDTH, STATUS_WIDTH, mission_columns
    from custtui.tui.text import kind_name, mission_kind_name, mission_status_name, translated

    set_language(language)
    too_wide: list[tuple[str, str, int]] = []

    def check(what: str, text: str, width: int) -> None:
        if cell_len(text) > width:
            too_wide.append((what, text, width))

    for table in (audit_columns(), mission_columns(), location_columns(), label_columns()):
        for title, key, width in table:
            check(f"title of {key}", title, width)
        # A DataTable pads each cell by one either side; its scroll bar takes 2: within 80 columns.
        assert sum(width + 2 for _title, _key, width in table) + 2 <= 80, table
    for title, width in zip(installation_titles(), InstallationsScreen.WIDTHS, strict=True):
        check("installations title", title, width)
    for kind in InstallationKind:  # "pompe à chaleur", "Wassererhitzer": no "pompe à cha…"
        check("installation kind", kind_name(kind, short=True), InstallationsScreen.KIND_WIDTH)
    for mission_kind in MissionKind:
        check("mission kind", mission_kind_name(mission_kind), KIND_WIDTH)
    for status in MissionStatus:
        check("mission status", mission_status_name(status), STATUS_WIDTH)
    for action in SHORT_ACTION_NAMES.values():  # no "Zusammenführung rückgängig gemacht" in 24 columns
        check("audit action", translated(action), ACTION_WIDTH)
    widths = {key: width for _title, key, width in label_columns()}
    for colour in colour_names().values():
        check("label colour", colour, widths["colour"])
    for label_kind in kind_names().values():
        check("label kind", label_kind, widths["kind"])
    assert too_wide == []


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
async def test_installation_lines_fit_80_columns(sqlite_engine: Engine, language: str) -> None:
    from custtui.i18n import set_language
    from custtui.tui.screens.installations import InstallationsScreen

    known = fill(sqlite_engine)
    set_language(language)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        table.cursor = table.ids.index(known.busy_id)
        await pilot.press("i")
        await wait_idle(pilot, app)
        screen = app.screen
        assert isinstance(screen, InstallationsScreen)
        room = screen.query_one("#inst-list").scrollable_content_region.width
        assert sum(InstallationsScreen.WIDTHS) + len(InstallationsScreen.WIDTHS) - 1 <= room


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
async def test_duplicates_comparison_titles_are_never_cut(sqlite_engine: Engine, language: str) -> None:
    """The titles' column is as wide as its longest title ("Gekoppeld", "Interner Name"): none ends in "…"."""
    import io

    from rich.console import Console
    from textual.widgets import Static
    from tui_support import fill_duplicates

    from custtui.i18n import _, set_language
    from custtui.tui.screens.duplicates import DuplicatesScreen, comparison_titles

    office, _ids = fill_duplicates(sqlite_engine)
    set_language(language)
    async with running_app(sqlite_engine, office) as (app, pilot):
        await pilot.press("D")
        await wait_idle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen) and screen.clusters
        console = Console(width=78, file=io.StringIO(), color_system=None)
        console.print(screen.query_one("#dup-members", Static).content)
        shown = console.file.getvalue()  # type: ignore[attr-defined]
        titles = comparison_titles()
        assert all(title in shown for title in titles.values()), shown
        assert titles["internal_name"] == _("Internal name")  # as every other screen says, not "Alias"


@pytest.mark.parametrize("language", ["en", "fr", "de"])
async def test_textual_own_words_reach_the_user_in_their_language(sqlite_engine: Engine, language: str) -> None:
    """The Select's open list and the command palette say what they say through our catalog."""
    from textual.command import CommandList

    from custtui.i18n import _, set_language
    from custtui.tui.base import STOCK_DESCRIPTIONS

    known = fill(sqlite_engine)
    set_language(language)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await pilot.press("f")  # the filter dialog
        await wait_idle(pilot, app)
        app.screen.query_one("#filter-error-mark").focus()  # a Select
        await pilot.press("enter")  # its list open
        await wait_idle(pilot, app)
        descriptions = footer_descriptions(app) | {
            active.binding.description for active in app.screen.active_bindings.values()
        }
        assert _("Close the list") in descriptions
        if language != "en":
            assert not descriptions & set(STOCK_DESCRIPTIONS)  # no "Dismiss menu"
        await pilot.press("escape", "escape")
        await wait_idle(pilot, app)
        await pilot.press("ctrl+p")
        await wait_idle(pilot, app)
        await pilot.press(*"qqxqzz")
        await pilot.pause(0.8)  # Textual waits half a second before it says so
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)]
        assert prompts == [_("No matches found")]
