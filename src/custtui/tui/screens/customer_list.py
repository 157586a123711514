"""The customer list: the start screen, fed page by page from the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from custtui.i18n import _
from custtui.services import customers, labels

if TYPE_CHECKING:
    from custtui.tui.app import CusttuiApp

PAGE_SIZE = 200
# Load the next page when the cursor comes this close to the last loaded row.
PREFETCH_MARGIN = 40


class CustomerListScreen(Screen[None]):
    """All customers by name; pages load as the cursor moves down."""

    def __init__(self) -> None:
        super().__init__()
        self._last_key: tuple[str, int] | None = None
        self._exhausted = False
        self._total = 0

    @property
    def custtui(self) -> CusttuiApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="list-status")
        yield DataTable(id="customers", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Name"), key="name", width=19)
        table.add_column(_("Internal name"), key="internal_name", width=12)
        table.add_column(_("Number"), key="number", width=6)
        table.add_column(_("Region"), key="region", width=6)
        table.add_column(_("Lang."), key="language", width=4)
        table.add_column(_("Labels"), key="labels", width=8)
        table.add_column(_("Inst."), key="installations", width=4)
        table.add_column(_("Miss."), key="missions", width=4)
        with Session(self.custtui.engine) as session:
            self._total = customers.count_customers(session)
        self._load_page()
        table.focus()

    def _load_page(self) -> None:
        if self._exhausted:
            return
        table = self.query_one(DataTable)
        with Session(self.custtui.engine) as session:
            page = customers.list_customers(session, limit=PAGE_SIZE, after=self._last_key)
            ids = [customer.id for customer in page if customer.id is not None]
            counts = customers.counts_for(session, ids)
            label_map = labels.labels_for(session, ids)
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        for customer in page:
            assert customer.id is not None
            count = counts[customer.id]
            # Text(...) keeps customer data literal: never parsed as markup.
            table.add_row(
                Text(customer.name),
                Text(customer.internal_name or ""),
                Text(customer.customer_number or ""),
                Text(customer.region_code),
                Text(customer.language or ""),
                Text(", ".join(label.name for label in label_map[customer.id])),
                Text(str(count.installations), justify="right"),
                Text(str(count.missions), justify="right"),
                key=str(customer.id),
            )
        if page:
            self._last_key = (page[-1].name, page[-1].id)  # type: ignore[assignment]
        self._update_status()

    def _update_status(self) -> None:
        status = self.query_one("#list-status", Static)
        if self._total == 0:
            status.update(_("No customers yet. Run `custtui demo` to load demo data."))
        else:
            status.update(
                _("{shown} of {total} customers").format(shown=self.query_one(DataTable).row_count, total=self._total)
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - PREFETCH_MARGIN:
            self._load_page()


