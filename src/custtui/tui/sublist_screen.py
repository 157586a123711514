"""What the lists of one customer share: a header naming the customer, escape to go back."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from custtui.errors import DomainError
from custtui.i18n import N_, _
from custtui.services import customers
from custtui.services.marks import shown_name
from custtui.tui.base import Screen
from custtui.tui.faults import customer_not_read
from custtui.tui.messages import CustomersChanged
from custtui.tui.text import assemble, safe
from custtui.tui.widgets.stock import Header


def fitted(table: DataTable[Any], *cells: object) -> list[Text]:
    """The cells of a row, each cut to its column's width with an ellipsis (a DataTable cuts without one)."""
    fitted_cells = []
    for cell, column in zip(cells, table.ordered_columns, strict=True):
        text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
        text.no_wrap = True
        if column.width:
            text.truncate(column.width, overflow="ellipsis")
        fitted_cells.append(text)
    return fitted_cells


class CustomerSubScreen(Screen[None]):
    """A table about one customer (installations, locations, missions)."""

    BINDINGS = [Binding("escape", "back", N_("Back"), id="sub.back")]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sub-title")
        yield DataTable(id="sub-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="sub-empty")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#sub-table", DataTable)

    def on_mount(self) -> None:
        # Subclasses override the hooks, not on_mount: Textual runs every class's handler.
        self.prepare()
        self.reload()
        self.focus_list()

    def capture_state(self) -> int | None:  # None: nothing to restore (as Screen says)
        return self.table.cursor_row

    def restore_state(self, state: int) -> None:
        if self.table.row_count:
            self.table.move_cursor(row=min(state, self.table.row_count - 1))

    def prepare(self) -> None:
        self.setup_columns(self.table)

    def list_widget(self) -> Widget:
        """The widget that shows the items (it shows the loading state too)."""
        return self.table

    def focus_list(self) -> None:
        self.list_widget().focus()

    def title_text(self) -> str:
        raise NotImplementedError

    def setup_columns(self, table: DataTable[Any]) -> None:
        raise NotImplementedError

    def read(self, session: Any) -> Any:
        """Read what the list shows (in the reload's unit of work)."""
        raise NotImplementedError

    def fill(self, table: DataTable[Any], data: Any) -> int:
        """Add the rows for what `read` returned; return how many items there are."""
        raise NotImplementedError

    def empty_text(self) -> str:
        return ""

    def reload(self) -> None:
        def read_all(session: Any) -> tuple[str, Any]:
            return shown_name(customers.get_customer(session, self.customer_id)), self.read(session)

        self.fetch(read_all, self._show, on_error=self._not_read, loading=None if self._loaded else self.list_widget())

    def _not_read(self, error: DomainError) -> None:
        # The database away, the list keeps its rows; a first load says why it is empty.
        customer_not_read(self, error, placeholder=None if self._loaded else self.query_one("#sub-empty", Static))

    def _show(self, found: tuple[str, Any]) -> None:
        name, data = found
        self._loaded = True
        title = assemble(_("{list} · {customer}"), list=Text(self.title_text(), style="bold"), customer=name)
        self.query_one("#sub-title", Static).update(title)
        self.sub_title = safe(name)
        count = self.fill_rows(data)
        self.query_one("#sub-empty", Static).update(Text(self.empty_text(), style="italic") if count == 0 else "")

    def fill_rows(self, data: Any) -> int:
        """Refill the table, keeping the cursor where it was."""
        table = self.table
        row = table.cursor_row
        table.clear()
        count = self.fill(table, data)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        return count

    def selected_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_customers_changed(self, message: CustomersChanged) -> None:
        if self.is_attached and (message.customer_ids is None or self.customer_id in message.customer_ids):
            self.reload()

    def action_back(self) -> None:
        self.dismiss()
