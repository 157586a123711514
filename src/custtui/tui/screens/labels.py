"""Labels: pick and unpick on a customer (t), create inline, and the admins' manager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from custtui.errors import DomainError, user_message
from custtui.i18n import N_, _, format_number, ngettext, pgettext
from custtui.models import LABEL_KIND_NAMES, LabelKind, Role, stored_id
from custtui.services import customers, labels, permissions
from custtui.services.auth import Permission
from custtui.services.labels import LABEL_COLOURS
from custtui.services.marks import shown_name
from custtui.tui.base import ModalScreen, Screen
from custtui.tui.faults import report
from custtui.tui.text import assemble, label_text, safe, translated
from custtui.tui.widgets.dialogs import ConfirmDialog
from custtui.tui.widgets.stock import Header
from custtui.tui.widgets.tick_list import TickList


def colour_names() -> dict[str, str]:
    return {
        "red": _("red"),
        "green": _("green"),
        "yellow": _("yellow"),
        "blue": _("blue"),
        "magenta": _("magenta"),
        "cyan": _("cyan"),
        "white": _("white"),
        "grey": _("grey"),
    }


def kind_names() -> dict[str, str]:
    return {kind: translated(name) for kind, name in LABEL_KIND_NAMES.items()}


def set_by_names() -> dict[str | None, str]:
    """Who may put a label on or take it off, in a word (the manager's column, the picker's note)."""
    return {None: _("everyone"), Role.OFFICE.value: _("office"), Role.ADMIN.value: _("admins")}


def label_columns() -> list[tuple[str, str, int]]:
    """The label manager's columns (title, key, width); the colour and kind columns fit every language's words."""
    return [
        (_("Name"), "name", 26),
        (_("Colour"), "colour", 10),
        (pgettext("label", "Kind"), "kind", 10),
        (_("Set by"), "set_by", 12),
        (_("Customers"), "count", 9),
    ]


def label_choice(label: Any, user: Any, *, no_color: bool) -> tuple[Text, bool]:
    """A label to choose, and whether the user's role may set it: if not, it is shown (nobody wonders
    where it went) saying who sets it, and the caller makes it not choosable."""
    prompt = label_text(label.name, label.colour, no_color=no_color)
    allowed = permissions.may_assign(user, label)
    if not allowed:
        note = _("set by: {who}").format(who=set_by_names().get(label.assign_role, label.assign_role))
        prompt = Text.assemble(prompt, "  ", Text(note, style="italic"))
    return prompt, allowed


# What the label form returns: name, colour, kind, and who may set it (None: every role that labels).
LabelValues = tuple[str, str, str, str | None]


class LabelFormScreen(ModalScreen[LabelValues | None]):
    """Name, colour and kind of a label, and (for who manages labels) who may set it; the service validates."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="label_form.cancel"),
        Binding("ctrl+s", "submit", N_("Save"), id="label_form.save"),
    ]

    def __init__(
        self,
        title: str,
        name: str = "",
        colour: str = "blue",
        kind: str = LabelKind.TRAIT.value,
        assign_role: str | None = None,
        *,
        with_roles: bool = False,
        error: str = "",
    ) -> None:
        super().__init__()
        self._title = title
        self._name = name
        self._colour = colour
        self._kind = kind
        self._assign_role = assign_role
        self._with_roles = with_roles
        self._error = error

    def compose(self) -> ComposeResult:
        colours = colour_names()
        with Vertical(id="label-form", classes="dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Label(_("Name"))
            yield Input(safe(self._name), id="label-name", compact=True, max_length=60)
            yield Static("", id="label-error", classes="form-error")
            yield Label(_("Colour"))
            yield Select(
                [(Text(colours[c], style=c), c) for c in LABEL_COLOURS],
                value=self._colour,
                id="label-colour",
                compact=True,
                allow_blank=False,
            )
            yield Label(pgettext("label", "Kind"))
            yield Select(
                [(name, kind) for kind, name in kind_names().items()],
                value=self._kind,
                id="label-kind",
                compact=True,
                allow_blank=False,
            )
            if self._with_roles:
                yield Label(_("Who may put it on or take it off"))
                yield Select(
                    [(_(name), role or "") for role, name in permissions.ASSIGN_ROLE_NAMES.items()],
                    value=self._assign_role or "",
                    id="label-assign-role",
                    compact=True,
                    allow_blank=False,
                )
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="label-cancel", compact=True)
                yield Button(_("Save"), id="label-save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#label-name", Input).focus()
        if self._error:
            self.show_error(self._error)

    def show_error(self, message: str) -> None:
        error = self.query_one("#label-error", Static)
        error.update(Text(message))
        error.add_class("shown")
        self.query_one("#label-name", Input).focus()

    @on(Input.Submitted, "#label-name")
    @on(Button.Pressed, "#label-save")
    def action_submit(self) -> None:
        roles = self.query("#label-assign-role").results(Select)
        assign_role = next((str(select.value) for select in roles), "") or None
        self.dismiss(
            (
                self.query_one("#label-name", Input).value,
                str(self.query_one("#label-colour", Select).value),
                str(self.query_one("#label-kind", Select).value),
                assign_role,
            )
        )

    @on(Button.Pressed, "#label-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def edit_label(
    screen: Screen[Any] | ModalScreen[Any],
    title: str,
    save: Callable[..., Any],
    done: Callable[[Any], None],
    values: LabelValues | None = None,
    error: str = "",
    *,
    with_roles: bool = False,
) -> None:
    """Ask for a label's name, colour, kind and (`with_roles`) who sets it, then `save(session, *those)`.

    Refused (invalid, or the database is away, full or read-only), the form
    opens again with what the user typed and the reason, to save again.
    """

    def submitted(typed: LabelValues | None) -> None:
        if typed is None:
            return

        def refused(refusal: DomainError) -> None:
            message = user_message(refusal)
            screen.notify(message, severity="error", timeout=8)
            edit_label(screen, title, save, done, typed, message, with_roles=with_roles)

        screen.write(lambda session: save(session, *typed), done, on_error=refused, group="label")

    form = LabelFormScreen(title, *(values or ()), with_roles=with_roles, error=error)
    screen.app.push_screen(form, submitted)


class LabelPickerScreen(ModalScreen[None]):
    """Space ticks or unticks a label on the customer; n creates a label."""

    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="labels.close"),
        Binding("n", "new_label", N_("New label"), id="labels.new"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        with Vertical(id="label-picker", classes="dialog"):
            yield Static(id="label-picker-title", classes="dialog-title")
            yield TickList(id="label-list")
            yield Static(_("space: tick/untick · n: new label · escape: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        self.reload(first=True)

    def reload(self, highlight: int | None = None, first: bool = False) -> None:
        """Show the labels as stored; on a database fault the list stays as it was (a first load closes)."""

        def not_read(error: DomainError) -> None:
            report(self.custtui, error, reading=True)
            if first:
                self.dismiss(None)  # nothing to pick from: the notification says why

        customer_id = self.customer_id
        self.fetch(
            lambda session: (
                shown_name(customers.get_customer(session, customer_id)),
                labels.list_labels(session),
                {label.id for label in labels.labels_of(session, customer_id)},
            ),
            lambda found: self._show(*found, highlight),
            on_error=not_read,
        )

    def _show(self, name: str, every: list[Any], mine: set[int | None], highlight: int | None) -> None:
        title = assemble(_("Labels of {customer}"), customer=Text(safe(name), style="bold"))
        self.query_one("#label-picker-title", Static).update(title)
        selection = self.query_one(SelectionList)
        with selection.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled):
            selection.clear_options()
            selection.add_options([self._option(label, label.id in mine) for label in every])
        if highlight is not None:
            for index, label in enumerate(every):
                if label.id == highlight:
                    selection.highlighted = index
        elif selection.highlighted is None and every:
            selection.highlighted = 0  # space ticks the first label straight away

    def _option(self, label: Any, ticked: bool) -> Selection[int]:
        prompt, allowed = label_choice(label, self.custtui.user, no_color=self.app.no_color)
        return Selection(prompt, label.id, ticked, disabled=not allowed)

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        label_id = int(event.selection.value)
        ticked = label_id in event.selection_list.selected
        user, customer_id = self.custtui.user, self.customer_id
        change = labels.assign_label if ticked else labels.unassign_label
        selection = event.selection_list

        def refused(error: DomainError) -> None:
            # Show the stored state again; the box goes back at once, whatever the reload finds.
            report(self.custtui, error)
            with selection.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled):
                selection.toggle(label_id)
            self.reload()

        # One write per tick: a second space waits for the first (type-ahead holds it).
        self.write(
            lambda session: change(session, user, customer_id, label_id),
            lambda _nothing: self.custtui.customers_changed([customer_id]),
            on_error=refused,
            group=f"tick-{label_id}",
        )

    def action_new_label(self) -> None:
        user = self.custtui.user

        def save(session: Any, name: str, colour: str, kind: str, assign_role: str | None) -> int:
            label = labels.create_label(session, user, name, colour, kind, assign_role)
            if permissions.may_assign(user, label):
                labels.assign_label(session, user, self.customer_id, stored_id(label))
            return stored_id(label)

        def created(label_id: int) -> None:
            self.reload(highlight=label_id)
            self.custtui.customers_changed([self.customer_id])

        edit_label(self, _("New label"), save, created, with_roles=self.custtui.can(Permission.MANAGE_LABELS))

    def action_close(self) -> None:
        self.dismiss(None)


class LabelManagerScreen(Screen[None]):
    """Admins rename, recolour and delete labels."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="label_manager.back"),
        Binding("n", "new", N_("New"), id="label_manager.new"),
        Binding("e,enter", "edit", N_("Edit"), id="label_manager.edit"),
        Binding("delete", "delete", N_("Delete"), id="label_manager.delete"),
    ]


    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="label-table", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Labels")
        table = self.query_one(DataTable)
        for title, key, width in label_columns():
            table.add_column(title, key=key, width=width)
        self.reload()
        table.focus()

    def reload(self) -> None:
        # A fault leaves the table as it was.
        self.fetch(
            lambda session: [(label, labels.usage_count(session, stored_id(label))) for label in labels.list_labels(session)],
            self._show,
        )

    def _show(self, found: list[tuple[Any, int]]) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        colours = colour_names()
        kinds = kind_names()
        set_by = set_by_names()
        table.clear()
        for label, count in found:
            table.add_row(
                label_text(label.name, label.colour, no_color=self.app.no_color),
                colours.get(label.colour, label.colour),
                kinds.get(label.kind, label.kind),
                set_by.get(label.assign_role, label.assign_role),
                Text(format_number(count), justify="right"),
                key=str(label.id),
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def _current(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)

    def action_new(self) -> None:
        user = self.custtui.user
        edit_label(
            self,
            _("New label"),
            lambda session, *values: labels.create_label(session, user, *values),
            lambda _label: self.reload(),
            with_roles=True,
        )

    def action_edit(self) -> None:
        label_id = self._current()
        if label_id is None:
            return
        self.fetch(lambda session: labels.get_label(session, label_id), self._edit, group="label")

    def _edit(self, label: Any) -> None:
        label_id = int(label.id)
        user = self.custtui.user

        def edited(_label: Any) -> None:
            self.reload()
            self.custtui.customers_changed(None)

        edit_label(
            self,
            _("Edit label"),
            lambda session, *values: labels.update_label(session, user, label_id, *values),
            edited,
            (label.name, label.colour, label.kind, label.assign_role),
            with_roles=True,
        )

    def action_delete(self) -> None:
        label_id = self._current()
        if label_id is None:
            return
        self.fetch(
            lambda session: (labels.get_label(session, label_id), labels.usage_count(session, label_id)),
            lambda found: self._ask_to_delete(*found),
            group="label",
        )

    def _ask_to_delete(self, label: Any, count: int) -> None:
        label_id = int(label.id)
        body = assemble(_("Delete the label {name}?"), name=Text(safe(label.name), style="bold"))
        body.append("\n")
        body.append(
            ngettext(
                "{n} customer carries it; it is taken off.", "{n} customers carry it; it is taken off them all.", count
            ).format(n=format_number(count))
        )

        def confirmed(choice: str | None) -> None:
            if choice == "yes":
                self.write(lambda session: labels.delete_label(session, self.custtui.user, label_id), self._deleted)

        self.app.push_screen(ConfirmDialog(_("Delete label"), body, _("Delete"), danger=True), confirmed)

    def _deleted(self, _nothing: object) -> None:
        self.notify(_("Label deleted."))
        self.reload()
        self.custtui.customers_changed(None)

    def action_back(self) -> None:
        self.dismiss()


class BulkLabelScreen(ModalScreen[None]):
    """One label on or off every selected customer: pick it, then a to assign or r to remove."""

    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="bulk_labels.close"),
        Binding("a", "assign", N_("Assign"), id="bulk_labels.assign"),
        Binding("r", "remove", N_("Remove"), id="bulk_labels.remove"),
    ]

    def __init__(self, customer_ids: list[int]) -> None:
        super().__init__()
        self.customer_ids = list(customer_ids)

    def compose(self) -> ComposeResult:
        count = len(self.customer_ids)
        with Vertical(id="bulk-labels", classes="dialog"):
            yield Static(
                ngettext("Label {n} selected customer", "Label {n} selected customers", count).format(n=format_number(count)),
                classes="dialog-title",
            )
            yield OptionList(id="bulk-label-list", compact=True)
            yield Static(_("a: assign to all · r: remove from all · escape: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.fetch(labels.list_labels, self._show, on_error=self._not_read)

    def _not_read(self, error: DomainError) -> None:
        report(self.custtui, error, reading=True)
        self.dismiss(None)

    def _show(self, every: list[Any]) -> None:
        listing = self.query_one(OptionList)
        options = []
        for label in every:
            prompt, allowed = label_choice(label, self.custtui.user, no_color=self.app.no_color)
            options.append(Option(prompt, id=str(label.id), disabled=not allowed))
        listing.set_options(options)
        if every:
            listing.highlighted = 0

    def _apply(self, add: bool) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return
        label_id = int(listing.get_option_at_index(listing.highlighted).id or 0)
        user, ids = self.custtui.user, self.customer_ids

        def done(changed: int) -> None:
            message = (
                ngettext("Label added to {n} customer.", "Label added to {n} customers.", changed)
                if add
                else ngettext("Label removed from {n} customer.", "Label removed from {n} customers.", changed)
            )
            self.notify(message.format(n=format_number(changed)))
            self.custtui.customers_changed(ids)

        self.write(lambda session: labels.label_customers(session, user, ids, label_id, add=add), done)

    def action_assign(self) -> None:
        self._apply(True)

    def action_remove(self) -> None:
        self._apply(False)

    def action_close(self) -> None:
        self.dismiss(None)
