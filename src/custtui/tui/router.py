"""Where a Navigate message leads: the one module that knows the screen classes.

Screens say where the user goes (tui.messages.Navigate) and never import
one another; so the screens stay independent and the tui package has no
import cycle. Flows of more than one screen (pick the records to merge,
then the wizard) are put together here too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from custtui.tui.messages import Destination, Navigate
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.screens.duplicates import DuplicatesScreen
from custtui.tui.screens.help import HelpScreen
from custtui.tui.screens.history import AuditLogScreen, CustomerHistoryScreen
from custtui.tui.screens.installations import InstallationsScreen
from custtui.tui.screens.labels import LabelManagerScreen, LabelPickerScreen
from custtui.tui.screens.locations import LocationsScreen
from custtui.tui.screens.merge_wizard import MergePickerScreen, MergesScreen, MergeWizardScreen
from custtui.tui.screens.missions import MissionsScreen

if TYPE_CHECKING:
    from textual.app import App

_FOR_A_CUSTOMER: dict[Destination, Callable[[int], Screen[Any]]] = {
    Destination.DETAIL: CustomerDetailScreen,
    Destination.EDIT: CustomerFormScreen,
    Destination.INSTALLATIONS: InstallationsScreen,
    Destination.LOCATIONS: LocationsScreen,
    Destination.MISSIONS: MissionsScreen,
    Destination.LABELS: LabelPickerScreen,
    Destination.HISTORY: CustomerHistoryScreen,
}
_OF_THE_DATABASE: dict[Destination, Callable[[], Screen[Any]]] = {
    Destination.CUSTOMER_LIST: CustomerListScreen,
    Destination.DUPLICATES: DuplicatesScreen,
    Destination.MERGES: MergesScreen,
    Destination.AUDIT_LOG: AuditLogScreen,
    Destination.LABEL_MANAGER: LabelManagerScreen,
}


def screen_for(message: Navigate) -> Screen[Any]:
    """The screen `message` asks for."""
    destination, customer_id, options = message.destination, message.customer_id, message.options
    if destination in _FOR_A_CUSTOMER:
        assert customer_id is not None, destination
        return _FOR_A_CUSTOMER[destination](customer_id)
    if destination in _OF_THE_DATABASE:
        return _OF_THE_DATABASE[destination]()
    if destination is Destination.NEW_CUSTOMER:
        return CustomerFormScreen(None, initial_name=options.get("initial_name", ""))
    if destination is Destination.MERGE_WIZARD:
        return MergeWizardScreen(list(options["customer_ids"]))
    if destination is Destination.MERGE_WITH:
        assert customer_id is not None
        return MergePickerScreen(customer_id, options["name"])
    if destination is Destination.HELP:
        return HelpScreen(options["screen"])
    raise ValueError(f"no screen for {destination}")


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
