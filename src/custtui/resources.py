"""Where styles/ and locales/ are: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` (styles or locales), installed or from the checkout."""
    installed = _PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    # Editable install: the package is src/custtui, the folder is two levels up.
    return _PACKAGE_DIR.parent.parent / name
