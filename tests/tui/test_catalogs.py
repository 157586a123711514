"""The message catalogs: current with the code, complete, and safe to format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from custtui.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
KEYWORDS = {"_": None, "N_": None, "NP_": ((1, "c"), 2), "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[a-z]|%[sdr]")
MENUS = {
    "context menu": [
        "&Installations", "&Locations", "&Missions", "&Edit", "La&bels", "&Contacts",
        "No&tes", "&History", "&Sheet", "C&opy…", "C&all, e-mail, map…", "&Personal data…", "Mer&ge with…", "&Delete",
    ],
    "copy menu": ["&Address", "&Phone", "&E-mail"],
    "contact menu": ["&E-mail", "&Call", "&Map"],
    "sort menu": ["&Name", "&Internal name", "N&umber", "&Region", "L&anguage", "La&bels", "In&stallations", "&Missions"],
}


def _key(message_id: object, context: str | None) -> tuple[str | None, str]:
    first = message_id[0] if isinstance(message_id, tuple) else message_id
    return context, str(first)


def _code_messages() -> set[tuple[str | None, str]]:
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "src"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(_key(message, context))
    return found


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALES / language / "LC_MESSAGES" / "custtui.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_template_is_current() -> None:
    with (LOCALES / "custtui.pot").open("rb") as handle:
        template = {_key(m.id, m.context) for m in read_po(handle) if m.id}
    missing = _code_messages() - template
    assert not missing, f"run pybabel extract (see README): {sorted(missing, key=str)[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_safe(language: str) -> None:
    catalog = _catalog(language)
    code = _code_messages()
    ids = {_key(m.id, m.context) for m in catalog if m.id}
    assert code <= ids, f"run pybabel update: {sorted(code - ids, key=str)[:10]}"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids_ = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(set(PLACEHOLDER.findall(ids_[-1])))
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        for text in strings:
            if not text:
                problems.append(("untranslated", message.id))
            elif sorted(set(PLACEHOLDER.findall(text))) != wanted:
                problems.append(("placeholders", message.id, text))
            elif text.count("&") != ids_[0].count("&"):
                problems.append(("accelerator", message.id, text))
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_menu_accelerators_are_distinct(language: str) -> None:
    catalog = _catalog(language)
    for menu, items in MENUS.items():
        letters = []
        for item in items:
            text = catalog.get(item).string or item
            letters.append(text[text.index("&") + 1].lower())
        assert len(set(letters)) == len(letters), f"{language} {menu}: {letters}"
