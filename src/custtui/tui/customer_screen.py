"""What every screen about one customer shares: the customer keys and their actions."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from platformdirs import user_downloads_dir
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Offset

from custtui.i18n import N_, _, format_number, get_language, ngettext
from custtui.services import customers, gdpr, reach, sheet
from custtui.services.auth import Permission
from custtui.services.customers import delete_refusal_reason
from custtui.services.marks import shown_name
from custtui.tui.base import Screen
from custtui.tui.messages import Destination
from custtui.tui.text import assemble, safe
from custtui.tui.widgets.context_menu import ContextMenu, MenuItem
from custtui.tui.widgets.dialogs import ChoiceDialog, ConfirmDialog

if TYPE_CHECKING:
    from collections.abc import Callable

    from custtui.errors import LinkedCounts
    from custtui.models import Customer

_CUSTOMER_ACTIONS = {"edit", "menu", "installations", "locations", "missions", "labels", "delete", "merge", "history"}
_CUSTOMER_ACTIONS |= {"copy", "reach", "notes", "contacts", "sheet", "privacy"}


class CustomerScreen(Screen[Any]):
    """A screen with a current customer; subclasses say which one."""

    BINDINGS = [
        Binding("e", "edit", N_("Edit"), id="customer.edit"),
        Binding("m,shift+f10", "menu", N_("Menu"), id="customer.menu"),
        Binding("i", "installations", N_("Installations"), id="customer.installations", show=False),
        Binding("o", "locations", N_("Locations"), id="customer.locations", show=False),
        Binding("j", "missions", N_("Missions"), id="customer.missions", show=False),
        Binding("t", "labels", N_("Labels"), id="customer.labels", show=False),
        Binding("delete", "delete", N_("Delete"), id="customer.delete", show=False),
        Binding("g", "merge", N_("Merge with…"), id="customer.merge", show=False),
        Binding("h", "history", N_("History"), id="customer.history", show=False),
        Binding("w", "notes", N_("Notes"), id="customer.notes", show=False),
        Binding("p", "contacts", N_("Contacts"), id="customer.contacts", show=False),
        Binding("v", "sheet", N_("Customer sheet"), id="customer.sheet", show=False),
        Binding("P", "privacy", N_("Personal data…"), id="customer.privacy", show=False),
        Binding("y", "copy", N_("Copy…"), id="customer.copy", show=False),
        Binding("r", "reach", N_("Call, e-mail, map…"), id="customer.reach", show=False),
    ]

    def current_customer_id(self) -> int | None:
        raise NotImplementedError

    def menu_anchor(self) -> Offset:
        return Offset(2, 3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _CUSTOMER_ACTIONS and self.current_customer_id() is None:
            return None  # shown, but dim
        if action == "delete" and not self.custtui.can(Permission.DELETE):
            return None
        if action == "merge" and not self.custtui.can(Permission.MERGE):
            return None
        if action == "privacy" and not self.custtui.can(Permission.PERSONAL_DATA):
            return None
        return True

    # --- actions ---------------------------------------------------------

    def action_edit(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.when_editable("customer", customer_id, lambda: self.navigate(Destination.EDIT, customer_id))

    def action_installations(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.navigate(Destination.INSTALLATIONS, customer_id)

    def action_locations(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.navigate(Destination.LOCATIONS, customer_id)

    def action_missions(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.navigate(Destination.MISSIONS, customer_id)

    def action_labels(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.navigate(Destination.LABELS, customer_id)

    def action_history(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.navigate(Destination.HISTORY, customer_id)

    def action_contacts(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.navigate(Destination.CONTACTS, customer_id)

    def action_sheet(self) -> None:
        """The printable sheet: saved to the downloads folder, or downloaded in the browser (web mode)."""
        customer_id = self.current_customer_id()
        if customer_id is None:
            return
        language = self.custtui.user.language or get_language()

        def deliver(found: tuple[str, str]) -> None:
            page, _language = found
            self._deliver(
                page, f"custtui-sheet-{customer_id}.html", _("Customer sheet"), open_method="browser", mime_type="text/html"
            )

        self.fetch(lambda session: sheet.customer_sheet(session, customer_id, language), deliver, group="customer")

    def action_privacy(self) -> None:
        """Personal data (GDPR): export everything held on the customer, or anonymise it. Office and admin."""
        customer_id = self.current_customer_id()
        if customer_id is None:
            return
        if not self.custtui.can(Permission.PERSONAL_DATA):
            self.notify(_("Your role may not export or anonymise personal data."), severity="warning")
            return
        self.fetch(lambda session: customers.get_customer(session, customer_id), self._privacy_dialog, group="customer")

    def _privacy_dialog(self, customer: Customer) -> None:
        customer_id, version = customer.id or 0, customer.version
        body = assemble(_("Personal data of {name}"), name=Text(safe(shown_name(customer)), style="bold"))
        body.append("\n\n" + _("Export: everything custtui holds on this customer, its history included, as JSON and as text."))
        body.append("\n" + _(
            "Anonymise: the name, contact details, contact persons and notes are removed for good, from the history "
            "too; sites, installations and missions stay, as the regulations require."
        ))  # fmt: skip

        def chosen(choice: str | None) -> None:
            if choice == "export":
                user = self.custtui.user
                self.write(lambda session: gdpr.personal_data(session, user, customer_id), self._deliver_personal_data)
            elif choice == "anonymise":
                self._ask_to_anonymise(customer_id, version, shown_name(customer))

        self.app.push_screen(
            ChoiceDialog(
                _("Personal data"), body,
                [("export", _("Export"), "primary"), ("anonymise", _("Anonymise…"), "error"), ("close", _("Close"), "default")],
                focus="close",
            ),
            chosen,
        )  # fmt: skip

    def _deliver(
        self, text: str, filename: str, name: str, *, open_method: Literal["browser", "download"], mime_type: str | None = None
    ) -> None:
        """A file for the user, as Textual delivers files: a download in web mode; in a terminal, saved to the
        downloads folder where there is one (a server account often has none), else home."""
        downloads = Path(user_downloads_dir())
        self.app.deliver_text(
            io.StringIO(text), save_directory=downloads if downloads.is_dir() else Path.home(), save_filename=filename,
            open_method=open_method, mime_type=mime_type, name=name,
        )  # fmt: skip

    def _deliver_personal_data(self, data: dict[str, Any]) -> None:
        customer_id = data["customer"]["id"]
        for suffix, text in (("json", json.dumps(data, ensure_ascii=False, indent=2)), ("txt", gdpr.personal_data_text(data))):
            self._deliver(text, f"custtui-personal-data-{customer_id}.{suffix}", _("Personal data"), open_method="download")

    def _ask_to_anonymise(self, customer_id: int, version: int, name: str) -> None:
        body = assemble(_("Anonymise {name}?"), name=Text(safe(name), style="bold"))
        body.append("\n" + _("This cannot be undone."))

        def confirmed(choice: str | None) -> None:
            if choice == "yes":
                user = self.custtui.user
                self.write(lambda session: gdpr.anonymise(session, user, customer_id, version), self._anonymised(customer_id))

        self.app.push_screen(ConfirmDialog(_("Anonymise customer"), body, _("Anonymise"), danger=True), confirmed)

    def _anonymised(self, customer_id: int) -> Callable[[int], None]:
        def done(redacted: int) -> None:
            self.notify(
                ngettext(
                    "Customer anonymised; {n} history entry redacted.", "Customer anonymised; {n} history entries redacted.",
                    redacted,
                ).format(n=format_number(redacted))
            )  # fmt: skip
            self.custtui.customers_changed([customer_id])

        return done

    def action_notes(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.navigate(Destination.NOTES, customer_id)

    def action_merge(self) -> None:
        """Merge with…: pick the other records by search, then the wizard."""
        customer_id = self.current_customer_id()
        if customer_id is None:
            return
        if not self.custtui.can(Permission.MERGE):
            self.notify(_("Your role may not merge customers."), severity="warning")
            return

        self.fetch(
            lambda session: shown_name(customers.get_customer(session, customer_id)),
            lambda name: self.navigate(Destination.MERGE_WITH, customer_id, name=name),
            group="customer",
        )

    def action_menu(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is None:
            return
        may_delete = self.custtui.can(Permission.DELETE)
        items = [
            MenuItem("installations", _("&Installations")),
            MenuItem("locations", _("&Locations")),
            MenuItem("missions", _("&Missions")),
            MenuItem("edit", _("&Edit")),
            MenuItem("labels", _("La&bels")),
            MenuItem("contacts", _("&Contacts")),
            MenuItem("notes", _("No&tes")),
            MenuItem("history", _("&History")),
            MenuItem("sheet", _("&Sheet")),
            MenuItem("copy", _("C&opy…")),
            MenuItem("reach", _("C&all, e-mail, map…")),
            MenuItem("privacy", _("&Personal data…"), enabled=self.custtui.can(Permission.PERSONAL_DATA)),
            MenuItem("merge", _("Mer&ge with…"), enabled=self.custtui.can(Permission.MERGE)),
            MenuItem("delete", _("&Delete"), enabled=may_delete),
        ]

        def chosen(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)

        self.app.push_screen(ContextMenu(items, self.menu_anchor()), chosen)

    def action_copy(self) -> None:
        """Copy…: the address, phone or e-mail to the user's clipboard (OSC 52: over SSH too)."""
        self._with_reach(self._copy_menu)

    def action_reach(self) -> None:
        """Call, e-mail, map…: by the user's own programs (mailto:, tel:, a map search)."""
        self._with_reach(self._reach_menu)

    def _with_reach(self, then: Callable[[reach.Reach], object]) -> None:
        customer_id = self.current_customer_id()
        if customer_id is not None:
            self.fetch(lambda session: reach.reach_of(session, customer_id), then, group="customer")

    def _copy_menu(self, found: reach.Reach) -> None:
        values = {"address": found.address, "phone": found.phone, "email": found.email}
        items = [
            MenuItem("address", _("&Address"), enabled=bool(found.address)),
            MenuItem("phone", _("&Phone"), enabled=bool(found.phone)),
            MenuItem("email", _("&E-mail"), enabled=bool(found.email)),
        ]
        said = {
            "address": _("Address copied: {value}"),
            "phone": _("Phone copied: {value}"),
            "email": _("E-mail copied: {value}"),
        }

        def chosen(which: str | None) -> None:
            if which not in values:
                return
            value = values[which]
            if reach.has_control(value):
                self.notify(_("This value cannot be copied."), severity="warning")
                return
            self.app.copy_to_clipboard(value)
            self.notify(said[which].format(value=value))

        self.app.push_screen(ContextMenu(items, self.menu_anchor()), chosen)

    def _reach_menu(self, found: reach.Reach) -> None:
        urls = reach.urls_of(found)
        items = [
            MenuItem("email", _("&E-mail"), enabled="email" in urls),
            MenuItem("call", _("&Call"), enabled="call" in urls),
            MenuItem("map", _("&Map"), enabled="map" in urls),
        ]

        def chosen(which: str | None) -> None:
            if which in urls:
                self.app.open_url(urls[which])

        self.app.push_screen(ContextMenu(items, self.menu_anchor()), chosen)

    def action_delete(self) -> None:
        customer_id = self.current_customer_id()
        if customer_id is None:
            return
        if not self.custtui.can(Permission.DELETE):
            self.notify(_("Your role may not delete customers."), severity="warning")
            return
        self.fetch(
            lambda session: (customers.get_customer(session, customer_id), customers.linked_counts(session, customer_id)),
            lambda found: self._ask_to_delete(customer_id, *found),
            group="customer",
        )

    def _ask_to_delete(self, customer_id: int, customer: Customer, counts: LinkedCounts) -> None:
        reason = delete_refusal_reason(counts)
        if reason:
            body = assemble(_("Customer: {name}"), name=shown_name(customer))  # the name as plain text, never markup
            body.append("\n\n" + reason)

            def after_refusal(choice: str | None) -> None:
                if choice == "merge":
                    self.action_merge()

            self.app.push_screen(
                ChoiceDialog(
                    _("Cannot delete"),
                    body,
                    [("merge", _("Merge instead…"), "primary"), ("close", _("Close"), "default")],
                    focus="close",
                ),
                after_refusal,
            )
            return
        body = assemble(_("Delete the customer {name}?"), name=Text(safe(shown_name(customer)), style="bold"))
        if counts.locations:
            body.append(
                "\n"
                + ngettext(
                    "Its {n} location without installations is deleted too.",
                    "Its {n} locations without installations are deleted too.",
                    counts.locations,
                ).format(n=format_number(counts.locations))
            )
        body.append("\n" + _("This cannot be undone."))
        version = customer.version

        def confirmed(choice: str | None) -> None:
            if choice == "yes":
                self.write(
                    lambda session: customers.delete_customer(session, self.custtui.user, customer_id, version),
                    lambda _nothing: self._deleted(customer_id),
                )

        self.app.push_screen(ConfirmDialog(_("Delete customer"), body, _("Delete"), danger=True), confirmed)

    def _deleted(self, customer_id: int) -> None:
        self.notify(_("Customer deleted."))
        self.custtui.customers_changed([customer_id])
        self.after_delete(customer_id)

    def after_delete(self, customer_id: int) -> None:
        """What happens to this screen when its customer is gone."""
