"""Why a merge, or its undo, is refused."""

from __future__ import annotations

from collections.abc import Sequence

from custtui.errors import DomainError


class MergeRefused(DomainError):
    """The request itself is not possible (fewer than two records, a bad choice...)."""


class StalePlan(DomainError):
    """A record changed between planning and applying; `customer_ids` names them."""

    def __init__(self, message: str, customer_ids: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.customer_ids = list(customer_ids)


class UndoRefused(DomainError):
    """The merge cannot be undone exactly; `problems` says which records, one line each."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)
