"""A search field over a list: typing filters, down goes into the list."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

from custtui.i18n import N_


class SearchBox(Input):
    """An Input whose down key moves focus on, to the list of what was found (as in any search field).

    The list must be the next focusable widget after the box.
    """

    BINDINGS = [Binding("down", "to_list", N_("To the list"), id="search.to_list", show=False)]

    def action_to_list(self) -> None:
        self.screen.focus_next()
