"""A keyboard context menu opened at the selected row.

Item labels carry their accelerator after '&' ("&Delete"), so translators
choose the underlined letter in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Offset
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from custtui.i18n import N_
from custtui.tui.base import ModalScreen


@dataclass(frozen=True)
class MenuItem:
    action: str
    label: str  # with '&' before the accelerator letter
    enabled: bool = True

    @property
    def accelerator(self) -> str | None:
        index = self.label.find("&")
        return self.label[index + 1].lower() if 0 <= index < len(self.label) - 1 else None

    def render(self) -> Text:
        index = self.label.find("&")
        if index < 0:
            return Text(self.label)
        text = Text(self.label[:index])
        text.append(self.label[index + 1], style="underline bold")
        text.append(self.label[index + 2 :])
        return text


class ContextMenu(ModalScreen[str | None]):
    """Returns the chosen item's action, or None when closed."""

    DEFAULT_CSS = """
    ContextMenu {
        background: transparent;
    }
    ContextMenu > OptionList {
        width: auto;
        min-width: 20;
        max-width: 40;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0;
    }
    """
    BINDINGS = [Binding("escape", "close", N_("Close"), id="menu.close")]

    def __init__(self, items: list[MenuItem], at: Offset) -> None:
        super().__init__()
        self.items = items
        self._at = at

    def compose(self) -> ComposeResult:
        yield OptionList(
            *(Option(item.render(), id=item.action, disabled=not item.enabled) for item in self.items),
            id="context-menu",
        )

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        height = len(self.items) + 2
        x = max(0, min(self._at.x, self.size.width - 30))
        y = self._at.y if self._at.y + height <= self.size.height else max(0, self._at.y - height)
        menu.styles.offset = (x, y)
        menu.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event: events.Key) -> None:
        if event.character is None:
            return
        for item in self.items:
            if item.enabled and item.accelerator == event.character.lower():
                event.stop()
                self.dismiss(item.action)
                return

    def on_click(self, event: events.Click) -> None:
        if self.get_widget_at(event.screen_x, event.screen_y)[0] is self:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
