"""A SelectionList whose ticked boxes show a tick mark and unticked boxes none.

Textual's SelectionList draws the same "X" in every box and tells ticked
from unticked by colour alone, which is lost on 16-colour terminals,
without colour (NO_COLOR) and to colour-blind users.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "X"
UNTICKED = " "


class TickList(SelectionList[Any]):
    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            selection = self.get_option_at_index(int(self.scroll_y) + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if len(segments) < 3:
            return line
        # The box is left edge, inner mark, right edge (Textual's ToggleButton glyphs).
        mark = TICKED if selection.value in self._selected else UNTICKED
        inner = segments[1]
        segments[1] = Segment(mark, inner.style, inner.control)
        return Strip(segments, line.cell_length)
