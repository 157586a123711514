"""Screen classes whose key descriptions follow the current UI language.

Bindings are declared with N_("…") (the English message id) and translated
each time the footer, the help screen or the command palette reads them, so
switching the language at run time (f2) needs no re-import of any class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from textual import screen as textual_screen
from textual.binding import ActiveBinding

from custtui.i18n import _
from custtui.tui.messages import Destination, Navigate

if TYPE_CHECKING:
    from custtui.tui.app import CusttuiApp

ResultType = TypeVar("ResultType")


def localised(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The same bindings with their descriptions in the UI language."""
    result = {}
    for key, active in bindings.items():
        binding = active.binding
        if binding.description and binding.id:  # ours carry an id; Textual's own stay as they are
            binding = replace(binding, description=_(binding.description))
        result[key] = active._replace(binding=binding)
    return result


class Screen(textual_screen.Screen[ResultType]):
    """Our screens: localised keys, and a replica in another language (f2)."""

    # True while the screen loads what the next typed key acts on: keys typed
    # ahead wait for it (tui.typeahead), as they would for a user watching.
    waiting_for_data = False

    @property
    def custtui(self) -> CusttuiApp:
        """The app, typed: engine, user, indexes, db()."""
        return self.app  # type: ignore[return-value]

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        instance = super().__new__(cls)
        # Kept so that the screen can be built again after a language switch.
        instance._rebuild_with = (args, kwargs)
        return instance

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localised(super().active_bindings)

    def navigate(
        self, destination: Destination, customer_id: int | None = None, *,
        on_result: Callable[[Any], None] | None = None, **options: Any,
    ) -> None:
        """Go to another screen (tui.router opens it); `on_result` gets what it returns."""
        self.post_message(Navigate(destination, customer_id, on_result=on_result, **options))

    def capture_state(self) -> Any:
        """What the user would lose if this screen were built again (input, cursor)."""
        return None

    def restore_state(self, state: Any) -> None:
        """Put back what capture_state() returned, once the new screen is mounted."""

    def replica(self) -> Screen[Any]:
        """The same screen, built again (in the current language), with its state."""
        args, kwargs = self._rebuild_with  # type: ignore[attr-defined]
        copy = type(self)(*args, **kwargs)
        copy._state_to_restore = self.capture_state()  # type: ignore[attr-defined]
        return copy

    def on_mount(self) -> None:
        # Textual runs the subclasses' on_mount first: the screen is filled by now.
        state = getattr(self, "_state_to_restore", None)
        if state is not None:
            self._state_to_restore = None
            self.restore_state(state)


class ModalScreen(textual_screen.ModalScreen[ResultType]):
    @property
    def custtui(self) -> CusttuiApp:
        return self.app  # type: ignore[return-value]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localised(super().active_bindings)

    def navigate(
        self, destination: Destination, customer_id: int | None = None, *,
        on_result: Callable[[Any], None] | None = None, **options: Any,
    ) -> None:
        """Go to another screen (tui.router opens it); `on_result` gets what it returns."""
        self.post_message(Navigate(destination, customer_id, on_result=on_result, **options))
