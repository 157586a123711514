"""The errors custtui raises on purpose, and what to tell the user about one.

Their messages are already translated and meant for the user. This module
sits below db and services (it imports only i18n), so that both raise the
same family, and the CLI, the app and the screens say it the same way
(user_message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from custtui.i18n import _


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseProblem(DomainError):
    """The database refused or failed a unit of work; nothing of it was saved.

    `kind` is one of busy, read_only, disk_full, corrupt, unreachable, other.
    """

    def __init__(self, message: str, kind: str, read_message: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        # For a screen that was only reading: "nothing was saved" would puzzle there.
        self.read_message = read_message or message


class DatabaseUnusable(DatabaseProblem):
    """The database cannot be opened at all: no URL, no folder, no driver, a broken schema."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "unusable")


class HalfMigrated(DatabaseUnusable):
    """A SQLite database left half-upgraded by an older custtui, and not safely repairable."""


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class UnknownUser(DomainError):
    """The OS login that runs custtui is not a user of this database."""

    def __init__(self, login: str, *, no_admin_yet: bool = False) -> None:
        if no_admin_yet:
            message = _(
                "User '{login}' is not allowed to use this database: it has no admin yet. The account that "
                "created it becomes admin by using it, or an administrator names one with: custtui init --admin LOGIN"
            ).format(login=login)
        else:
            message = _(
                "User '{login}' is not allowed to use this database. "
                "Ask an administrator to run: custtui users add {login} --role technician"
            ).format(login=login)
        super().__init__(message)
        self.login = login


class ValidationError(DomainError):
    """One or more fields are invalid; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(
            "\n".join(_("{column}: {message}").format(column=name, message=message) for name, message in self.errors.items())
        )


class ConflictError(DomainError):
    """Someone else saved the record meanwhile; both versions are kept for the user."""

    def __init__(self, entity: str, entity_id: int, mine: dict[str, Any], theirs: dict[str, Any] | None) -> None:
        self.entity = entity
        self.entity_id = entity_id
        self.mine = mine
        self.theirs = theirs  # None when the record was deleted meanwhile
        if theirs is None:
            message = _("This record was deleted by someone else meanwhile.")
        else:
            message = _(
                "Someone else changed this record meanwhile (version {theirs}, you edited version {mine})."
            ).format(theirs=theirs.get("version"), mine=mine.get("version"))
        super().__init__(message)

    @property
    def changed_fields(self) -> list[str]:
        """Fields whose stored value differs from what the user is saving."""
        if self.theirs is None:
            return []
        return [
            key
            for key, value in self.mine.items()
            if key not in ("version", "updated_at") and key in self.theirs and self.theirs[key] != value
        ]


@dataclass
class LinkedCounts:
    locations: int = 0
    installations: int = 0
    missions: int = 0

    @property
    def total(self) -> int:
        return self.locations + self.installations + self.missions


class DeleteRefused(DomainError):
    """A delete that would orphan linked data; `counts` says what is linked."""

    def __init__(self, message: str, counts: LinkedCounts) -> None:
        super().__init__(message)
        self.counts = counts


def user_message(error: DomainError, *, reading: bool = False, field_names: bool = False) -> str:
    """What to tell the user about `error`.

    `reading`: the screen was only reading, where "nothing was saved" would
    puzzle. `field_names`: say which field each message is about, where no
    form marks the field (the command line).
    """
    if isinstance(error, ValidationError) and not field_names:
        return " ".join(error.errors.values())
    if reading and isinstance(error, DatabaseProblem):
        return error.read_message
    return error.message
