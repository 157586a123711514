"""New / edit customer: inline validation, live duplicate warning, edit conflicts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, TypedDict

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from custtui.errors import ConflictError, DomainError, NotFound, ValidationError, user_message
from custtui.i18n import LANGUAGES, N_, _, format_datetime, format_percent, language_name
from custtui.models import stored_id
from custtui.services import customers, locations, marks, normalise, regions
from custtui.services.changes import last_change
from custtui.services.customers import CustomerInput
from custtui.services.duplicates import DraftCustomer
from custtui.services.locations import LocationInput
from custtui.tui.base import ModalScreen
from custtui.tui.faults import load_in_thread, report
from custtui.tui.fields import field_titles
from custtui.tui.messages import CustomersChanged, Destination, Navigate
from custtui.tui.text import customer_line, plain, safe, shown_value
from custtui.tui.widgets.dialogs import ConfirmDialog, EditScreen
from custtui.tui.widgets.stock import Header

# Wait this long after the last keystroke before looking for duplicates.
DUPLICATE_DEBOUNCE_S = 0.25

CUSTOMER_FIELDS = ("name", "internal_name", "customer_number", "region_code", "language", "vat_number", "email", "phone")
ADDRESS_FIELDS = ("street", "number", "postal_code", "city")
_DISPLAYED_FIELDS = frozenset({"phone", "vat_number"})  # shown formatted, stored normalised (services.normalise)
_WATCHED_FOR_DUPLICATES = {"name", "internal_name", "customer_number", "vat_number", "email", "phone", *ADDRESS_FIELDS}


class _FormState(TypedDict):
    """What the form keeps over a language switch (capture_state, restore_state)."""

    values: dict[str, str]
    initial: dict[str, str]
    version: int | None
    region_chosen: bool
    region_options: list[tuple[str, str]]
    main_location_id: int | None


class ConflictScreen(ModalScreen[str | None]):
    """Someone saved the customer meanwhile: show both versions, let the user choose."""

    BINDINGS = [Binding("escape", "cancel", N_("Back to the form"), id="conflict.cancel")]

    def __init__(self, conflict: ConflictError, touched: set[str] | None = None) -> None:
        super().__init__()
        self.conflict = conflict
        # The fields this user changed; None: treat every differing field as theirs to decide.
        self.touched = touched

    def compose(self) -> ComposeResult:

        titles = field_titles()
        with Vertical(id="conflict-dialog", classes="dialog"):
            yield Static(_("Changed by someone else"), classes="dialog-title")
            if self.conflict.theirs is None:
                yield Static(_("This customer was deleted while you were editing it."))
            else:
                yield Static(Text(self.conflict.message))
                table = Table(expand=True, show_edge=False, pad_edge=False)
                table.add_column(_("Field"), no_wrap=True)
                table.add_column(_("Saved now"), overflow="fold")
                table.add_column(_("Yours"), overflow="fold")
                for field in self.conflict.changed_fields:
                    if self.touched is None or field in self.touched:
                        yours = Text(shown_value(field, self.conflict.mine.get(field)), style="bold")
                    else:
                        # Only they changed it: "Reapply mine" keeps their value.
                        yours = Text(_("(not changed by you: theirs is kept)"), style="italic")
                    table.add_row(titles.get(field, field), Text(shown_value(field, self.conflict.theirs.get(field))), yours)
                yield Static(table)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Back to form"), id="conflict-cancel", compact=True)
                if self.conflict.theirs is not None:
                    yield Button(_("Take theirs"), id="conflict-theirs", compact=True)
                    yield Button(_("Reapply mine"), id="conflict-mine", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#conflict-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("conflict-"))

    def action_cancel(self) -> None:
        self.dismiss("cancel")


class CustomerFormScreen(EditScreen):
    """Returns the saved customer's id, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
        Binding("f3", "focus_duplicates", N_("Duplicates"), id="form.duplicates"),
    ]

    def __init__(self, customer_id: int | None, initial_name: str = "") -> None:
        super().__init__()
        self.customer_id = customer_id
        self._initial_name = initial_name
        self._version: int | None = None
        self._region_chosen = False
        self._debounce: Timer | None = None
        self.duplicates_shown_for: dict[str, str] | None = None
        self._main_location_id: int | None = None
        self._warned_version: int | None = None
        self._region_options: list[tuple[str, str]] = []
        self._stands_for: dict[str, tuple[str, str]] = {}  # field -> (as shown, as stored): see _as_displayed

    # --- layout ----------------------------------------------------------

    def _row(self, field: str, widget: Any) -> ComposeResult:
        with Horizontal(classes="form-row", id=f"row-{field}"):
            yield Label(field_titles()[field], classes="form-label")
            yield widget
        yield Static("", classes="form-error", id=f"error-{field}")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="changed-banner")
        with Horizontal(id="form-body"):
            with VerticalScroll(id="form-fields"):
                yield from self._row("name", Input(id="name", compact=True, select_on_focus=False, max_length=200))
                yield from self._row(
                    "internal_name", Input(id="internal_name", compact=True, select_on_focus=False, max_length=200)
                )
                yield from self._row(
                    "customer_number", Input(id="customer_number", compact=True, select_on_focus=False, max_length=50)
                )
                yield from self._row("region_code", Select([], id="region_code", compact=True, prompt=_("Choose a region")))
                yield from self._row(
                    "language",
                    Select(
                        [(language_name(code), code) for code in LANGUAGES],
                        id="language",
                        compact=True,
                        prompt=_("Technician's language"),
                    ),
                )
                yield from self._row(
                    "vat_number", Input(id="vat_number", compact=True, select_on_focus=False, placeholder="BE0123456749")
                )
                yield from self._row("email", Input(id="email", compact=True, select_on_focus=False))
                yield from self._row("phone", Input(id="phone", compact=True, select_on_focus=False))
                yield Static(_("Main location"), classes="form-section", id="address-title")
                yield from self._row("street", Input(id="street", compact=True, select_on_focus=False))
                yield from self._row("number", Input(id="number", compact=True, select_on_focus=False))
                yield from self._row("postal_code", Input(id="postal_code", compact=True, select_on_focus=False))
                yield from self._row("city", Input(id="city", compact=True, select_on_focus=False))
                yield Static("", id="region-hint")
            with Vertical(id="duplicates-panel"):
                yield Static(_("Possible duplicates"), classes="panel-title")
                yield OptionList(id="duplicates")
                yield Static(_("f3, enter: open it instead"), id="duplicates-hint")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        def read(session: Any) -> tuple[list[Any], Any, list[Any]]:
            every = regions.list_regions(session)
            if self.customer_id is None:
                return every, None, []
            return every, customers.get_customer(session, self.customer_id), locations.locations_of(session, self.customer_id)

        self.fetch(read, self._show_stored, on_error=self._not_read)

    def _not_read(self, error: DomainError) -> None:
        report(self.custtui, error, reading=True)
        self._show_stored(None)

    def _show_stored(self, found: tuple[list[Any], Any, list[Any]] | None) -> None:
        state: _FormState | None = getattr(self, "_state_to_restore", None)
        if found is None and state is None:
            self._saved = True  # nothing typed yet: close, the notification says why
            self.dismiss(None)
            return
        if found is None:  # rebuilt after a language switch: what was typed comes back from the state
            assert state is not None
            self._region_options = list(state["region_options"])
            self.query_one("#region_code", Select).set_options(self._region_options)
        else:
            every, customer, sites = found
            self._region_options = [(f"{r.code} {regions.display_name(r)}", r.code) for r in every]
            self.query_one("#region_code", Select).set_options(self._region_options)
            if customer is not None:
                self._version = customer.version
                # A marked record's name shows its mark: deleting the word takes the mark away (services.marks).
                self._fill({**asdict(CustomerInput.from_customer(customer)), "name": marks.shown_name(customer)})
                if sites:
                    self._main_location_id = sites[0].id
                    self._fill({f: getattr(sites[0], f) for f in ADDRESS_FIELDS})
                self._region_chosen = True
        if self.customer_id is None:
            self.query_one("#name", Input).value = self._initial_name
            self.sub_title = _("New customer")
        else:
            self.sub_title = _("Edit customer")
        self._initial = self.values()
        self.query_one("#name", Input).focus()
        self._show_duplicates([])

    def _fill(self, values: dict[str, Any]) -> None:
        values = self._as_displayed(values)
        for field, value in values.items():
            if field not in (*CUSTOMER_FIELDS, *ADDRESS_FIELDS):
                continue
            widget = self.query_one(f"#{field}")
            if isinstance(widget, Select):
                widget.value = value if value else Select.NULL
            elif isinstance(widget, Input):
                widget.value = safe(value)
        self._refresh_region_hint()

    def _as_displayed(self, values: dict[str, Any]) -> dict[str, Any]:
        """Phones and VAT numbers as the user reads them ("0471 08 32 21", "BE 0403.170.701").

        What each shown value stands for is remembered: saved untouched, the
        stored value is saved again, whatever region the customer moved to.
        """
        region = values.get("region_code") or self.values().get("region_code", "")
        shown = dict(values)
        for field in _DISPLAYED_FIELDS & values.keys():
            if values[field]:
                shown[field] = shown_value(field, values[field], normalise.customer_country(region))
                self._stands_for[field] = (shown[field], values[field])
        return shown

    # --- language switch: nothing typed is lost -----------------------------

    def capture_state(self) -> _FormState:
        return {
            "values": self.values(),
            "initial": dict(self._initial),
            "version": self._version,
            "region_chosen": self._region_chosen,
            "region_options": list(self._region_options),
            "main_location_id": self._main_location_id,
        }

    def restore_state(self, state: _FormState) -> None:
        self._fill(state["values"])
        self._initial = state["initial"]
        self._version = state["version"]
        self._region_chosen = bool(state["region_chosen"])
        self._main_location_id = state["main_location_id"]

    # --- values ----------------------------------------------------------

    def values(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for field in (*CUSTOMER_FIELDS, *ADDRESS_FIELDS):
            widget = self.query_one(f"#{field}")
            if isinstance(widget, Select):
                result[field] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Input):
                result[field] = widget.value
        return result

    def _customer_input(self, values: dict[str, str]) -> CustomerInput:
        data = {field: values[field] for field in CUSTOMER_FIELDS}
        for field, (shown, stored) in self._stands_for.items():
            if data[field] == shown:
                data[field] = stored
        return CustomerInput(**data)

    def _location_input(self, values: dict[str, str]) -> LocationInput | None:
        if not any(values[field].strip() for field in ADDRESS_FIELDS):
            return None
        region = regions.region_for_postal_code(values["postal_code"])
        return LocationInput(
            street=values["street"],
            number=values["number"],
            postal_code=values["postal_code"],
            city=values["city"],
            country=_country_of(values["region_code"]),
            region_code=region,
        )

    # --- region suggestion --------------------------------------------------

    @on(Select.Changed, "#region_code")
    def _region_changed(self, event: Select.Changed) -> None:
        if self._focus_within(event.select):
            self._region_chosen = True
        self.clear_error("region_code")

    def _focus_within(self, widget: Widget) -> bool:
        # Not named has_focus_within: that is Textual's property, which the :focus-within pseudo-class reads.
        return self.focused is widget or (self.focused is not None and widget in self.focused.ancestors)

    def _refresh_region_hint(self) -> None:
        postal_code = self.query_one("#postal_code", Input).value
        suggested = regions.region_for_postal_code(postal_code)
        hint = self.query_one("#region-hint", Static)
        if suggested:
            message = _("Postal code {code} suggests {region}.").format(
                code=postal_code.strip(), region=regions.display_name(suggested)
            )
            hint.update(Text(message, style="italic"))
        else:
            hint.update("")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        self.clear_error(field)
        if field == "postal_code":
            suggested = regions.region_for_postal_code(event.value)
            if suggested and not self._region_chosen:
                self.query_one("#region_code", Select).value = suggested
            self._refresh_region_hint()
        if field in _WATCHED_FOR_DUPLICATES:
            if self._debounce is not None:
                self._debounce.stop()
            self._debounce = self.set_timer(DUPLICATE_DEBOUNCE_S, self._look_for_duplicates)

    # --- duplicates panel ---------------------------------------------------

    def _look_for_duplicates(self) -> None:
        self._find_duplicates(self.values())

    @work(thread=True, exclusive=True, group="form-duplicates")
    def _find_duplicates(self, values: dict[str, str]) -> None:
        index = self.custtui.duplicate_index
        if index is None or not any(values[f].strip() for f in _WATCHED_FOR_DUPLICATES):
            self.from_thread(self._show_duplicates, [], values)
            return
        if marks.split_marked_name(values["name"])[1]:  # given up (the ERROR word typed): no one's duplicate
            self.from_thread(self._show_duplicates, [], values)
            return

        draft_fields = ("name", "internal_name", "customer_number", "vat_number", "email", "phone", *ADDRESS_FIELDS)
        draft = DraftCustomer(**{f: values[f] for f in draft_fields})
        matches = index.likely_duplicates(draft, limit=5, exclude_id=self.customer_id)
        if not matches:
            self.from_thread(self._show_duplicates, [], values)
            return
        rows = load_in_thread(self.custtui, lambda session: marks.marked_rows(session, [m.customer_id for m in matches]))
        if rows is None:
            return  # the database is away: the panel keeps its last answer
        found = [(m, rows[m.customer_id]) for m in matches if m.customer_id in rows]
        if not get_current_worker().is_cancelled:
            self.from_thread(self._show_duplicates, found, values)

    def _show_duplicates(self, found: list[tuple[Any, Any]], values: dict[str, str] | None = None) -> None:
        try:
            panel = self.query_one("#duplicates", OptionList)
        except NoMatches:  # the answer came while f2 recomposes the form: ask again once it is back
            self.call_after_refresh(self._look_for_duplicates)
            return
        # What the panel answers for: tests and screenshots wait for the last keystroke's answer.
        self.duplicates_shown_for = values
        panel.clear_options()
        if not found:
            panel.add_option(Option(Text(_("None found."), style="italic"), id="none", disabled=True))
            self.query_one("#duplicates-hint", Static).display = False
            return
        scores = [format_percent(match.score) for match, _row in found]
        score_width = max(cell_len(score) for score in scores)  # "93%", "93 %": right-aligned in every language
        for (match, row), score in zip(found, scores, strict=True):
            prompt = Text.assemble((score.rjust(score_width) + " ", "bold"))
            prompt.append_text(customer_line(row.shown_name, row.customer_number, row.postal_code, row.city))
            reasons = ", ".join(reason.text for reason in match.reasons)
            prompt.append("\n    " + reasons, style="italic")
            panel.add_option(Option(prompt, id=str(match.customer_id)))
        panel.highlighted = 0
        self.query_one("#duplicates-hint", Static).display = True

    def action_focus_duplicates(self) -> None:
        self.query_one("#duplicates", OptionList).focus()

    @on(OptionList.OptionSelected, "#duplicates")
    def _open_duplicate(self, event: OptionList.OptionSelected) -> None:
        if event.option.id in (None, "none"):
            return
        customer_id = int(event.option.id)

        def open_it(choice: str | None = "yes") -> None:
            if choice != "yes":
                return
            self._saved = True  # the user chose to drop this draft
            self.dismiss(None)
            self.app.post_message(Navigate(Destination.DETAIL, customer_id))

        if self.has_unsaved_changes:

            self.app.push_screen(
                ConfirmDialog(
                    _("Open the existing customer?"), _("What you typed here is not saved."), _("Open it"), danger=True
                ),
                open_it,
            )
        else:
            open_it()

    # --- errors -------------------------------------------------------------

    def _show_errors(self, errors: dict[str, str]) -> None:
        for error in self.query(".form-error").results(Static):
            error.update("")
            error.remove_class("shown")
        first: str | None = None
        for field, message in errors.items():
            target = self.query(f"#error-{field}")
            if not target:
                self.notify(message, severity="error")
                continue
            target.first(Static).update(Text(message))
            target.first(Static).add_class("shown")
            first = first or field
        if first:
            self.query_one(f"#{first}").focus()

    # --- save ------------------------------------------------------------

    def action_save(self) -> None:
        self._save(self._version)

    def _save(self, expected_version: int | None) -> None:
        values = self.values()
        data = self._customer_input(values)
        address = self._location_input(values)
        user, customer_id, main_location_id = self.custtui.user, self.customer_id, self._main_location_id
        address_changed = self._address_changed(values)
        self.write(
            lambda session: stored_id(marks.save_customer(  # the name as typed: with the ERROR word, marked
                session, user, customer_id, data, expected_version,
                main_address=address, main_location_id=main_location_id, address_changed=address_changed,
            )),
            self._after_save,
            on_error=self._not_saved,
        )

    def _after_save(self, saved_id: int) -> None:
        self._saved = True
        self.notify(_("Customer saved."))
        self.custtui.customers_changed([saved_id])
        self.dismiss(saved_id)

    def _not_saved(self, error: DomainError) -> None:
        if isinstance(error, ValidationError):
            self._show_errors(error.errors)
            self.notify(_("Not saved: please correct the marked fields."), severity="error")
        elif isinstance(error, ConflictError):
            self._on_conflict(error)
        else:
            self.notify(user_message(error), severity="error", timeout=8)

    # --- someone else saved this customer while the form is open --------------

    def on_customers_changed(self, message: CustomersChanged) -> None:
        """Keep what the user typed; tell them who changed the record, and when."""
        if self.customer_id is None or self._saved or not self.is_attached:
            return
        if message.customer_ids is not None and self.customer_id not in message.customer_ids:
            return
        customer_id = self.customer_id
        self.fetch(lambda session: _stored_state(session, customer_id), self._warn_if_changed, group="stored-state")

    def _warn_if_changed(self, found: tuple[int | None, Any]) -> None:
        version, event = found
        if self._saved:
            return
        if version == self._version or version == self._warned_version:
            return
        self._warned_version = version
        if version is None:
            text = _("Someone else deleted this customer. Your edits are still here; saving is no longer possible.")
        else:
            text = _(
                "{user} changed this customer ({when}). Your edits are kept: "
                "when you save, you choose between both versions."
            ).format(
                user=event.user_login if event else _("Someone else"),
                when=format_datetime(event.at) if event else "",
            )
        banner = self.query_one("#changed-banner", Static)
        banner.update(plain(text))
        banner.add_class("-shown")
        self.notify(safe(text), severity="warning", timeout=10, markup=False)

    def _address_changed(self, values: dict[str, str]) -> bool:
        return (
            any(values[f] != self._initial.get(f) for f in ADDRESS_FIELDS)
            or values["region_code"] != self._initial.get("region_code")
        )

    def _on_conflict(self, conflict: ConflictError) -> None:
        def chosen(choice: str | None) -> None:
            theirs = _as_shown(conflict.theirs)
            if choice == "mine" and theirs is not None:
                # Three-way: the fields this user did not touch take the other user's
                # values, so reapplying mine never undoes their change.
                theirs_kept = {
                    field: theirs[field]
                    for field in CUSTOMER_FIELDS
                    if field not in touched and field in theirs
                }
                self._fill(theirs_kept)
                self._initial = {**self._initial, **{field: self.values()[field] for field in theirs_kept}}
                self._version = int(theirs["version"])
                self._save(self._version)
            elif choice == "theirs" and theirs is not None:
                self._version = int(theirs["version"])
                self._fill(theirs)
                self._initial = self.values()
                self.notify(_("The form now shows the saved version."))

        values = self.values()
        touched = {field for field in CUSTOMER_FIELDS if values[field] != self._initial.get(field)}
        self.app.push_screen(ConflictScreen(conflict, touched), chosen)

def _as_shown(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored customer's values as the form shows them: the name with its mark."""
    if stored is None or "name" not in stored:
        return stored
    return {**stored, "name": marks.marked_name(stored["name"], bool(stored.get("marked_error")))}


def _stored_state(session: Any, customer_id: int) -> tuple[int | None, Any]:
    """The stored version (None: deleted) and the last change of the customer."""

    try:
        version = customers.get_customer(session, customer_id).version
    except NotFound:
        version = None
    return version, last_change(session, "customer", customer_id)


def _country_of(region_code: str) -> str:
    return region_code.split("-")[0] if region_code else "BE"
