"""Customer data on screen: always plain text, never markup, never raw control codes."""

from __future__ import annotations

from rich.text import Text

from custtui.safetext import terminal_safe, terminal_safe_lines


def safe(value: object | None) -> str:
    """The value as displayable text: control characters (ESC above all) and bidi controls replaced."""
    return terminal_safe(value)


def plain(value: object | None, style: str = "") -> Text:
    """A Rich Text that shows `value` literally: '[bold]' stays '[bold]'."""
    return Text(safe(value), style=style)


def safe_lines(value: object | None) -> str:
    """Like safe(), but keeps line breaks and tabs, as notes may hold them (a TextArea shows both)."""
    return terminal_safe_lines(value)


def multiline(value: object | None) -> Text:
    """Like plain(), but keeps line breaks (notes)."""
    if value is None:
        return Text("")
    return Text("\n".join(safe(line) for line in str(value).split("\n")))


def customer_line(
    name: str, customer_number: str | None, postal_code: str = "", city: str = "", customer_id: int | None = None
) -> Text:
    """A customer as lists of candidates show one: the name, then what tells namesakes apart, dim."""
    line = Text(safe(name))
    place = " ".join(part for part in (safe(postal_code), safe(city)) if part)
    details = [part for part in (safe(customer_number), place) if part]
    if customer_id is not None:
        details.append(f"#{customer_id}")
    if details:
        line.append("  " + " · ".join(details), style="dim")
    return line


def label_text(name: str, colour: str, *, no_color: bool = False) -> Text:
    """A label's name in its colour; without colour (NO_COLOR) in the plain text colour, never grey on grey."""
    return Text(safe(name), style="" if no_color else colour)
