"""A customer's locations (sites): add and edit, region suggested from the postal code."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, TypedDict

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from custtui.errors import DomainError
from custtui.i18n import N_, _, pgettext
from custtui.models import stored_id
from custtui.services import locations, normalise, regions
from custtui.services.addresses import address_line
from custtui.services.locations import LocationInput
from custtui.tui.faults import report
from custtui.tui.sublist_screen import CustomerSubScreen, fitted
from custtui.tui.text import plain, safe, shown_value
from custtui.tui.widgets.dialogs import EditScreen
from custtui.tui.widgets.stock import Header

LOCATION_FIELDS = (
    "name", "street", "number", "postal_code", "city", "country", "region_code", "contact_person", "phone",
)


def location_titles() -> dict[str, str]:
    return {
        "name": _("Name"),
        "street": _("Street"),
        "number": pgettext("house number", "Number"),
        "postal_code": _("Postal code"),
        "city": _("City"),
        "country": _("Country"),
        "region_code": _("Region"),
        "contact_person": _("Contact"),
        "phone": _("Phone"),
    }


def location_columns() -> list[tuple[str, str, int]]:
    """The locations table's columns (title, key, width): 74 cells with their padding, within 80."""
    return [(_("Name"), "name", 14), (_("Address"), "address", 32), (_("Region"), "region", 6), (_("Contact"), "contact", 14)]


class _FormState(TypedDict):
    """What the form keeps over a language switch (capture_state, restore_state)."""

    values: dict[str, str]
    initial: dict[str, str]
    region_chosen: bool
    region_options: list[tuple[str, str]]
    stands_for: dict[str, tuple[str, str]]


class LocationFormScreen(EditScreen):
    """Add or edit one location; returns its id when saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="location_form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="location_form.cancel"),
    ]

    def __init__(self, customer_id: int, location_id: int | None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.location_id = location_id
        self._region_chosen = location_id is not None
        self._region_options: list[tuple[str, str]] = []
        self._stands_for: dict[str, tuple[str, str]] = {}  # field -> (as shown, as stored): see _as_displayed

    def compose(self) -> ComposeResult:
        titles = location_titles()
        yield Header()
        with VerticalScroll(id="location-fields"):
            for field in LOCATION_FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(titles[field], classes="form-label")
                    if field == "region_code":
                        yield Select([], id=field, compact=True, prompt=_("From the postal code"))
                    else:
                        yield Input(id=field, compact=True, select_on_focus=False)
                yield Static("", classes="form-error", id=f"error-{field}")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        def read(session: Any) -> tuple[list[Any], dict[str, Any]]:
            if self.location_id is None:
                data = asdict(LocationInput())
            else:
                data = asdict(LocationInput.from_location(locations.get_location(session, self.location_id)))
            return regions.list_regions(session), data

        self.fetch(read, self._show_stored, on_error=self._not_read)

    def _not_read(self, error: DomainError) -> None:
        report(self.custtui, error, reading=True)
        self._show_stored(None)

    def _show_stored(self, found: tuple[list[Any], dict[str, Any]] | None) -> None:
        state: _FormState | None = getattr(self, "_state_to_restore", None)
        if found is None and state is None:
            self._saved = True  # nothing typed yet: close, the notification says why
            self.dismiss(None)
            return
        data: dict[str, Any]
        if found is None:  # rebuilt after a language switch: the typed values come back from the state
            assert state is not None
            self._region_options = list(state["region_options"])
            data = state["values"]
        else:
            every, data = found
            self._region_options = [(f"{r.code} {regions.display_name(r)}", r.code) for r in every]
            data = self._as_displayed(data)
        self.query_one("#region_code", Select).set_options(self._region_options)
        for field in LOCATION_FIELDS:
            widget = self.query_one(f"#{field}")
            value = data.get(field)
            if isinstance(widget, Select):
                widget.value = value or Select.NULL
            elif isinstance(widget, Input):
                widget.value = safe(value)
        self.sub_title = _("Edit location") if self.location_id else _("New location")
        self._initial = self.values()
        self.query_one("#name", Input).focus()

    def _as_displayed(self, data: dict[str, Any]) -> dict[str, Any]:
        """The country by its name in the user's language, the phone as the site's country dials it.

        Typed back unchanged, they stand for the stored values (action_save);
        any other way of writing them is read again.
        """
        shown = dict(data)
        for field in ("country", "phone"):
            if data.get(field):
                shown[field] = shown_value(field, data[field], data.get("country") or "BE")
                self._stands_for[field] = (shown[field], data[field])
        return shown

    def capture_state(self) -> _FormState:
        return {
            "values": self.values(),
            "initial": dict(self._initial),
            "region_chosen": self._region_chosen,
            "region_options": list(self._region_options),
            "stands_for": dict(self._stands_for),
        }

    def restore_state(self, state: _FormState) -> None:
        for field, value in state["values"].items():
            widget = self.query_one(f"#{field}")
            if isinstance(widget, Select):
                widget.value = value or Select.NULL
            elif isinstance(widget, Input):
                widget.value = value
        self._initial = state["initial"]
        self._region_chosen = bool(state["region_chosen"])
        self._stands_for = dict(state["stands_for"])

    def values(self) -> dict[str, str]:
        result = {}
        for field in LOCATION_FIELDS:
            widget = self.query_one(f"#{field}")
            if isinstance(widget, Select):
                result[field] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Input):
                result[field] = widget.value
        return result

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        self.clear_error(field)
        if field in ("postal_code", "country") and not self._region_chosen:
            country = self.query_one("#country", Input).value
            suggested = regions.region_for_postal_code(
                self.query_one("#postal_code", Input).value, normalise.country_code(country) or country or "BE"
            )
            if suggested:
                self.query_one("#region_code", Select).value = suggested

    @on(Select.Changed, "#region_code")
    def _region(self, event: Select.Changed) -> None:
        if self.focused is event.select or (self.focused is not None and event.select in self.focused.ancestors):
            self._region_chosen = True

    def action_save(self) -> None:
        values = self.values()
        for field, (shown, stored) in self._stands_for.items():
            if values[field] == shown:
                values[field] = stored
        data = LocationInput(
            name=values["name"],
            street=values["street"],
            number=values["number"],
            postal_code=values["postal_code"],
            city=values["city"],
            country=values["country"],
            # Empty: none (the region is then suggested from the postal code).
            region_code=values["region_code"] or None,
            contact_person=values["contact_person"] or None,
            phone=values["phone"] or None,
        )
        user, customer_id, location_id = self.custtui.user, self.customer_id, self.location_id

        def save(session: Any) -> int:
            if location_id is None:
                return stored_id(locations.add_location(session, user, customer_id, data))
            return stored_id(locations.update_location(session, user, location_id, data))

        self.write(save, self._after_save, on_error=self.not_saved)

    def _after_save(self, saved: int) -> None:
        self._saved = True
        self.notify(_("Location saved."))
        self.custtui.customers_changed([self.customer_id])
        self.dismiss(saved)


class LocationsScreen(CustomerSubScreen):
    BINDINGS = [
        Binding("n", "add", N_("Add"), id="locations.add"),
        Binding("e,enter", "edit", N_("Edit"), id="locations.edit"),
    ]

    def title_text(self) -> str:
        return _("Locations")

    def setup_columns(self, table: DataTable[Any]) -> None:
        for title, key, width in location_columns():
            table.add_column(title, key=key, width=width)

    def read(self, session: Any) -> list[Any]:
        return locations.locations_of(session, self.customer_id)

    def fill(self, table: DataTable[Any], rows: list[Any]) -> int:
        for location in rows:
            table.add_row(
                *fitted(
                    table,
                    plain(location.name),
                    plain(address_line(location)),
                    location.region_code,
                    plain(location.contact_person),
                ),
                key=str(location.id),
            )
        return len(rows)

    def empty_text(self) -> str:
        return _("No locations yet: press n to add one.")

    def action_add(self) -> None:
        self.app.push_screen(LocationFormScreen(self.customer_id, None))

    def action_edit(self) -> None:
        key = self.selected_key()
        if key is not None:
            location_id = int(key)
            self.when_editable(
                "location", location_id, lambda: self.app.push_screen(LocationFormScreen(self.customer_id, location_id))
            )
