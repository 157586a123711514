"""Customer data on screen: always plain text, never markup, never raw control codes."""

from __future__ import annotations

import unicodedata

from rich.text import Text

_REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def safe(value: object | None) -> str:
    """The value as displayable text: control characters (ESC above all) replaced."""
    if value is None:
        return ""
    text = str(value)
    if any(unicodedata.category(char) == "Cc" for char in text):
        text = "".join(
            " " if char in "\n\t" else _REPLACEMENT if unicodedata.category(char) == "Cc" else char for char in text
        )
    return text


def plain(value: object | None, style: str = "") -> Text:
    """A Rich Text that shows `value` literally: '[bold]' stays '[bold]'."""
    return Text(safe(value), style=style)


def safe_lines(value: object | None) -> str:
    """Like safe(), but keeps line breaks and tabs, as notes may hold them (a TextArea shows both)."""
    if value is None:
        return ""
    return "".join(
        char if char in "\n\t" or unicodedata.category(char) != "Cc" else _REPLACEMENT for char in str(value)
    )


def multiline(value: object | None) -> Text:
    """Like plain(), but keeps line breaks (notes)."""
    if value is None:
        return Text("")
    return Text("\n".join(safe(line) for line in str(value).split("\n")))
