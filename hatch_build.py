"""Compile the message catalogs (locales/*/LC_MESSAGES/*.po) into .mo files inside the wheel.

The .mo files are build products: never committed, always made from the
.po files of the commit being built. An editable install reads the .po
files directly (custtui.i18n compiles them in memory).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        output = Path(tempfile.mkdtemp(prefix="custtui-mo-"))
        for po in sorted(Path(self.root, "locales").glob("*/LC_MESSAGES/*.po")):
            language = po.parent.parent.name
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            mo = output / language / f"{po.stem}.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            build_data["force_include"][str(mo)] = f"custtui/locales/{language}/LC_MESSAGES/{po.stem}.mo"
