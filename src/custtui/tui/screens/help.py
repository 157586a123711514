"""F1: the keys of the screen the user came from."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from custtui.i18n import N_, _
from custtui.tui.base import ModalScreen, Screen


class HelpScreen(ModalScreen[None]):
    is_help = True  # f1 on the help screen does not open it again

    BINDINGS = [
        Binding("escape,f1,q", "close", N_("Close"), id="help.close"),
    ]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        # Read the keys now: once this screen is on top, they are its own.
        self._keys: list[tuple[str, str, bool]] = []
        seen: set[tuple[str, str]] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or not binding.id:
                continue
            key = self.app.get_key_display(binding)
            if (key, binding.description) in seen:
                continue
            seen.add((key, binding.description))
            self._keys.append((key, binding.description, active.enabled))

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, description, enabled in self._keys:
            table.add_row(key, Text(description, style="" if enabled else "dim"))
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(_("Keys on this screen"), classes="dialog-title")
            yield Static(table)
            yield Static(_("ctrl+p lists every action · escape closes"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
