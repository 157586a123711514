"""Messages between the app and its screens."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from textual.message import Message


class CustomersChanged(Message):
    """Customers were created, edited, labelled, moved or deleted (ids), or all (None)."""

    def __init__(self, customer_ids: list[int] | None) -> None:
        super().__init__()
        self.customer_ids = customer_ids


class SearchIndexReady(Message):
    """The search index finished building (or was refreshed)."""


class DatabaseChanged(Message):
    """Another connection committed something (posted from the watcher thread)."""


class Destination(StrEnum):
    """The screens a user can go to; tui.router opens them."""

    CUSTOMER_LIST = "customer_list"
    DETAIL = "detail"
    NEW_CUSTOMER = "new_customer"  # options: initial_name
    EDIT = "edit"
    INSTALLATIONS = "installations"
    LOCATIONS = "locations"
    MISSIONS = "missions"
    LABELS = "labels"
    BULK_LABELS = "bulk_labels"  # options: customer_ids (the list's ticked customers)
    HISTORY = "history"
    NOTES = "notes"  # the customer's notes journal
    CONTACTS = "contacts"  # the customer's contact persons
    MERGE_WITH = "merge_with"  # options: name; pick the others by search, then the wizard
    MERGE_WIZARD = "merge_wizard"  # options: customer_ids
    DUPLICATES = "duplicates"
    MERGES = "merges"
    AUDIT_LOG = "audit_log"
    LABEL_MANAGER = "label_manager"
    IMPORT = "import"  # customers from a CSV or XLSX file
    RECENT = "recent"  # the customers the user opened last; returns the one chosen
    PERMISSIONS = "permissions"  # who edits what (admins)
    HELP = "help"  # options: screen (whose keys)


class Navigate(Message):
    """Open a screen: what, for which customer, and what to do with its result.

    Screens post it and never import each other; the app hands it to the
    router, the one module that knows the screen classes.
    """

    def __init__(
        self,
        destination: Destination,
        customer_id: int | None = None,
        *,
        on_result: Callable[[Any], None] | None = None,
        **options: Any,
    ) -> None:
        super().__init__()
        self.destination = destination
        self.customer_id = customer_id
        self.on_result = on_result
        self.options = options
