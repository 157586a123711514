"""A customer's contact persons: who they are (owner, tenant, property manager…), where, and how to reach them."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Label, Select, Static, TextArea

from custtui.errors import DomainError
from custtui.i18n import LANGUAGES, N_, _, language_name
from custtui.models import ContactRole, stored_id
from custtui.services import contacts, customers, locations, normalise
from custtui.services.addresses import address_line
from custtui.services.contacts import ContactEntry, ContactInput
from custtui.tui.faults import report
from custtui.tui.sublist_screen import CustomerSubScreen, fitted
from custtui.tui.text import assemble, contact_role_name, plain, safe, safe_lines, shown_value
from custtui.tui.widgets.dialogs import ConfirmDialog, EditScreen
from custtui.tui.widgets.stock import Header

CONTACT_FIELDS = ("name", "role", "location_id", "phone", "mobile", "email", "language", "notes")
_WHOLE_CUSTOMER = ""  # the site choice: the customer as a whole
_NO_LANGUAGE = ""


def contact_titles() -> dict[str, str]:
    return {
        "name": _("Name"),
        "role": _("Role"),
        "location_id": _("Site"),
        "phone": _("Phone"),
        "mobile": _("Mobile"),
        "email": _("E-mail"),
        "language": _("Language"),
        "notes": _("Notes"),
    }


def contact_columns() -> list[tuple[str, str, int]]:
    """The contacts table's columns (title, key, width): 79 cells with their padding, within 80."""
    return [(_("Name"), "name", 20), (_("Role"), "role", 15), (_("Site"), "site", 12), (_("Phone"), "phone", 16)]


class ContactFormScreen(EditScreen):
    """Add or edit one contact; returns its id when saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="contact_form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="contact_form.cancel"),
    ]

    def __init__(self, customer_id: int, contact_id: int | None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.contact_id = contact_id
        self._stands_for: dict[str, tuple[str, str]] = {}  # phone fields: (as shown, as stored)

    def compose(self) -> ComposeResult:
        titles = contact_titles()
        yield Header()
        with VerticalScroll(id="contact-fields"):
            for field in CONTACT_FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(titles[field], classes="form-label")
                    if field == "role":
                        options = [(contact_role_name(role.value), role.value) for role in ContactRole]
                        yield Select(options, id=field, compact=True, allow_blank=False, value=ContactRole.OTHER.value)
                    elif field == "location_id":
                        yield Select(
                            [(_("The customer as a whole"), _WHOLE_CUSTOMER)], id=field, compact=True, allow_blank=False
                        )
                    elif field == "language":
                        options = [(_("Not given"), _NO_LANGUAGE), *((language_name(code), code) for code in LANGUAGES)]
                        yield Select(options, id=field, compact=True, allow_blank=False, value=_NO_LANGUAGE)
                    elif field == "notes":
                        yield TextArea(id=field, compact=True, soft_wrap=True)
                    else:
                        yield Input(id=field, compact=True, select_on_focus=False)
                yield Static("", classes="form-error", id=f"error-{field}")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        customer_id, contact_id = self.customer_id, self.contact_id

        def read(session: Any) -> tuple[list[Any], ContactInput, str]:
            sites = locations.locations_of(session, customer_id)
            data = ContactInput() if contact_id is None else ContactInput.from_contact(contacts.get_contact(session, contact_id))
            region = customers.get_customer(session, customer_id).region_code
            return sites, data, normalise.customer_country(region)

        self.fetch(read, self._show, on_error=self._not_read)

    def _not_read(self, error: DomainError) -> None:
        report(self.custtui, error, reading=True)
        self._saved = True
        self.dismiss(None)

    def _show(self, found: tuple[list[Any], ContactInput, str]) -> None:
        sites, data, customer_country = found
        options = [(_("The customer as a whole"), _WHOLE_CUSTOMER)]
        countries = {str(site.id): site.country for site in sites}
        for site in sites:
            options.append((safe(site.name or address_line(site)) or _("Location {id}").format(id=site.id), str(site.id)))
        self.query_one("#location_id", Select).set_options(options)
        country = countries.get(str(data.location_id), customer_country)
        for field in CONTACT_FIELDS:
            widget = self.query_one(f"#{field}")
            value = getattr(data, field)
            if isinstance(widget, Select):
                widget.value = str(value) if value is not None else (_WHOLE_CUSTOMER if field == "location_id" else _NO_LANGUAGE)
            elif isinstance(widget, TextArea):
                widget.text = safe_lines(value)
            elif isinstance(widget, Input):
                shown = shown_value("phone", value, country) if field in ("phone", "mobile") else safe(value)
                if field in ("phone", "mobile") and value:
                    self._stands_for[field] = (shown, value)  # typed back unchanged: the stored number
                widget.value = shown
        self.sub_title = _("Edit contact") if self.contact_id else _("New contact")
        self._initial = self.values()
        self.query_one("#name", Input).focus()

    def values(self) -> dict[str, str]:
        result = {}
        for field in CONTACT_FIELDS:
            widget = self.query_one(f"#{field}")
            if isinstance(widget, Select):
                result[field] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, TextArea):
                result[field] = widget.text
            elif isinstance(widget, Input):
                result[field] = widget.value
        return result

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self, event: Input.Changed | TextArea.Changed) -> None:
        self.clear_error((event.input if isinstance(event, Input.Changed) else event.text_area).id or "")

    def action_save(self) -> None:
        values = self.values()
        for field, (shown, stored) in self._stands_for.items():
            if values[field] == shown:
                values[field] = stored
        data = ContactInput(
            name=values["name"],
            role=values["role"],
            location_id=int(values["location_id"]) if values["location_id"] else None,
            phone=values["phone"] or None,
            mobile=values["mobile"] or None,
            email=values["email"] or None,
            language=values["language"] or None,
            notes=values["notes"] or None,
        )
        user, customer_id, contact_id = self.custtui.user, self.customer_id, self.contact_id

        def save(session: Any) -> int:
            if contact_id is None:
                return stored_id(contacts.add_contact(session, user, customer_id, data))
            return stored_id(contacts.update_contact(session, user, contact_id, data))

        self.write(save, self._after_save, on_error=self.not_saved)

    def _after_save(self, saved: int) -> None:
        self._saved = True
        self.notify(_("Contact saved."))
        self.custtui.customers_changed([self.customer_id])
        self.dismiss(saved)


class ContactsScreen(CustomerSubScreen):
    """The customer's contacts by name; the highlighted one's details below the list."""

    BINDINGS = [
        Binding("n", "add", N_("Add"), id="contacts.add"),
        Binding("e,enter", "edit", N_("Edit"), id="contacts.edit"),
        Binding("delete", "delete", N_("Delete"), id="contacts.delete"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__(customer_id)
        self._entries: dict[str, ContactEntry] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sub-title")
        yield DataTable(id="sub-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="sub-empty")
        with VerticalScroll(id="contact-full"):
            yield Static(id="contact-text")
        yield Footer(compact=True, show_command_palette=False)

    def title_text(self) -> str:
        return _("Contacts")

    def setup_columns(self, table: DataTable[Any]) -> None:
        for title, key, width in contact_columns():
            table.add_column(title, key=key, width=width)

    def read(self, session: Any) -> tuple[list[ContactEntry], str]:
        region = customers.get_customer(session, self.customer_id).region_code
        return contacts.contacts_of(session, self.customer_id), normalise.customer_country(region)

    def fill(self, table: DataTable[Any], data: tuple[list[ContactEntry], str]) -> int:
        rows, self._country = data
        self._entries = {str(entry.id): entry for entry in rows}
        for entry in rows:
            phone = entry.mobile or entry.phone
            table.add_row(
                *fitted(
                    table,
                    plain(entry.name),
                    contact_role_name(entry.role),
                    plain(entry.location_name),
                    shown_value("phone", phone, self._country),
                ),
                key=str(entry.id),
            )
        if not rows:
            self.query_one("#contact-text", Static).update("")
        return len(rows)

    def empty_text(self) -> str:
        return _("No contacts yet: press n to add one.")

    @on(DataTable.RowHighlighted, "#sub-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = self._entries.get(str(event.row_key.value))
        if entry is None:
            return
        text = assemble(_("{name} · {role}"), name=entry.name, role=contact_role_name(entry.role))
        text.stylize("bold")
        lines = [
            (_("Site: {location}"), entry.location_name),
            (_("Phone: {value}"), shown_value("phone", entry.phone, self._country) if entry.phone else ""),
            (_("Mobile: {value}"), shown_value("phone", entry.mobile, self._country) if entry.mobile else ""),
            (_("E-mail: {value}"), entry.email or ""),
            (_("Language: {value}"), language_name(entry.language) if entry.language else ""),
        ]
        for template, value in lines:
            if value:
                key = "location" if "{location}" in template else "value"
                text.append("\n").append_text(assemble(template, **{key: value}))
        if entry.notes:
            text.append("\n\n").append(safe_lines(entry.notes))
        self.query_one("#contact-text", Static).update(text)

    def _selected(self) -> ContactEntry | None:
        key = self.selected_key()
        return self._entries.get(key) if key is not None else None

    # A contact is the customer's: adding, changing or deleting one is editing the customer.
    def action_add(self) -> None:
        self.when_editable("customer", self.customer_id, lambda: self.app.push_screen(ContactFormScreen(self.customer_id, None)))

    def action_edit(self) -> None:
        entry = self._selected()
        if entry is not None:
            contact_id = entry.id
            self.when_editable(
                "customer", self.customer_id, lambda: self.app.push_screen(ContactFormScreen(self.customer_id, contact_id))
            )

    def action_delete(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        body = assemble(_("Delete the contact {name}?"), name=entry.name)
        body.append("\n" + _("This cannot be undone."))

        def confirmed(choice: str | None) -> None:
            if choice == "yes":
                self.write(
                    lambda session: contacts.delete_contact(session, self.custtui.user, entry.id),
                    lambda _nothing: self._deleted(),
                )

        self.when_editable(
            "customer",
            self.customer_id,
            lambda: self.app.push_screen(ConfirmDialog(_("Delete contact"), body, _("Delete"), danger=True), confirmed),
        )

    def _deleted(self) -> None:
        self.notify(_("Contact deleted."))
        self.custtui.customers_changed([self.customer_id])
