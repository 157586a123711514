"""A customer's installations grouped by location and building; move one elsewhere."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.widgets.select import NoSelection
from textual.worker import get_current_worker

from custtui.i18n import N_, _, format_date, format_number, pgettext
from custtui.services import installations, locations, marks
from custtui.services.addresses import address_line
from custtui.tui.base import ModalScreen
from custtui.tui.sublist_screen import CustomerSubScreen
from custtui.tui.text import assemble, customer_line, kind_name, plain, safe
from custtui.tui.widgets.search_box import SearchBox
from custtui.tui.widgets.stock import Header

GROUP_PREFIX = "group-"


class MoveInstallationScreen(ModalScreen[int | None]):
    """Choose the customer (search), then the location and building, and move.

    Returns the id of the customer the installation now belongs to, or None
    when cancelled. A refused move (a database fault) keeps the dialog open
    with every choice, so that the user can try again.
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="move.cancel"),
        Binding("ctrl+s", "move", N_("Move"), id="move.save"),
    ]

    def __init__(self, installation_id: int, customer_id: int, description: str) -> None:
        super().__init__()
        self.installation_id = installation_id
        self.customer_id = customer_id
        self.description = description
        self.target_customer = customer_id
        self._locations_of: int | None = None  # whose locations the list shows
        self._buildings_of: int | None = None  # which location's buildings the select shows

    def compose(self) -> ComposeResult:
        with Vertical(id="move-dialog", classes="dialog"):
            yield Static(assemble(_("Move {installation}"), installation=self.description), classes="dialog-title")
            yield Label(_("Customer (type to search)"))
            yield SearchBox(id="move-search", compact=True, placeholder=_("this customer"))
            yield OptionList(id="move-customers")
            yield Label(_("Location"))
            yield OptionList(id="move-locations")
            yield Label(_("Building"))
            yield Select([], id="move-building", compact=True, prompt=_("Main building"))
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel"), id="move-cancel", compact=True)
                yield Button(_("Move"), id="move-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        # Typing goes where the label says: the search for another customer.
        # This customer's locations are listed already; tab or down reaches them.
        self.query_one("#move-search", Input).focus()
        self._show_customers([self.customer_id])
        self._load_locations(self.customer_id)

    def _show_customers(self, ids: list[int]) -> None:
        self.fetch(
            lambda session: marks.marked_rows(session, ids),
            lambda rows: self._list_customers(ids, rows),
            group="customers",
            hold_keys=False,  # the keys typed into the search meanwhile go on into it
        )

    def _list_customers(self, ids: list[int], rows: dict[int, Any]) -> None:
        listing = self.query_one("#move-customers", OptionList)
        listing.clear_options()
        for customer_id in ids:
            if customer_id in rows:
                row = rows[customer_id]
                prompt = customer_line(row.shown_name, row.customer_number, row.postal_code, row.city)
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
            self.from_thread(self._show_customers, [hit.customer_id for hit in hits])

    @on(Input.Submitted, "#move-search")
    def _to_customers(self) -> None:
        self.query_one("#move-customers", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#move-customers")
    @on(OptionList.OptionSelected, "#move-customers")
    def _customer_chosen(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        self.target_customer = int(event.option.id)
        if self.target_customer != self._locations_of:
            self._load_locations(self.target_customer)
        if isinstance(event, OptionList.OptionSelected):
            self.query_one("#move-locations", OptionList).focus()

    def _load_locations(self, customer_id: int) -> None:
        self.fetch(
            lambda session: locations.locations_of(session, customer_id),
            lambda sites: self._list_locations(customer_id, sites),
            group="locations",
        )

    def _list_locations(self, customer_id: int, sites: list[Any]) -> None:
        self._locations_of = customer_id
        listing = self.query_one("#move-locations", OptionList)
        listing.clear_options()
        for site in sites:
            address = address_line(site)
            prompt = assemble(_("{location}: {address}"), location=site.name, address=address) if site.name else plain(address)
            listing.add_option(Option(prompt, id=str(site.id)))
        if sites:
            listing.highlighted = 0
            self._load_buildings(int(sites[0].id))
        else:
            self._buildings_of = None
            self.query_one("#move-building", Select).set_options([])

    @on(OptionList.OptionHighlighted, "#move-locations")
    def _location_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self._load_buildings(int(event.option.id))

    @on(OptionList.OptionSelected, "#move-locations")
    def _location_selected(self) -> None:
        self.query_one("#move-building", Select).focus()

    def _load_buildings(self, location_id: int) -> None:
        self.fetch(
            lambda session: locations.buildings_of(session, location_id),
            lambda buildings: self._list_buildings(location_id, buildings),
            group="buildings",
        )

    def _list_buildings(self, location_id: int, buildings: list[Any]) -> None:
        self._buildings_of = location_id
        select = self.query_one("#move-building", Select)
        select.set_options([(safe(b.name), b.id) for b in buildings])
        if buildings:
            select.value = buildings[0].id

    @on(Button.Pressed, "#move-ok")
    def action_move(self) -> None:
        listing = self.query_one("#move-locations", OptionList)
        if listing.highlighted is None or self._locations_of is None:
            self.notify(_("Choose a location first."), severity="warning")
            return
        location_id = int(listing.get_option_at_index(listing.highlighted).id or 0)
        new_owner = self._locations_of
        building = self.query_one("#move-building", Select).value
        # The building list may lag a fast keyboard: never send a building of another location.
        building_id = int(building) if not isinstance(building, NoSelection) and self._buildings_of == location_id else None
        user, installation_id = self.custtui.user, self.installation_id
        # A refused move (a fault) keeps the dialog open, with the user's choices.
        self.write(
            lambda session: installations.move_installation(session, user, installation_id, location_id, building_id),
            lambda _moved: self.dismiss(new_owner),
        )

    @on(Button.Pressed, "#move-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def installation_titles() -> tuple[str, ...]:
    """The titles of an installation line's columns (InstallationsScreen.WIDTHS)."""
    return pgettext("installation", "Kind"), _("Brand"), _("Model"), _("Serial"), _("kW"), _("Installed")


class InstallationsScreen(CustomerSubScreen):
    """Grouped under a heading per location and building (headings are not selectable)."""

    BINDINGS = [
        Binding("v", "move", N_("Move…"), id="installations.move"),
    ]
    # Column widths of an installation line: kind, brand, model, serial, kW, installed.
    # The kind's column fits its short forms in every language (models.INSTALLATION_KIND_SHORT_NAMES).
    KIND_WIDTH = 16
    WIDTHS = (KIND_WIDTH, 11, 12, 12, 5, 10)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sub-title")
        header = self._line(*installation_titles(), header=True)
        yield Static(header, id="inst-header")
        yield OptionList(id="inst-list")
        yield Static(id="sub-empty")
        yield Footer(compact=True, show_command_palette=False)

    def prepare(self) -> None:
        pass

    def capture_state(self) -> int | None:
        return self.query_one("#inst-list", OptionList).highlighted

    def restore_state(self, state: int | None) -> None:
        listing = self.query_one("#inst-list", OptionList)
        if state is not None and state < listing.option_count:
            listing.highlighted = state

    def list_widget(self) -> OptionList:
        return self.query_one("#inst-list", OptionList)

    def title_text(self) -> str:
        return _("Installations")

    def _line(self, *cells: str, header: bool = False) -> Text:
        line = Text(style="bold underline" if header else "")
        for index, (cell, width) in enumerate(zip(cells, self.WIDTHS, strict=True)):
            text = Text(safe(cell))
            text.truncate(width, overflow="ellipsis")
            if index == 4:
                text.align("right", width)
            else:
                text.pad_right(width - text.cell_len)
            if index:
                line.append(" ")
            line.append_text(text)
        return line

    def read(self, session: Any) -> list[Any]:
        return installations.installations_of_customer(session, self.customer_id)

    def fill_rows(self, rows: list[Any]) -> int:
        listing = self.query_one("#inst-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        group: tuple[int | None, int | None] = (None, None)
        for installation, location, building in rows:
            if (location.id, building.id) != group:
                group = (location.id, building.id)
                heading = Text.assemble(("▸ ", "bold"))
                heading.append_text(
                    assemble(
                        _("{location} / {building}"),
                        location=plain(location.name or address_line(location), style="bold"),
                        building=plain(building.name, style="italic"),
                    )
                )
                listing.add_option(Option(heading, id=f"{GROUP_PREFIX}{location.id}-{building.id}", disabled=True))
            listing.add_option(
                Option(
                    self._line(
                        kind_name(installation.kind, short=True),
                        installation.brand,
                        installation.model,
                        installation.serial_number,
                        format_number(installation.power_kw),
                        format_date(installation.installed_on, "short"),
                    ),
                    id=str(installation.id),
                )
            )
        if rows:
            first = next(i for i in range(listing.option_count) if not listing.get_option_at_index(i).disabled)
            wanted = highlighted if highlighted is not None and highlighted < listing.option_count else first
            if listing.get_option_at_index(wanted).disabled:
                wanted = first
            listing.highlighted = wanted
        return len(rows)

    def empty_text(self) -> str:
        return _("No installations for this customer.")

    def selected_installation(self) -> int | None:
        listing = self.query_one("#inst-list", OptionList)
        if listing.highlighted is None:
            return None
        key = listing.get_option_at_index(listing.highlighted).id
        if key is None or key.startswith(GROUP_PREFIX):
            return None
        return int(key)

    def action_move(self) -> None:
        installation_id = self.selected_installation()
        if installation_id is None:
            self.notify(_("Choose an installation first."), severity="warning")
            return
        self.when_editable(
            "installation",
            installation_id,
            lambda: self.fetch(
                lambda session: installations.get_installation(session, installation_id),
                self._ask_where_to,
                group="installation",
            ),
        )

    def _ask_where_to(self, installation: Any) -> None:
        installation_id = int(installation.id)
        description = " ".join(
            part for part in (kind_name(installation.kind), installation.brand, installation.model) if part
        )

        def moved(new_owner: int | None) -> None:
            if new_owner is not None:
                self.notify(_("Installation moved."))
                self.custtui.customers_changed(sorted({self.customer_id, new_owner}))

        self.app.push_screen(MoveInstallationScreen(installation_id, self.customer_id, safe(description)), moved)
