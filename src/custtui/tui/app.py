"""The custtui App: screens, global bindings and the command palette."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from custtui.i18n import _
from custtui.models import ROLE_NAMES, Role, User
from custtui.resources import resource_dir
from custtui.tui.screens.customer_list import CustomerListScreen


class CusttuiApp(App[None]):
    """Customer management for field-service companies."""

    TITLE = "custtui"
    CSS_PATH = [str(resource_dir("styles") / "app.tcss")]
    BINDINGS = [
        Binding("q", "quit", _("Quit"), id="app.quit"),
    ]

    def __init__(self, engine: Engine, user: User) -> None:
        super().__init__()
        self.engine = engine
        self.user = user

    def on_mount(self) -> None:
        self.sub_title = _("{name} ({role})").format(name=self.user.display_name, role=_(ROLE_NAMES[Role(self.user.role)]))
        self.push_screen(CustomerListScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's own commands are English; offer translated ones instead.
        yield SystemCommand(_("Quit"), _("Quit custtui"), self.action_quit)
        yield SystemCommand(_("Keys"), _("Show the keys of this screen"), self.action_show_help_panel)
