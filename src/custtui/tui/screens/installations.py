"""A customer's installations grouped by location and building; move one elsewhere."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from custtui.i18n import _, format_date, format_number
from custtui.models import INSTALLATION_KIND_NAMES, InstallationKind
from custtui.services import customers, installations, locations
from custtui.tui.screens.customer_detail import address_line
from custtui.tui.screens.sublists import CustomerSubScreen
from custtui.tui.text import plain, safe

GROUP_PREFIX = "group-"


def kind_name(kind: str) -> str:
    try:
        return _(INSTALLATION_KIND_NAMES[InstallationKind(kind)])
    except ValueError:
        return kind


class MoveInstallationScreen(ModalScreen[tuple[int, int] | None]):
    """Choose the customer (search), then the location and building to move to."""

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="move.cancel"),
        Binding("ctrl+s", "move", _("Move"), id="move.save"),
    ]

    def __init__(self, installation_id: int, customer_id: int, description: str) -> None:
        super().__init__()
        self.installation_id = installation_id
        self.customer_id = customer_id
        self.description = description
        self.target_customer = customer_id

    @property
    def custtui(self) -> Any:
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(id="move-dialog", classes="dialog"):
            yield Static(Text(_("Move ") + self.description), classes="dialog-title")
            yield Label(_("Customer (type to search)"))
            yield Input(id="move-search", compact=True, placeholder=_("this customer"))
            yield OptionList(id="move-customers")
            yield Label(_("Location"))
            yield OptionList(id="move-locations")
            yield Label(_("Building"))
            yield Select([], id="move-building", compact=True, allow_blank=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="move-cancel", compact=True)
                yield Button(_("Move"), id="move-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._show_customers([self.customer_id])
        self._load_locations(self.customer_id)
        self.query_one("#move-locations", OptionList).focus()

    def _show_customers(self, ids: list[int]) -> None:
        with self.custtui.db() as session:
            rows = customers.customer_rows(session, ids)
        listing = self.query_one("#move-customers", OptionList)
        listing.clear_options()
        for customer_id in ids:
            if customer_id in rows:
                row = rows[customer_id]
                prompt = Text(safe(row.name))
                if customer_id == self.customer_id:
                    prompt.append("  " + _("(this customer)"), style="italic")
                listing.add_option(Option(prompt, id=str(customer_id)))
        listing.highlighted = 0 if listing.option_count else None

    @on(Input.Changed, "#move-search")
    def _search(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self._show_customers([self.customer_id])
        else:
            self._search_worker(event.value)

    @work(thread=True, exclusive=True, group="move-search")
    def _search_worker(self, query: str) -> None:
        index = self.custtui.search_index
        if index is None:
            return
        hits = index.search(query, limit=8)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_customers, [hit.customer_id for hit in hits])

    @on(Input.Submitted, "#move-search")
    def _to_customers(self) -> None:
        self.query_one("#move-customers", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#move-customers")
    @on(OptionList.OptionSelected, "#move-customers")
    def _customer_chosen(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.target_customer = int(event.option.id)
        self._load_locations(self.target_customer)
        if isinstance(event, OptionList.OptionSelected):
            self.query_one("#move-locations", OptionList).focus()

    def _load_locations(self, customer_id: int) -> None:
        with self.custtui.db() as session:
            sites = locations.locations_of(session, customer_id)
        listing = self.query_one("#move-locations", OptionList)
        listing.clear_options()
        for site in sites:
            prompt = Text(safe(site.name) + ": " if site.name else "")
            prompt.append(safe(address_line(site)))
            listing.add_option(Option(prompt, id=str(site.id)))
        if sites:
            listing.highlighted = 0
            self._load_buildings(int(sites[0].id))  # type: ignore[arg-type]
        else:
            self.query_one("#move-building", Select).set_options([])

    @on(OptionList.OptionHighlighted, "#move-locations")
    def _location_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self._load_buildings(int(event.option.id))

    @on(OptionList.OptionSelected, "#move-locations")
    def _location_selected(self) -> None:
        self.query_one("#move-building", Select).focus()

    def _load_buildings(self, location_id: int) -> None:
        with self.custtui.db() as session:
            buildings = locations.buildings_of(session, location_id)
        select = self.query_one("#move-building", Select)
        select.set_options([(safe(b.name), b.id) for b in buildings])

    @on(Button.Pressed, "#move-ok")
    def action_move(self) -> None:
        listing = self.query_one("#move-locations", OptionList)
        if listing.highlighted is None:
            self.notify(_("Choose a location first."), severity="warning")
            return
        location_id = int(listing.get_option_at_index(listing.highlighted).id or 0)
        building = self.query_one("#move-building", Select).value
        self.dismiss((location_id, int(building)))  # type: ignore[arg-type]

    @on(Button.Pressed, "#move-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class InstallationsScreen(CustomerSubScreen):
    BINDINGS = [
        Binding("v", "move", _("Move…"), id="installations.move"),
    ]

    def on_mount(self) -> None:
        self.TITLE_TEXT = _("Installations")
        super().on_mount()

    def setup_columns(self, table: DataTable[Any]) -> None:
        table.add_column(_("Kind"), key="kind", width=11)
        table.add_column(_("Brand"), key="brand", width=11)
        table.add_column(_("Model"), key="model", width=12)
        table.add_column(_("Serial"), key="serial", width=12)
        table.add_column(_("kW"), key="kw", width=5)
        table.add_column(_("Installed"), key="installed", width=10)

    def fill(self, table: DataTable[Any]) -> int:
        with self.custtui.db() as session:
            rows = installations.installations_of_customer(session, self.customer_id)
            sites = locations.locations_of(session, self.customer_id)
        group: tuple[int | None, int | None] = (None, None)
        for installation, location, building in rows:
            if (location.id, building.id) != group:
                group = (location.id, building.id)
                heading = Text("▸ ", style="bold")
                heading.append(safe(location.name or address_line(location)), style="bold")
                heading.append(" / " + safe(building.name), style="italic")
                table.add_row(heading, "", "", "", "", "", key=f"{GROUP_PREFIX}{location.id}-{building.id}")
            table.add_row(
                Text("  " + kind_name(installation.kind)),
                plain(installation.brand),
                plain(installation.model),
                plain(installation.serial_number),
                Text(format_number(installation.power_kw), justify="right"),
                format_date(installation.installed_on, "short"),
                key=str(installation.id),
            )
        self._has_sites = bool(sites)
        return len(rows)

    def empty_text(self) -> str:
        return _("No installations for this customer.")

    def selected_installation(self) -> int | None:
        key = self.selected_key()
        if key is None or key.startswith(GROUP_PREFIX):
            return None
        return int(key)

    def action_move(self) -> None:
        installation_id = self.selected_installation()
        if installation_id is None:
            self.notify(_("Choose an installation (not a location heading)."), severity="warning")
            return
        row = self.table.get_row(str(installation_id))
        description = " ".join(str(cell).strip() for cell in row[:3] if str(cell).strip())

        def moved(target: tuple[int, int] | None) -> None:
            if target is None:
                return
            location_id, building_id = target
            result = self.custtui.attempt(
                lambda s: installations.move_installation(s, self.custtui.user, installation_id, location_id, building_id)
            )
            if result is not None:
                with self.custtui.db() as session:
                    new_owner = locations.get_location(session, location_id).customer_id
                self.notify(_("Installation moved."))
                self.custtui.customers_changed(sorted({self.customer_id, new_owner}))

        self.app.push_screen(MoveInstallationScreen(installation_id, self.customer_id, description), moved)
