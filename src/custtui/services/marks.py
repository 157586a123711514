"""The ERROR mark: a record that must no longer be used (merged into another, or marked so by hand).

Offices mark a wrong or replaced customer by putting ERROR before its name;
a merge does the same to the records it empties. Such records are no one's
duplicate and no candidate for anything.
"""

from __future__ import annotations

from functools import cache

from custtui.i18n import LANGUAGES, _, _load, get_language


def error_prefixes() -> set[str]:
    """The ERROR word in the UI language and in every catalog (a record is never marked twice)."""
    return set(_error_words(get_language()))


@cache
def _error_words(language: str) -> frozenset[str]:

    words = {_("ERROR"), "ERROR"} | {_load(code).gettext("ERROR") for code in LANGUAGES}
    return frozenset(word.strip() for word in words if word.strip())


def is_marked_error(name: str | None) -> bool:
    """'ERROR Bakkerij Peeters' (in any language) is marked; "Error Solutions BV" is a name (case counts)."""
    stripped = (name or "").strip()
    for word in error_prefixes():
        if stripped == word or (stripped.startswith(word) and not stripped[len(word)].isalnum()):
            return True
    return False


def mark_error(name: str) -> str:
    """'Bakkerij Peeters' -> 'ERROR Bakkerij Peeters' (in the UI language); unchanged when already marked."""
    if is_marked_error(name):
        return name
    return f"{_('ERROR')} {name}"[:200]
