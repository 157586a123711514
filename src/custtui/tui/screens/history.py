"""History of one customer (h) and the audit log of everyone's changes (A, admins)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from custtui.i18n import N_, _, format_datetime, format_number, ngettext, parse_day, pgettext
from custtui.models import NP_
from custtui.services import history
from custtui.services.history import FieldChange, HistoryEntry
from custtui.services.marks import marked_name
from custtui.tui.base import Screen
from custtui.tui.fields import record_field_titles
from custtui.tui.messages import CustomersChanged
from custtui.tui.text import assemble, plain, safe, stored_value, translated
from custtui.tui.widgets.stock import Header

VALUE_WIDTH = 60  # long notes are cut here; the record itself has them in full


def _field_title(entry: HistoryEntry, name: str) -> str:

    return record_field_titles(entry.entity).get(name, name.replace("_", " "))


def _value(entry: HistoryEntry, field: str, value: Any) -> Text:
    if value is None or value == "" or (field == "marked_error" and not value):
        return Text(_("(empty)"), style="italic dim")
    shown = safe(stored_value(entry.entity, field, value))
    if len(shown) > VALUE_WIDTH:
        shown = shown[: VALUE_WIDTH - 1] + "…"
    # Each language its own quote marks: fr « … », de „…“, nl ‘…’.
    return assemble(_("“{value}”"), value=shown)


def change_line(entry: HistoryEntry, change: FieldChange) -> Text:
    field = Text(_field_title(entry, change.field), style="bold")
    if entry.action == "create":
        line = assemble(_("{field}: {value}"), field=field, value=_value(entry, change.field, change.after))
    elif entry.action == "delete":
        line = assemble(_("{field}: {value}"), field=field, value=_value(entry, change.field, change.before))
    else:
        line = assemble(
            _("{field}: {before} → {after}"),
            field=field,
            before=_value(entry, change.field, change.before),
            after=_value(entry, change.field, change.after),
        )
    return Text("    ") + line


def detail_lines(entry: HistoryEntry) -> list[Text]:
    """What a merge did, or which merge an undo reverted."""
    details = entry.details
    if entry.action == "merge" and details:
        installations_moved = int(details.get("installations_moved", 0))
        missions_moved = int(details.get("missions_moved", 0))
        return [
            Text(
                "    "
                + _("merge {id}: kept #{keep}, merged {others}").format(
                    id=details.get("merge_id", "?"),
                    keep=details.get("keep_id", "?"),
                    others=", ".join(f"#{cid}" for cid in details.get("other_ids", [])),
                )
            ),
            Text(
                "    "
                + _("{installations_moved}, {missions_moved}").format(
                    installations_moved=ngettext(
                        "{count} installation moved", "{count} installations moved", installations_moved
                    ).format(count=format_number(installations_moved)),
                    missions_moved=ngettext("{count} mission moved", "{count} missions moved", missions_moved).format(
                        count=format_number(missions_moved)
                    ),
                )
            ),
        ]
    if entry.action == "unmerge" and details:
        return [Text("    " + _("merge {id} undone").format(id=details.get("merge_id", "?")))]
    return []


def record_text(entry: HistoryEntry) -> Text:
    """The record an entry is about: "Location Depot Gent" (de "Anlage Viessmann")."""
    return assemble(
        pgettext("history: the kind of record, then its name", "{record_kind} {name}"),
        record_kind=entry.entity_name,
        name=marked_name(entry.record_name, entry.record_marked),
    )


def entry_heading(entry: HistoryEntry, with_record: bool = True) -> Text:
    heading = Text()
    heading.append(format_datetime(entry.at), style="bold")
    heading.append("  ")
    heading.append(safe(entry.user_login), style="bold")
    heading.append("  ")
    if with_record:
        heading.append_text(assemble(_("{record}: {action}"), record=record_text(entry), action=entry.action_name))
    else:
        heading.append(entry.action_name)
    return heading


# The audit log's Action column is narrow: short forms of the actions, at most
# ACTION_WIDTH cells in every language (the details below the table say it in full).
ACTION_WIDTH = 20
SHORT_ACTION_NAMES = {
    "create": NP_("audit log action, short", "created"),
    "update": NP_("audit log action, short", "changed"),
    "delete": NP_("audit log action, short", "deleted"),
    "label": NP_("audit log action, short", "labels changed"),
    "move": NP_("audit log action, short", "moved"),
    "merge": NP_("audit log action, short", "merged"),
    "unmerge": NP_("audit log action, short", "unmerged"),
    "delete_merged": NP_("audit log action, short", "duplicates deleted"),  # the records merged away
}


def short_action_name(entry: HistoryEntry) -> str:
    short = SHORT_ACTION_NAMES.get(entry.action)
    return translated(short) if short is not None else entry.action_name


def entries_text(entries: list[HistoryEntry], customer_id: int) -> Text:
    text = Text()
    for entry in entries:
        # The customer's own record needs no name on each line; its sites do.
        about_itself = entry.entity == "customer" and entry.entity_id == customer_id
        text.append_text(entry_heading(entry, with_record=not about_itself))
        text.append("\n")
        for line in [*detail_lines(entry), *(change_line(entry, change) for change in entry.changes)]:
            text.append_text(line)
            text.append("\n")
        text.append("\n")
    return text


class CustomerHistoryScreen(Screen[None]):
    """Who changed what, when, about one customer: newest first."""

    BINDINGS = [Binding("escape", "back", N_("Back"), id="history.back")]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sub-title")
        with VerticalScroll(id="history"):
            yield Static(id="history-text")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#history", VerticalScroll).focus()

    def reload(self) -> None:
        # A fault leaves what is shown.
        self.fetch(lambda session: history.history_of_customer(session, self.customer_id), self._show)

    def _show(self, found: history.CustomerHistory) -> None:
        name, entries = marked_name(found.name, found.marked), found.entries
        title = assemble(_("{list} · {customer}"), list=Text(_("History"), style="bold"), customer=name)
        self.query_one("#sub-title", Static).update(title)
        self.sub_title = safe(name)
        body = entries_text(entries, self.customer_id) if entries else Text(_("No changes recorded yet."), style="italic")
        self.query_one("#history-text", Static).update(body)

    def on_customers_changed(self, message: CustomersChanged) -> None:
        if self.is_attached and (message.customer_ids is None or self.customer_id in message.customer_ids):
            self.reload()

    def action_back(self) -> None:
        self.dismiss()


def audit_columns() -> list[tuple[str, str, int]]:
    """The audit log's columns (title, key, width): 77 cells with their padding, within 80 with the scroll bar."""
    return [
        (_("When"), "when", 17),
        (_("User"), "user", 11),  # fr "Utilisateur"
        (_("Record"), "record", 21),
        (_("Action"), "action", ACTION_WIDTH),
    ]


class AuditLogScreen(Screen[None]):
    """Everyone's changes, filterable by user and dates (admins)."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="audit.back"),
        Binding("slash", "focus_filters", N_("Filter"), id="audit.filter"),
        Binding("enter", "open", N_("Open"), id="audit.open", show=False),
    ]

    ALL_USERS = "*"

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            yield Label(_("User"), classes="audit-label")
            yield Select([(_("All users"), self.ALL_USERS)], id="audit-user", compact=True, allow_blank=False)
            yield Label(pgettext("date range", "From"), classes="audit-label")
            yield Input(id="audit-from", compact=True, placeholder=_("date"))
            yield Label(pgettext("date range", "To"), classes="audit-label")
            yield Input(id="audit-to", compact=True, placeholder=_("date"))
        yield Static("", id="audit-error", classes="form-error")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="audit-details")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        for title, key, width in audit_columns():
            table.add_column(title, key=key, width=width)
        table.focus()
        user = self.custtui.user
        self.fetch(lambda session: history.audit_logins(session, user), self._show_logins, group="logins")
        self.reload()

    def _show_logins(self, logins: list[str]) -> None:
        select = self.query_one("#audit-user", Select)
        chosen = select.value
        with select.prevent(Select.Changed):
            select.set_options([(_("All users"), self.ALL_USERS), *((plain(login), login) for login in logins)])
            select.value = chosen if chosen in logins else self.ALL_USERS

    def _filters(self) -> tuple[str | None, date | None, date | None] | None:
        error = self.query_one("#audit-error", Static)
        user = self.query_one("#audit-user", Select).value
        days = []
        for field in ("#audit-from", "#audit-to"):
            try:
                days.append(parse_day(self.query_one(field, Input).value))
            except ValueError as bad:
                error.update(plain(_("Not a date: {value} (type it as 2026-11-27 or 27/11/2026)").format(value=safe(str(bad)))))
                error.add_class("shown")
                return None
        error.remove_class("shown")
        login = None if user in (self.ALL_USERS, Select.NULL) else str(user)
        return login, days[0], days[1]

    def reload(self) -> None:
        filters = self._filters()
        if filters is None:
            return
        login, start, end = filters
        user = self.custtui.user
        self.fetch(lambda session: history.audit_log(session, user, login=login, start=start, end=end), self._show)

    def _show(self, found: list[HistoryEntry]) -> None:
        self.entries = found
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        for entry in found:
            table.add_row(
                format_datetime(entry.at), plain(entry.user_login), record_text(entry), short_action_name(entry),
                key=str(entry.event_id),
            )
        self._show_details()
        count = len(found)
        self.sub_title = ngettext("{count} change", "{count} changes", count).format(count=format_number(count))

    def _current(self) -> HistoryEntry | None:
        table = self.query_one("#audit-table", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def _show_details(self) -> None:
        entry = self._current()
        details = self.query_one("#audit-details", Static)
        if entry is None:
            details.update(Text(_("No changes match."), style="italic"))
            return
        text = Text()
        for line in [*detail_lines(entry), *(change_line(entry, change) for change in entry.changes)]:
            text.append_text(line)
            text.append("\n")
        details.update(text)

    @on(DataTable.RowSelected, "#audit-table")
    def _row_selected(self) -> None:
        self.action_open()

    @on(DataTable.RowHighlighted, "#audit-table")
    def _row_highlighted(self) -> None:
        self._show_details()

    @on(Select.Changed, "#audit-user")
    @on(Input.Submitted)
    def _filters_changed(self) -> None:
        if self.is_mounted:
            self.reload()

    @on(Input.Changed)
    def _date_typed(self, event: Input.Changed) -> None:
        # Filter as soon as a date is complete; a half-typed one waits for enter.
        try:
            parse_day(event.value)
        except ValueError:
            return
        self.reload()

    def action_focus_filters(self) -> None:
        self.query_one("#audit-user", Select).focus()

    def action_open(self) -> None:
        """Enter on a customer's change: that customer's whole history."""
        entry = self._current()
        if entry is not None and entry.entity == "customer" and entry.entity_id is not None:
            self.app.push_screen(CustomerHistoryScreen(entry.entity_id))

    def on_customers_changed(self, _message: CustomersChanged) -> None:
        if self.is_attached:
            self.reload()

    def action_back(self) -> None:
        self.dismiss()
