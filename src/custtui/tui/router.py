"""Where a Navigate message leads: the one module that knows the screen classes.

Screens say where the user goes (tui.messages.Navigate) and never import
one another; so the screens stay independent and the tui package has no
import cycle. Flows of more than one screen (pick the records to merge,
then the wizard) are put together here too.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from custtui.tui.messages import Destination, Navigate

if TYPE_CHECKING:
    from textual.app import App

# Each screen's module (in custtui.tui.screens) is imported when the screen is first
# opened: a start imports the list's alone (the form's duplicate warning loads numpy).
_FOR_A_CUSTOMER: dict[Destination, tuple[str, str]] = {
    Destination.DETAIL: ("customer_detail", "CustomerDetailScreen"),
    Destination.EDIT: ("customer_form", "CustomerFormScreen"),
    Destination.INSTALLATIONS: ("installations", "InstallationsScreen"),
    Destination.LOCATIONS: ("locations", "LocationsScreen"),
    Destination.MISSIONS: ("missions", "MissionsScreen"),
    Destination.LABELS: ("labels", "LabelPickerScreen"),
    Destination.HISTORY: ("history", "CustomerHistoryScreen"),
    Destination.NOTES: ("notes", "NotesScreen"),
    Destination.CONTACTS: ("contacts", "ContactsScreen"),
}
_OF_THE_DATABASE: dict[Destination, tuple[str, str]] = {
    Destination.CUSTOMER_LIST: ("customer_list", "CustomerListScreen"),
    Destination.DUPLICATES: ("duplicates", "DuplicatesScreen"),
    Destination.MERGES: ("merge_wizard", "MergesScreen"),
    Destination.AUDIT_LOG: ("history", "AuditLogScreen"),
    Destination.LABEL_MANAGER: ("labels", "LabelManagerScreen"),
    Destination.IMPORT: ("import_customers", "ImportScreen"),
    Destination.RECENT: ("recent", "RecentCustomersScreen"),
    Destination.PERMISSIONS: ("permissions", "PermissionsScreen"),
}


def screen_class(module: str, name: str) -> Any:
    """The screen class `name` of custtui.tui.screens.`module`, imported now if it was not yet."""
    return getattr(import_module(f"custtui.tui.screens.{module}"), name)


def screen_for(message: Navigate) -> Screen[Any]:
    """The screen `message` asks for."""
    destination, customer_id, options = message.destination, message.customer_id, message.options
    screen: Screen[Any]
    if destination in _FOR_A_CUSTOMER:
        assert customer_id is not None, destination
        screen = screen_class(*_FOR_A_CUSTOMER[destination])(customer_id)
    elif destination in _OF_THE_DATABASE:
        screen = screen_class(*_OF_THE_DATABASE[destination])()
    elif destination is Destination.NEW_CUSTOMER:
        screen = screen_class("customer_form", "CustomerFormScreen")(None, initial_name=options.get("initial_name", ""))
    elif destination is Destination.BULK_LABELS:
        screen = screen_class("labels", "BulkLabelScreen")(list(options["customer_ids"]))
    elif destination is Destination.MERGE_WIZARD:
        screen = screen_class("merge_wizard", "MergeWizardScreen")(list(options["customer_ids"]))
    elif destination is Destination.MERGE_WITH:
        assert customer_id is not None
        screen = screen_class("merge_wizard", "MergePickerScreen")(customer_id, options["name"])
    elif destination is Destination.HELP:
        screen = screen_class("help", "HelpScreen")(options["screen"])
    else:
        raise ValueError(f"no screen for {destination}")
    return screen


def open_screen(app: App[Any], message: Navigate) -> None:
    """Push the screen `message` asks for, with its result going where the message says."""
    screen = screen_for(message)
    on_result = message.on_result
    if message.destination is Destination.MERGE_WITH:
        first = message.customer_id

        def picked(others: list[int] | None) -> None:
            if others:
                app.post_message(Navigate(Destination.MERGE_WIZARD, customer_ids=[first, *others]))

        on_result = picked
    app.push_screen(screen, on_result)
