"""The customer list: a Line-API view over a list of ids, rows fetched on demand.

A stock DataTable builds every row up front (about 20 s at 100,000 rows). This
widget holds only the ordered ids and asks for the rows it is about to show,
so opening and scrolling cost the same at 100 or 100,000 customers.

Rows are read in a thread: the list never waits for the database to paint
or to move its cursor. A row not read yet shows "…"; a row read before
stays on screen (marked stale) until its fresh copy arrives, so a new
search or a refresh does not flash the list empty.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypedDict

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from custtui.i18n import N_, _, format_date, format_number, pgettext
from custtui.services.customers import DEFAULT_LIST_COLUMNS, LIST_COLUMNS
from custtui.services.marks import MarkedRow
from custtui.services.normalise import customer_country
from custtui.tui.text import assemble, label_text, safe, shown_value

# Rows fetched around the viewport on each miss, and the cache bound.
FETCH_MARGIN = 60
CACHE_LIMIT = 3000


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # 0: shares what the fixed columns leave
    share: int = 0
    right: bool = False
    from_width: int = 0  # shown only when the list is at least this wide


@dataclass(frozen=True)
class RowMatch:
    """Why a search hit matched, shown in place of the internal name."""

    field_title: str
    text: str


def list_columns(keys: tuple[str, ...] | None = None) -> list[Column]:
    """The name, then the columns `keys` names (every column the list knows when None)."""
    known = {
        "internal_name": Column("internal_name", _("Internal name"), 0, share=2),
        "city": Column("city", _("City"), 0, share=2),
        "postal_code": Column("postal_code", pgettext("column: postal code", "Postal"), 6, from_width=100),
        "customer_number": Column("customer_number", pgettext("customer number", "Number"), 7),
        "region_code": Column("region_code", _("Region"), 6),
        "language": Column("language", pgettext("column: language", "Lang"), 4),
        "labels": Column("labels", _("Labels"), 10),
        "installations": Column("installations", pgettext("column: installations", "Inst"), 4, right=True),
        "missions": Column("missions", pgettext("column: missions", "Jobs"), 4, right=True),
        "phone": Column("phone", _("Phone"), 15),
        "email": Column("email", _("E-mail"), 0, share=2),
        "vat_number": Column("vat_number", _("VAT"), 15),  # "BE 0403.170.701"
        "created_at": Column("created_at", pgettext("column: created on", "Created"), 10),
        "last_mission": Column("last_mission", pgettext("column: last mission", "Last job"), 10),
    }
    chosen = LIST_COLUMNS if keys is None else keys
    return [Column("name", _("Name"), 0, share=4), *(known[key] for key in LIST_COLUMNS if key in chosen)]


class TableViewState(TypedDict):
    """What CustomerTable.view_state() keeps: enough to show the same rows again without reading them."""

    ids: list[int]
    matches: dict[int, RowMatch]
    ranked: bool
    rows: dict[int, MarkedRow]
    cursor: int
    scroll: int


class CustomerTable(ScrollView, can_focus=True):
    """Customers by id, with a fixed header line, a row cursor and on-demand rows."""

    DEFAULT_CSS = """
    CustomerTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
    }
    CustomerTable > .customer-table--header {
        text-style: bold underline;
    }
    CustomerTable > .customer-table--cursor {
        text-style: reverse;
    }
    CustomerTable:focus > .customer-table--cursor {
        text-style: reverse bold;
    }
    CustomerTable > .customer-table--muted {
        color: $text-muted;
    }
    CustomerTable > .customer-table--selected {
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"customer-table--header", "customer-table--cursor", "customer-table--muted", "customer-table--selected"}

    BINDINGS = [
        Binding("up", "cursor_up", N_("Up"), id="table.up", show=False),
        Binding("down", "cursor_down", N_("Down"), id="table.down", show=False),
        Binding("pageup", "page_up", N_("Page up"), id="table.page_up", show=False),
        Binding("pagedown", "page_down", N_("Page down"), id="table.page_down", show=False),
        Binding("home", "first", N_("First customer"), id="table.first", show=False),
        Binding("end", "last", N_("Last customer"), id="table.last", show=False),
        Binding("enter", "select", N_("Open"), id="table.select", show=False),
        Binding("space", "tick", N_("Select"), id="table.tick", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, table: CustomerTable, customer_id: int | None) -> None:
            super().__init__()
            self.table = table
            self.customer_id = customer_id

    class SelectionChanged(Message):
        """The ticked customers changed (space, or cleared): bulk actions act on them."""

        def __init__(self, table: CustomerTable) -> None:
            super().__init__()
            self.table = table

    class Selected(Message):
        def __init__(self, table: CustomerTable, customer_id: int) -> None:
            super().__init__()
            self.table = table
            self.customer_id = customer_id

    def __init__(
        self,
        fetch: Callable[[list[int]], dict[int, MarkedRow] | None],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # Called in a thread; None when the rows could not be read (tried again at the next paint).
        self._fetch = fetch
        self._ids: list[int] = []
        self._rows: dict[int, MarkedRow] = {}
        self._stale: set[int] = set()  # shown, but to be read again
        self._requested: set[int] = set()  # being read now
        self._gone: set[int] = set()  # read, and not there (deleted meanwhile)
        self._scroll_pending = False
        self._matches: dict[int, RowMatch] = {}
        self._ranked = False
        self.column_keys: tuple[str, ...] = DEFAULT_LIST_COLUMNS
        self.sort_key = "name"
        self.sort_descending = False
        self.ticked: dict[int, None] = {}  # the customers selected with space, in the order ticked

    # --- columns ---------------------------------------------------------

    def show_columns(self, keys: tuple[str, ...]) -> None:
        """Show the name and these columns (a search's matches keep their column)."""
        self.column_keys = keys
        self.refresh()

    @property
    def columns(self) -> list[Column]:
        """The columns shown at the present width."""
        keys = self.column_keys
        if self._matches and "internal_name" not in keys:
            keys = ("internal_name", *keys)  # where a search hit says why it matched
        width = self.scrollable_content_region.width or self.size.width
        shown = [column for column in list_columns(keys) if width >= column.from_width]
        if self._matches:  # what matched ("alias: Chauffage Dubois") needs room more than the city
            shown = [replace(column, share=3) if column.key == "internal_name" else column for column in shown]
        return shown

    # --- data ------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return self._ids

    @property
    def row_count(self) -> int:
        return len(self._ids)

    @property
    def customer_id(self) -> int | None:
        if 0 <= self.cursor < len(self._ids):
            return self._ids[self.cursor]
        return None

    def set_ids(
        self,
        ids: list[int],
        matches: dict[int, RowMatch] | None = None,
        keep: int | None = None,
        ranked: bool = False,
        rows: dict[int, MarkedRow] | None = None,
    ) -> None:
        """Show these customers in this order; keep the cursor on `keep` if it is among them.

        `ranked`: the order is search relevance, not the sort column.
        `rows`: some of their rows, read with the ids (see unread).
        """
        if rows:
            self._store_rows(list(rows), rows)
        self._ids = ids
        self._matches = matches or {}
        self._ranked = ranked
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        position = ids.index(keep) if keep is not None and keep in set(ids) else 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = position
        self.refresh()

    def view_state(self) -> TableViewState:
        """What the table shows, to show it again at once (a language switch builds the screen again)."""
        return {
            "ids": self._ids, "matches": self._matches, "ranked": self._ranked, "rows": dict(self._rows),
            "cursor": self.cursor, "scroll": int(self.scroll_y),
        }

    def show_view_state(self, state: TableViewState) -> None:
        """Show what view_state() returned: the same rows, cursor and scroll, without reading again."""
        self._rows.update(state["rows"])
        self._ids = state["ids"]
        self._matches = state["matches"]
        self._ranked = bool(state["ranked"])
        self.virtual_size = Size(self.size.width, len(self._ids) + 1)
        scroll, cursor = int(state["scroll"]), int(state["cursor"])

        def scroll_back() -> None:
            self._scroll_pending = False
            self.virtual_size = Size(self.size.width, len(self._ids) + 1)
            self.scroll_to(y=scroll, animate=False, immediate=True)
            self.cursor = cursor
            self.refresh()

        # A new screen's table has no size before its first layout, and a scroll would stop at 0.
        self.set_reactive(CustomerTable.cursor, cursor)
        self._scroll_pending = True  # paint nothing at the top meanwhile, nor read its rows
        self.call_after_refresh(scroll_back)

    def forget(self, customer_ids: list[int] | None = None) -> None:
        """Read these rows (or all) again; they stay shown until their new copy arrives."""
        changed = self._rows.keys() if customer_ids is None else customer_ids
        self._stale.update(changed)
        self._gone.difference_update(self._gone if customer_ids is None else customer_ids)
        self.refresh()

    def row(self, customer_id: int) -> MarkedRow | None:
        """The row as last read (None until it is read, or if it is gone)."""
        return self._rows.get(customer_id)

    def unread(self, ids: list[int]) -> list[int]:
        """Those of `ids` whose row is not at hand (safe to ask from a thread: the answer may be a little old)."""
        rows, stale = self._rows, self._stale
        return [cid for cid in ids if cid not in rows or cid in stale]

    @property
    def loading_rows(self) -> bool:
        """True while rows are being read (for tests and the slow-database check)."""
        return bool(self._requested)

    def _ensure_rows(self, first: int, last: int) -> None:
        start = max(0, first - FETCH_MARGIN)
        wanted = [
            cid
            for cid in self._ids[start : last + FETCH_MARGIN]
            if (cid not in self._rows or cid in self._stale) and cid not in self._requested and cid not in self._gone
        ]
        if not wanted:
            return
        self._requested.update(wanted)
        self.run_worker(self._read_rows(wanted), group="rows", exit_on_error=True)

    def _read_ahead(self) -> None:
        """Read the rows around the view once a page beyond it is missing, so that page down finds them.

        (Read in a thread, a page takes a few ms; read ahead, it shows at once.)
        """
        if not self._ids or self._scroll_pending:
            return
        top, page = int(self.scroll_y), self._page_height
        near = self._ids[max(0, top - page) : top + 2 * page]
        if any(cid not in self._rows and cid not in self._gone for cid in near):
            self._ensure_rows(top, top + page)

    @property
    def showing_placeholders(self) -> bool:
        """True while a row in view shows "…" because it is still being read."""
        top = int(self.scroll_y)
        shown = self._ids[top : top + self._page_height]
        return any(cid not in self._rows and cid not in self._gone for cid in shown)

    async def _read_rows(self, wanted: list[int]) -> None:
        try:
            rows = await asyncio.to_thread(self._fetch, wanted)
        finally:
            self._requested.difference_update(wanted)
        if rows is None:
            return
        self._store_rows(wanted, rows)
        self.refresh()

    def _store_rows(self, wanted: list[int], rows: dict[int, MarkedRow]) -> None:
        """Keep the rows read for `wanted` (those missing from `rows` were deleted meanwhile)."""
        if len(self._rows) + len(rows) > CACHE_LIMIT:
            shown = set(self._ids[int(self.scroll_y) : int(self.scroll_y) + self._page_height + 1])
            self._rows = {cid: row for cid, row in self._rows.items() if cid in shown}
        self._rows.update(rows)
        self._stale.difference_update(wanted)
        for customer_id in wanted:
            if customer_id not in rows:
                self._rows.pop(customer_id, None)
                self._gone.add(customer_id)

    # --- cursor ----------------------------------------------------------

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._ids) - 1)) if self._ids else 0

    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self._page_height:
            self.scroll_to(y=new - self._page_height + 1, animate=False, immediate=True)
        self._read_ahead()
        self.refresh()
        self.post_message(self.Highlighted(self, self.customer_id))

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page_height

    def action_page_down(self) -> None:
        self.cursor += self._page_height

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._ids) - 1

    def action_tick(self) -> None:
        """Space: tick or untick the customer under the cursor, then go to the next (as a file manager does)."""
        customer_id = self.customer_id
        if customer_id is None:
            return
        if customer_id in self.ticked:
            del self.ticked[customer_id]
        else:
            self.ticked[customer_id] = None
        self.post_message(self.SelectionChanged(self))
        if self.cursor < len(self._ids) - 1:
            self.cursor += 1
        self.refresh()

    def clear_ticked(self) -> None:
        if self.ticked:
            self.ticked.clear()
            self.post_message(self.SelectionChanged(self))
            self.refresh()

    def ticked_ids(self) -> list[int]:
        """The ticked customers: those shown in the list's order, then the others (ticked before a search)."""
        shown = [cid for cid in self._ids if cid in self.ticked]
        return shown + [cid for cid in self.ticked if cid not in set(shown)]

    def action_select(self) -> None:
        if self.customer_id is not None:
            self.post_message(self.Selected(self, self.customer_id))

    def on_click(self, event: events.Click) -> None:
        line = event.y - self.scrollable_content_region.y + self.region.y
        if line >= 1:
            index = int(self.scroll_y) + line - 1
            if index < len(self._ids):
                self.cursor = index
                if event.chain == 2:
                    self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._ids) + 1)

    # --- rendering -------------------------------------------------------

    def _widths(self, columns: list[Column], total: int) -> list[int]:
        fixed = sum(c.width for c in columns) + len(columns) - 1
        shares = sum(c.share for c in columns) or 1
        free = max(0, total - fixed)
        widths: list[int] = []
        given = 0
        flexible = [c for c in columns if not c.width]
        for column in columns:
            if column.width:
                widths.append(column.width)
            elif column is flexible[-1]:
                widths.append(max(4, free - given))
            else:
                share = max(4, free * column.share // shares)
                given += share
                widths.append(share)
        return widths

    def _cells(self, row: MarkedRow, columns: list[Column]) -> list[Text]:
        match = self._matches.get(row.id)
        labels = Text()
        for index, tag in enumerate(row.labels):
            if index:
                labels.append(",")
            labels.append_text(label_text(tag.name, tag.colour, no_color=self.app.no_color))
        values = {
            "name": Text(safe(row.shown_name)),  # with the ERROR mark, in the viewer's language
            # What matched first, then in which field: a narrow column cuts the field's name, not the text
            # ("Chauffage Dubois (interner Name)" shows "Chauffage Dub…", never "interner Nam…").
            "internal_name": (
                assemble(
                    pgettext("search hit: what matched, then in which field", "{text} ({field})"),
                    text=match.text,
                    field=Text(match.field_title, style="italic"),
                )
                if match
                else Text(safe(row.internal_name))
            ),
            "city": Text(safe(row.city)),
            "postal_code": Text(safe(row.postal_code)),
            "customer_number": Text(safe(row.customer_number)),
            "region_code": Text(row.region_code),
            "language": Text(row.language or ""),
            "labels": labels,
            "installations": Text(format_number(row.installations)),
            "missions": Text(format_number(row.missions)),
            "phone": Text(shown_value("phone", row.phone, customer_country(row.region_code))),
            "email": Text(safe(row.email)),
            "vat_number": Text(shown_value("vat_number", row.vat_number)),
            "created_at": Text(format_date(row.created_at.date(), "short") if row.created_at else ""),
            "last_mission": Text(format_date(row.last_mission, "short") if row.last_mission else ""),
        }
        return [values[column.key] for column in columns]

    def _line(self, cells: list[Text], columns: list[Column], widths: list[int], style: Style) -> Strip:
        segments: list[Segment] = []
        for index, (cell, width, column) in enumerate(zip(cells, widths, columns, strict=True)):
            if index:
                segments.append(Segment(" ", style))
            cell = cell.copy()
            cell.truncate(width, overflow="ellipsis")
            padding = " " * max(0, width - cell_len(cell.plain))
            if column.right:
                segments.append(Segment(padding, style))
            for segment in cell.render(self.app.console):
                segments.append(Segment(segment.text, style + segment.style if segment.style else style))
            if not column.right:
                segments.append(Segment(padding, style))
        return Strip(segments)

    def _header_cells(self, columns: list[Column], widths: list[int]) -> list[Text]:
        cells = []
        for column, width in zip(columns, widths, strict=True):
            title = Text(column.title)
            if column.key == "internal_name" and self._ranked:
                title = Text(_("Match"))
            if column.key == self.sort_key and not self._ranked:
                arrow = "▼" if self.sort_descending else "▲"
                if title.cell_len + 2 <= width:
                    title.append(" " + arrow)
                else:  # a narrow column: the title gives way, the arrow stays ("In…▼")
                    title.truncate(max(1, width - 1), overflow="ellipsis")
                    title.append(arrow)
            cells.append(title)
        return cells

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        columns = self.columns
        widths = self._widths(columns, width)
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("customer-table--header")
            return self._line(self._header_cells(columns, widths), columns, widths, style).adjust_cell_length(width, style)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._ids):
            if not self._ids and y == 1:
                muted = base + self.get_component_rich_style("customer-table--muted")
                return Strip([Segment(_("No customers to show."), muted)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        customer_id = self._ids[index]
        if self._scroll_pending:
            return Strip.blank(width, base)
        if customer_id not in self._rows or customer_id in self._stale:
            top = int(self.scroll_y)
            self._ensure_rows(top, top + self._page_height)
        row = self._rows.get(customer_id)
        style = base
        ticked = customer_id in self.ticked
        if ticked:
            style = style + self.get_component_rich_style("customer-table--selected")
        if index == self.cursor:
            style = style + self.get_component_rich_style("customer-table--cursor")
        if row is None:  # being read, or deleted meanwhile
            return Strip([Segment("…", style)]).adjust_cell_length(width, style)
        cells = self._cells(row, columns)
        if ticked:  # a mark that shows without colour too (NO_COLOR)
            cells[0] = Text("✓ ").append_text(cells[0])
        return self._line(cells, columns, widths, style).adjust_cell_length(width, style)
