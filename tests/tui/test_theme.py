"""Themes: chosen in the palette, saved on the user like the language, 16-colour ones included."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from textual.command import CommandPalette
from tui_support import fill, running_app, wait_idle

from custtui.models import User


async def test_a_chosen_theme_is_saved_and_comes_back(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        assert "ansi-dark" in app.available_themes  # for terminals with 16 colours
        app.action_change_theme()
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.press(*"ansi-dark", "enter")
        await wait_idle(pilot, app)
        assert app.theme == "ansi-dark"
    with Session(sqlite_engine) as session:
        saved = session.get(User, known.admin.id)
        assert saved is not None and saved.theme == "ansi-dark"
    known.admin.theme = saved.theme
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        assert app.theme == "ansi-dark"


async def test_the_theme_is_in_the_palette(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Theme" in titles
