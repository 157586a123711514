"""The binding ids a keymap may name: every Binding of custtui's screens, dialogs and widgets."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module

from textual.binding import Binding

import custtui.tui


def binding_ids() -> dict[str, Binding]:
    """Binding id -> the binding as custtui ships it, from every module of custtui.tui (imported now)."""
    found: dict[str, Binding] = {}
    for module_info in pkgutil.walk_packages(custtui.tui.__path__, prefix="custtui.tui."):
        module = import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for binding in getattr(cls, "BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    found.setdefault(binding.id, binding)
    return found
