"""Screen classes whose key descriptions follow the current UI language.

Bindings are declared with N_("…") (the English message id) and translated
each time the footer, the help screen or the command palette reads them, so
switching the language at run time (f2) needs no re-import of any class.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from textual import screen as textual_screen
from textual.binding import ActiveBinding

from custtui.i18n import _

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
    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localised(super().active_bindings)


class ModalScreen(textual_screen.ModalScreen[ResultType]):
    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localised(super().active_bindings)
