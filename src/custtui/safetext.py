"""User and file data made safe for a terminal: one place, for the CLI, the TUI and validation.

A terminal obeys what it is sent: ESC starts CSI and OSC sequences (window
title, OSC 8 links, OSC 52 clipboard writes), the C1 controls U+0080-U+009F
are the same commands in one character, and the Unicode bidi controls
reorder what follows ("Peeters \u202egnitaeH" shows as "Peeters Heating").
Data is shown, never obeyed: each such character becomes a visible U+FFFD,
and the line and paragraph separators U+2028/U+2029 become spaces.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"

# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the
# Arabic letter mark. The plain LRM/RLM marks (U+200E/U+200F) only nudge
# neutral characters and cannot hide text; names in RTL scripts may need them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
LINE_SEPARATORS = frozenset("\u2028\u2029")

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u061c\u2028\u2029\ud800-\udfff]"
)
_UNSAFE_KEEP_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u061c\u2028\u2029\ud800-\udfff]"
)


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    if char in LINE_SEPARATORS or char in "\n\t":
        return " "
    return REPLACEMENT


def terminal_safe(value: object | None) -> str:
    """One line of text that a terminal only shows: controls, escapes and bidi controls made visible."""
    if value is None:
        return ""
    return _UNSAFE.sub(_replace, str(value))


def terminal_safe_lines(value: object | None) -> str:
    """Like terminal_safe(), but line breaks and tabs stay (notes, multi-line messages)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n")
    return _UNSAFE_KEEP_LINES.sub(_replace, text)


def json_for_terminal(payload: Any) -> str:
    """JSON with every unsafe character as a \\uXXXX escape: the same data, shown safely."""
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    # json escapes C0 controls inside strings already (the raw line breaks are
    # its indentation); C1, bidi and separators pass raw with ensure_ascii=False.
    return _UNSAFE_KEEP_LINES.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
