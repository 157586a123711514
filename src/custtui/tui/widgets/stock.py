"""Textual's stock widgets with their own English words in our catalog.

Textual writes a few words of its own where users read them: the command
palette's "No matches found", the header icon's tooltip, and key
descriptions of its widgets that reach our footers (a Select's open list:
"Dismiss menu"). They are translated here, the Textual way: a subclass, or
the descriptions read through tui.base.localised (STOCK_DESCRIPTIONS).
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.app import ComposeResult
from textual.command import CommandList, CommandPalette
from textual.widgets import Header as TextualHeader
from textual.widgets._header import HeaderClock, HeaderClockSpace, HeaderIcon, HeaderTitle
from textual.widgets.option_list import Option

from custtui.i18n import _


class CommandPaletteInOurWords(CommandPalette):
    """Textual's command palette, saying "no matches" in the UI language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As Textual's own (textual.command, 8.2), with the message from our catalog.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:  # discovery mode (nothing typed): nothing to say
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class _Icon(HeaderIcon):
    def on_mount(self) -> None:
        # Textual's own on_mount (HeaderIcon's) runs after this one and sets its English tooltip: ours comes after.
        self.call_later(self._tooltip_in_our_words)

    def _tooltip_in_our_words(self) -> None:
        if self.app.ENABLE_COMMAND_PALETTE:
            self.tooltip = _("Open the command palette")


class Header(TextualHeader):
    """Textual's header, its icon's tooltip in the UI language."""

    def compose(self) -> ComposeResult:
        yield _Icon().data_bind(TextualHeader.icon)
        yield HeaderTitle()
        yield HeaderClock().data_bind(TextualHeader.time_format) if self._show_clock else HeaderClockSpace()
