"""The customer list, the start screen: type-ahead search, sort, filter."""

from __future__ import annotations

import threading
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Offset
from textual.timer import Timer
from textual.widgets import Footer, Input, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from custtui.errors import DomainError, ValidationError, user_message
from custtui.i18n import N_, _, format_number, ngettext, pgettext
from custtui.services import customers, filters, labels, marks, regions
from custtui.services.auth import Permission
from custtui.services.filters import CustomerFilter, NamedFilter
from custtui.services.marks import MarkedRow
from custtui.tui.base import ModalScreen
from custtui.tui.customer_screen import CustomerScreen
from custtui.tui.faults import load_in_thread
from custtui.tui.messages import CustomersChanged, Destination, SearchIndexReady
from custtui.tui.text import assemble, shown_value
from custtui.tui.widgets.context_menu import ContextMenu, MenuItem
from custtui.tui.widgets.customer_table import CustomerTable, RowMatch, TableViewState, list_columns
from custtui.tui.widgets.dialogs import ConfirmDialog
from custtui.tui.widgets.filter_dialogs import FilterChoice, FilterScreen, SavedFiltersScreen, describe
from custtui.tui.widgets.search_box import SearchBox
from custtui.tui.widgets.stock import Header
from custtui.tui.widgets.tick_list import TickList

if TYPE_CHECKING:
    from custtui.models import Label as LabelRecord
    from custtui.models import Region, User
    from custtui.services.search import Searcher

SEARCH_LIMIT = 200
FIRST_PAGE_ROWS = 40  # rows read with a search's answer: a page at 80x24 and at a taller terminal
SEARCH_WORK = "typing:search"
EXACT_SEARCH_PAUSE_S = 0.15  # until the index is built, the database is asked once typing pauses this long
# After a failed page fetch the rows show "…" and the table asks again only
# this much later: a screen repaint must not hammer a database that is away.
FETCH_PAUSE_S = 1.0


def match_field_title(field: str) -> str:
    """How a search hit's field is named in the Match column."""
    # The field that matched, lowercase, before what matched: "internal name: Chauffage Dubois".
    titles = {
        "name": pgettext("search hit: the field that matched", "name"),
        "internal_name": pgettext("search hit: the field that matched", "internal name"),  # never "alias"
        "customer_number": pgettext("search hit: the field that matched", "customer number"),
        "street": pgettext("search hit: the field that matched", "street"),
        "city": pgettext("search hit: the field that matched", "city"),
        "address": pgettext("search hit: the field that matched", "address"),
        "vat_number": pgettext("search hit: the field that matched", "VAT"),
        "phone": pgettext("search hit: the field that matched", "phone"),
        "email": pgettext("search hit: the field that matched", "e-mail"),
    }
    return titles.get(field, field)


def row_matches(hits: list[Any]) -> dict[int, RowMatch]:
    """What the Match column says for each search hit: the field and the text that matched (none for the name)."""
    return {
        hit.customer_id: RowMatch(match_field_title(hit.field), shown_value(hit.field, hit.matched))
        for hit in hits
        if hit.field != "name"
    }


class ColumnsScreen(ModalScreen[tuple[str, ...] | None]):
    """Choose the list's columns: space ticks, escape closes and keeps what is ticked."""

    BINDINGS = [Binding("escape", "close", N_("Close"), id="columns.close")]

    def __init__(self, shown: tuple[str, ...]) -> None:
        super().__init__()
        self._shown = shown

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-dialog", classes="dialog"):
            yield Static(_("Columns of the list"), classes="dialog-title")
            yield TickList(
                *(
                    Selection(column.title, column.key, column.key in self._shown)
                    for column in list_columns()
                    if column.key != "name"
                ),
                id="columns-list",
            )
            yield Static(_("space: show or hide · escape: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        selection = self.query_one(SelectionList)
        selection.highlighted = 0
        selection.focus()

    def action_close(self) -> None:
        self.dismiss(tuple(self.query_one(SelectionList).selected))


class _ListState(TypedDict):
    """What the list keeps over a language switch (capture_state, restore_state)."""

    search: str
    filter: CustomerFilter
    filter_name: str
    label_names: dict[int, str]
    sort: tuple[str, bool]
    view: TableViewState
    focus: str


class CustomerListScreen(CustomerScreen):
    """All customers, or the hits of the search box."""

    BINDINGS = [
        Binding("slash", "search", N_("Search"), id="list.search"),
        Binding("n", "new", N_("New"), id="list.new"),
        Binding("enter", "open", N_("Open"), id="list.open", show=False),
        Binding("s", "sort", N_("Sort"), id="list.sort"),
        Binding("f", "filter", N_("Filter"), id="list.filter"),
        Binding("F", "saved_filters", N_("Saved filters"), id="list.saved_filters", show=False),
        Binding("c", "columns", N_("Columns"), id="list.columns", show=False),
        Binding("x", "export", N_("Export shown"), id="list.export", show=False),
        Binding("D", "duplicates", N_("Duplicates"), id="list.duplicates", show=False),
        Binding("M", "merges", N_("Past merges"), id="list.merges", show=False),
        Binding("L", "manage_labels", N_("Manage labels"), id="list.manage_labels", show=False),
        Binding("A", "audit_log", N_("Audit log"), id="list.audit_log", show=False),
        Binding("R", "recent", N_("Recent customers"), id="list.recent", show=False),
        Binding("escape", "clear", N_("Clear search"), id="list.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.list_filter = CustomerFilter()
        self.filter_name = ""  # the saved filter shown, while the filter is still that one
        self._label_names: dict[int, str] = {}
        self._searcher: Searcher | None = None
        self._pending_query: str | None = None
        self._exact_answer = False  # the hits shown are the database's exact search (the index is not built yet)
        self._exact_timer: Timer | None = None
        self._fetch_paused_until = 0.0
        # The query the search worker is to answer next (query, keep, token), and whether it runs:
        # keys typed in a burst are answered for the latest text, not one search per key.
        self._next_search: tuple[str, int | None, object] | None = None
        self._search_lock = threading.Lock()
        self._search_running = False
        # The whole list as last shown (its sort and filter, ids, total): clearing a search shows it at once.
        self._whole_list: tuple[tuple[str, bool, CustomerFilter], list[int], int | None] | None = None
        self._last_total: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchBox(
            placeholder=self._search_hint(),
            id="search",
            compact=True,
        )
        yield Static(id="list-status")
        yield CustomerTable(self._fetch_rows, id="customers")
        yield Footer(compact=True, show_command_palette=False)

    def _search_hint(self) -> str:
        """The search box's hint, naming the key that reaches it: "/", or the config file's (its keymap)."""
        key = "/"
        keymap = getattr(self.app, "config", None)
        keys = keymap.keymap.get("list.search") if keymap is not None else None
        if keys:
            key = self.app.get_key_display(Binding(keys.split(",")[0].strip(), "search"))
        return _("{key} search: name, internal name, number, address, VAT, phone, e-mail").format(key=key)

    @property
    def table(self) -> CustomerTable:
        return self.query_one(CustomerTable)

    @property
    def search_text(self) -> str:
        return self.query_one("#search", Input).value.strip()

    def on_mount(self) -> None:
        self.table.show_columns(customers.list_columns_of(self.custtui.user, self.custtui.config.list_columns))
        self.table.focus()
        if getattr(self, "_state_to_restore", None) is None:
            self.reload()  # else rebuilt after a language switch: restore_state shows what was shown

    # --- language switch: keep the search, filters, sort and cursor -------

    def capture_state(self) -> _ListState:
        table = self.table
        return {
            "search": self.query_one("#search", Input).value,
            "filter": self.list_filter,
            "filter_name": self.filter_name,
            "label_names": self._label_names,
            "sort": (table.sort_key, table.sort_descending),
            "view": table.view_state(),
            "focus": "search" if self.focused is self.query_one("#search", Input) else "list",
        }

    def restore_state(self, state: _ListState) -> None:
        self.list_filter = state["filter"]
        self.filter_name = state["filter_name"]
        self._label_names = state["label_names"]
        self.table.sort_key, self.table.sort_descending = state["sort"]
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = str(state["search"])
        self.table.show_view_state(state["view"])
        self._update_status(self.table.row_count if self.list_filter.is_empty else None)
        if state["focus"] == "search":
            search.focus()

    # --- data ------------------------------------------------------------

    def _fetch_rows(self, ids: list[int]) -> dict[int, MarkedRow] | None:
        """The rows the table is about to show (called by the table, in a thread)."""
        if time.monotonic() < self._fetch_paused_until:
            return None
        rows = load_in_thread(self.custtui, lambda session: marks.marked_rows(session, ids))
        if rows is None:
            self._fetch_paused_until = time.monotonic() + FETCH_PAUSE_S
        return rows

    def reload(self, keep: int | None = None) -> None:
        """Reload the ids: the search hits when searching, else the whole (filtered) list."""
        if self.search_text:
            self._run_search(self.search_text, keep)
        else:
            self._load_ids(keep)

    @work(thread=True, exclusive=True, group="list")
    def _load_ids(self, keep: int | None, previous_sort: tuple[str, bool] | None = None) -> None:
        table = self.table
        sort_key, descending, list_filter = table.sort_key, table.sort_descending, self.list_filter
        found = load_in_thread(
            self.custtui,
            lambda session: (
                customers.ordered_customer_ids(session, sort_key, descending, list_filter),
                customers.count_customers(session),
            ),
        )
        if get_current_worker().is_cancelled:
            return
        if found is None:  # a fault: the list stays as it was, and so does its sort
            if previous_sort is not None:
                self.from_thread(self._restore_sort, previous_sort)
            return
        ids, total = found
        self.from_thread(self._show_ids, ids, None, keep, total)

    def _restore_sort(self, sort: tuple[str, bool]) -> None:
        self.table.sort_key, self.table.sort_descending = sort
        self.table.refresh()

    def _show_ids(self, ids: list[int], matches: dict[int, RowMatch] | None, keep: int | None, total: int | None) -> None:
        self.table.forget()
        self.table.set_ids(ids, matches, keep, ranked=matches is not None)
        if matches is None:
            self._whole_list = (self._list_key(), ids, total)
        self._last_total = total
        self._update_status(total)
        self.call_after_refresh(self.custtui.start_indexing)

    def _list_key(self) -> tuple[str, bool, CustomerFilter]:
        return self.table.sort_key, self.table.sort_descending, self.list_filter

    def _update_status(self, total: int | None = None) -> None:
        status = self.query_one("#list-status", Static)
        shown = self.table.row_count
        parts: list[str] = []
        if self.search_text:
            if self.custtui.search_index is None and self._exact_answer:
                parts.append(
                    ngettext(
                        "{n} match for “{query}” as typed (search is starting)",
                        "{n} matches for “{query}” as typed (search is starting)",
                        shown,
                    ).format(n=format_number(shown), query=self.search_text)
                )
            elif self.custtui.search_index is None:
                parts.append(_("Indexing customers for search…"))
            else:
                parts.append(
                    ngettext("{n} match for “{query}”", "{n} matches for “{query}”", shown).format(
                        n=format_number(shown), query=self.search_text
                    )
                )
        elif total == 0:
            parts.append(_("No customers yet: press n to add one, or run `custtui demo`."))
        else:
            parts.append(ngettext("{n} customer", "{n} customers", shown).format(n=format_number(shown)))
        if self.filter_name:
            parts.append(_("filter: {name}").format(name=self.filter_name))
        else:
            parts.extend(describe(self.list_filter, self._label_names))
        if self.table.ticked:
            ticked = len(self.table.ticked)
            parts.append(
                ngettext("{n} selected", "{n} selected", ticked).format(n=format_number(ticked))
            )
        status.update(Text(" · ".join(parts)))

    # --- search ----------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if not query:
            self._searcher = None
            if self._exact_timer is not None:
                self._exact_timer.stop()
            if SEARCH_WORK in self._pending_work:  # no answer to wait for any more
                self.end_work(SEARCH_WORK, self._pending_work[SEARCH_WORK])
            whole = self._whole_list
            if whole is not None and whole[0] == self._list_key():
                # As it was before the search (nothing changed since: a change forgets it).
                self.table.set_ids(whole[1], None, self.table.customer_id)
                self._update_status(whole[2])
                return
            self._load_ids(self.table.customer_id)
            return
        self._run_search(query, None)

    def _run_search(self, query: str, keep: int | None) -> None:
        # Until the answer to this query is shown, enter (open the best hit)
        # and the other keys that act on it wait; letters go on typing.
        token = self.begin_work(SEARCH_WORK)
        index = self.custtui.search_index
        if index is None:
            self._pending_query = query
            self._exact_search(query, keep, token)
            return
        if self._searcher is None or getattr(self._searcher, "index", index) is not index:
            from custtui.services.search import Searcher  # noqa: PLC0415 - search loads numpy and rapidfuzz: not before the list is shown

            self._searcher = Searcher(index)
        self.workers.cancel_group(self, "list")  # a whole-list load under way would show over the hits
        with self._search_lock:
            self._next_search = (query, keep, token)
            if self._search_running:
                return  # the running worker answers this query next
            self._search_running = True
        self._search()

    def _exact_search(self, query: str, keep: int | None, token: object) -> None:
        """Until the index is built: the customers holding every word as typed, from the database (search.exact)."""
        from custtui.services.search.exact import exact_search  # noqa: PLC0415 - with the search, not before the list is shown

        list_filter = self.list_filter

        def answered(hits: list[Any]) -> None:
            self.end_work(SEARCH_WORK, token)
            if self.custtui.search_index is not None or query != self.search_text:
                return  # the index answers now, or the user typed on
            self._exact_answer = True
            self._show_search(query, [hit.customer_id for hit in hits], row_matches(hits), keep, {})

        def not_answered(error: DomainError) -> None:
            self.end_work(SEARCH_WORK, token)
            self._update_status()  # "Indexing…": the index answers when it is built

        def ask() -> None:
            self.fetch(
                lambda session: exact_search(session, query, limit=SEARCH_LIMIT, customer_filter=list_filter),
                answered,
                group="exact-search",
                on_error=not_answered,
                hold_keys=False,
            )

        self._exact_answer = False
        self._update_status()
        # Once typing pauses: each query scans the customers (a tenth of a second at 100,000), and one
        # for every key typed would compete with the index being built.
        if self._exact_timer is not None:
            self._exact_timer.stop()
        self._exact_timer = self.set_timer(EXACT_SEARCH_PAUSE_S, ask)

    @work(thread=True, group="search")
    def _search(self) -> None:
        """Answer the latest query until none is waiting (typed ahead, only the last text is searched)."""
        while True:
            with self._search_lock:
                wanted, self._next_search = self._next_search, None
                if wanted is None:
                    self._search_running = False
                    return
            query, keep, token = wanted
            searcher = self._searcher
            try:
                if searcher is not None and not get_current_worker().is_cancelled:
                    self._search_in_thread(searcher, query, keep)
            except BaseException:
                with self._search_lock:
                    self._search_running = False
                raise
            finally:
                self.from_thread(self.end_work, SEARCH_WORK, token)

    def _search_in_thread(self, searcher: Any, query: str, keep: int | None) -> None:
        within = None
        list_filter = self.list_filter
        if not list_filter.is_empty:
            filtered = load_in_thread(
                self.custtui, lambda session: customers.ordered_customer_ids(session, "name", False, list_filter)
            )
            if filtered is None:
                return  # the hits shown stay
            within = set(filtered)
        hits = searcher.search(query, limit=SEARCH_LIMIT)
        if within is not None:
            hits = [hit for hit in hits if hit.customer_id in within]
        if get_current_worker().is_cancelled:
            return
        ids = [hit.customer_id for hit in hits]
        matches = row_matches(hits)
        # The first page's rows come with the answer: painted at once, not as "…" until read.
        unread = self.table.unread(ids[: FIRST_PAGE_ROWS])
        rows = (self._fetch_rows(unread) or {}) if unread else {}
        if get_current_worker().is_cancelled:
            return
        self.from_thread(self._show_search, query, ids, matches, keep, rows)

    def _show_search(
        self, query: str, ids: list[int], matches: dict[int, RowMatch], keep: int | None, rows: dict[int, MarkedRow]
    ) -> None:
        if query != self.search_text:
            return  # a stale answer: the user typed on
        self.table.set_ids(ids, matches, keep, ranked=True, rows=rows)
        self._update_status(None)

    def on_search_index_ready(self, _message: SearchIndexReady) -> None:
        if self.search_text:
            self._searcher = None
            self._run_search(self.search_text, self.table.customer_id)
        self._pending_query = None

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        # Type, enter: open the best hit. Down goes into the list instead.
        self.table.focus()
        if self.search_text and self.table.customer_id is not None:
            self.table.action_select()

    def on_customers_changed(self, message: CustomersChanged) -> None:
        self._whole_list = None
        self.table.forget(message.customer_ids)
        self.reload(keep=self.table.customer_id)

    # --- the current customer -------------------------------------------

    def current_customer_id(self) -> int | None:
        return self.table.customer_id if self.is_mounted else None

    def menu_anchor(self) -> Offset:
        table = self.table
        row_y = table.region.y + 1 + table.cursor - int(table.scroll_y)
        return Offset(table.region.x + 4, row_y + 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:

        if action == "manage_labels":
            return True if self.custtui.can(Permission.MANAGE_LABELS) else None
        if action in ("duplicates", "merges"):
            return True if self.custtui.can(Permission.MERGE) else None
        if action == "audit_log":
            return True if self.custtui.can(Permission.AUDIT) else None
        return super().check_action(action, parameters)

    def after_delete(self, customer_id: int) -> None:
        self.table.forget([customer_id])

    # --- actions ---------------------------------------------------------

    def action_audit_log(self) -> None:

        if self.custtui.can(Permission.AUDIT):
            self.navigate(Destination.AUDIT_LOG)

    def action_recent(self) -> None:
        def chosen(customer_id: int | None) -> None:
            if customer_id is not None:
                self.navigate(Destination.DETAIL, customer_id)

        self.navigate(Destination.RECENT, on_result=chosen)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_open(self) -> None:
        self.table.action_select()

    def on_customer_table_selected(self, message: CustomerTable.Selected) -> None:
        self.navigate(Destination.DETAIL, message.customer_id)

    def action_new(self) -> None:
        self.navigate(Destination.NEW_CUSTOMER, initial_name=self.search_text)

    def on_customer_table_selection_changed(self, _message: CustomerTable.SelectionChanged) -> None:
        self._update_status(None if self.search_text else self._last_total)

    def action_labels(self) -> None:
        """t: the labels of the customer, or one label on or off every ticked customer."""
        if self.table.ticked:
            self.navigate(Destination.BULK_LABELS, customer_ids=self.table.ticked_ids())
        else:
            super().action_labels()

    def action_merge(self) -> None:
        """g: merge the ticked customers (two or more) in the wizard, else "Merge with…" for this one."""
        ticked = self.table.ticked_ids()
        if len(ticked) >= 2 and self.custtui.can(Permission.MERGE):
            self.navigate(Destination.MERGE_WIZARD, customer_ids=ticked)
        else:
            super().action_merge()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
            self.table.focus()
        elif self.table.ticked:
            self.table.clear_ticked()
        elif not self.list_filter.is_empty:
            self._show_filter(CustomerFilter())
        else:
            self.table.focus()

    def action_sort(self) -> None:
        table = self.table
        items = [
            MenuItem("name", _("&Name")),
            MenuItem("internal_name", _("&Internal name")),
            MenuItem("customer_number", _("N&umber")),
            MenuItem("region_code", _("&Region")),
            MenuItem("language", _("L&anguage")),
            MenuItem("labels", _("La&bels")),
            MenuItem("installations", _("In&stallations")),
            MenuItem("missions", _("&Missions")),
            MenuItem("city", _("&City")),
            MenuItem("postal_code", _("&Postal code")),
            MenuItem("phone", _("P&hone")),
            MenuItem("email", _("&E-mail")),
            MenuItem("vat_number", _("&VAT")),
            MenuItem("created_at", _("Crea&ted")),
            MenuItem("last_mission", _("Last missi&on")),
        ]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            previous = (table.sort_key, table.sort_descending)
            if key == table.sort_key:
                table.sort_descending = not table.sort_descending
            else:
                table.sort_key = key
                # Counts read best largest first, dates newest first; text A to Z.
                table.sort_descending = key in ("installations", "missions", "created_at", "last_mission")
            self._load_ids(table.customer_id, previous)

        self.app.push_screen(ContextMenu(items, Offset(2, 3)), chosen)

    def action_columns(self) -> None:
        """c: choose the columns; saved on the user, like the language."""
        user = self.custtui.user

        def chosen(keys: tuple[str, ...] | None) -> None:
            if keys is None:
                return
            self.table.show_columns(keys)

            def saved(changed: User) -> None:
                user.list_columns = changed.list_columns

            self.write(lambda session: customers.set_list_columns(session, user, list(keys)), saved, group="columns")

        self.app.push_screen(ColumnsScreen(self.table.column_keys), chosen)

    def action_export(self) -> None:
        """x: the rows shown (the filter, or the search's hits) with the columns shown, to an xlsx or CSV file."""
        from custtui.services.transfer.shown import ShownSpec  # noqa: PLC0415 - loads openpyxl: not before it is asked for
        from custtui.tui.widgets.export_dialog import ExportShownDialog, export_titles  # noqa: PLC0415

        table = self.table
        if not table.row_count:
            self.notify(_("There is nothing to export: the list is empty."), severity="warning")
            return
        spec = ShownSpec(
            sort=table.sort_key,
            descending=table.sort_descending,
            filter=self.list_filter,
            # The ticked customers, else the search's hits in their order, else the whole filtered list.
            ids=tuple(table.ticked_ids()) if table.ticked else tuple(table.ids) if self.search_text else None,
        )
        titles = export_titles()
        columns = [(key, titles.get(key, key)) for key in ("name", *(k for k in table.column_keys if k != "name"))]

        def chosen(path: str | None) -> None:
            if path:
                self._export(spec, columns, path, False)

        self.app.push_screen(ExportShownDialog(len(table.ticked) or table.row_count), chosen)

    @work(thread=True, group="export")
    def _export(self, spec: Any, columns: list[tuple[str, str]], path: str, overwrite: bool) -> None:
        from custtui.services.transfer.shown import export_shown  # noqa: PLC0415 - see action_export

        target = Path(path).expanduser()
        user = self.custtui.user
        self.from_thread(self.notify, _("Exporting to {path}…").format(path=target))

        def export(session: Any) -> int | Exception:
            # The file's faults are the answer, not the database's: caught here, inside the unit of work.
            try:
                return export_shown(session, user, spec, columns, target, overwrite=overwrite)
            except (OSError, ValueError) as error:
                return error

        outcome = load_in_thread(self.custtui, export)
        if outcome is None:  # a database fault, reported
            return
        if isinstance(outcome, FileExistsError):
            self.from_thread(self._ask_to_replace, spec, columns, path)
        elif isinstance(outcome, OSError):
            self.from_thread(self._not_exported, target, outcome)
        elif isinstance(outcome, Exception):  # ValueError: an unknown format, the message says which
            self.from_thread(partial(self.notify, severity="error"), str(outcome))
        else:
            done = ngettext("Exported {n} customer to {path}", "Exported {n} customers to {path}", outcome)
            self.from_thread(partial(self.notify, timeout=10), done.format(n=format_number(outcome), path=target))

    def _ask_to_replace(self, spec: Any, columns: list[tuple[str, str]], path: str) -> None:
        body = assemble(_("The file {path} exists already. Replace it?"), path=str(Path(path).expanduser()))

        def answer(choice: str | None) -> None:
            if choice == "yes":
                self._export(spec, columns, path, True)

        self.app.push_screen(ConfirmDialog(_("Replace the file?"), body, _("Replace"), danger=True), answer)

    def _not_exported(self, target: Path, error: OSError) -> None:
        if isinstance(error, FileNotFoundError):
            message = _("Not exported: the folder {folder} does not exist.").format(folder=target.parent)
        elif isinstance(error, PermissionError):
            message = _("Not exported: you may not write to {path}.").format(path=target)
        else:
            message = _("Not exported: {path} could not be written ({reason}).").format(
                path=target, reason=error.strerror or type(error).__name__
            )
        self.notify(message, severity="error", timeout=10)

    def action_filter(self) -> None:
        self.fetch(lambda session: (regions.list_regions(session), labels.list_labels(session)), self._open_filter)

    def _open_filter(self, found: tuple[list[Region], list[LabelRecord]]) -> None:
        every_region, all_labels = found
        region_options = [(f"{r.code}  {regions.display_name(r)}", r.code) for r in every_region]
        self._label_names = {label.id: label.name for label in all_labels if label.id is not None}
        label_options = [(label.name, label.id) for label in all_labels if label.id is not None]

        def chosen(choice: FilterChoice | None) -> None:
            if choice is None:
                return
            self._show_filter(choice.filter)
            if choice.save_as:
                self._save_filter(choice.save_as, choice.filter)

        self.app.push_screen(FilterScreen(self.list_filter, region_options, label_options, self.filter_name), chosen)

    def _show_filter(self, list_filter: CustomerFilter, name: str = "") -> None:
        self.list_filter = list_filter
        self.filter_name = name
        self.reload()

    def _save_filter(self, name: str, list_filter: CustomerFilter) -> None:
        user = self.custtui.user

        def saved(named: NamedFilter) -> None:
            if self.list_filter == named.filter:
                self.filter_name = named.name
                self._update_status(None)
            self.notify(_("Saved the filter “{name}”: F shows your saved filters.").format(name=named.name))

        def refused(error: DomainError) -> None:
            reasons = error.errors.values() if isinstance(error, ValidationError) else [user_message(error)]
            for reason in reasons:
                self.notify(_("The filter was not saved: {reason}").format(reason=reason), severity="error", timeout=8)

        self.write(lambda session: filters.save_filter(session, user, name, list_filter), saved, group="filter", on_error=refused)

    def action_saved_filters(self) -> None:
        """F: show one of your saved filters, or delete one."""
        self.fetch(lambda session: labels.list_labels(session), self._open_saved_filters)

    def _open_saved_filters(self, all_labels: list[LabelRecord]) -> None:
        self._label_names = {label.id: label.name for label in all_labels if label.id is not None}

        def chosen(named: NamedFilter | None) -> None:
            if named is not None:
                self._show_filter(named.filter, named.name)

        self.app.push_screen(SavedFiltersScreen(self._label_names), chosen)

    def action_duplicates(self) -> None:
        self.navigate(Destination.DUPLICATES)

    def action_merges(self) -> None:
        self.navigate(Destination.MERGES)

    def action_manage_labels(self) -> None:
        self.navigate(Destination.LABEL_MANAGER)


