"""Messages the app sends to its screens."""

from __future__ import annotations

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
