"""Search's own folding, for speed: lower case, no accents, punctuation as spaces; phone keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# ---------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------

# Letters that Unicode decomposition does not split into a base letter + accent.
_SPECIAL_LETTERS = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"}
_SPECIAL_RE = re.compile("[" + "".join(_SPECIAL_LETTERS) + "]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NON_WORD = re.compile(r"[^\w\n]+")  # keeps line breaks, which separate the values in fold_many
_LINE_EDGES = re.compile(r" ?\n ?")
# ASCII: letters and digits lowercased, line breaks kept, anything else a space.
_ASCII_TABLE = bytes(
    ord(chr(c).lower()) if c < 128 and chr(c).isalnum() else 10 if c == 10 else 32 for c in range(256)
)
_ASCII_SPACES = re.compile(rb"  +")
_ASCII_LINE_EDGES = re.compile(rb" ?\n ?")


def _fold_unicode(text: str) -> str:
    """Fold one string, or several joined with line breaks."""
    text = _SPECIAL_RE.sub(lambda m: _SPECIAL_LETTERS[m.group()], text.casefold())  # casefold: "ß" -> "ss"
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).replace("_", " ")
    return _LINE_EDGES.sub("\n", _NON_WORD.sub(" ", text)).strip(" ")


def _fold_ascii(text: str) -> str:
    folded = _ASCII_SPACES.sub(b" ", text.encode("ascii").translate(_ASCII_TABLE))
    return _ASCII_LINE_EDGES.sub(b"\n", folded).strip(b" ").decode("ascii")


def fold(text: str | None) -> str:
    """Lowercase, without accents ("Müller" -> "muller", "ß" -> "ss"), punctuation as single spaces."""
    if not text:
        return ""
    text = " ".join(text.split())  # line breaks too
    return _fold_ascii(text) if text.isascii() else _fold_unicode(text)


def fold_many(values: Sequence[str | None]) -> list[str]:
    """fold() of each value, on joined strings: many times faster than one by one."""
    texts = [value or "" for value in values]
    if any("\n" in text or "\r" in text for text in texts):
        return [fold(text) for text in texts]
    result = [""] * len(texts)
    plain = [i for i, text in enumerate(texts) if text.isascii()]
    other = [i for i, text in enumerate(texts) if not text.isascii()]
    for indexes, folder in ((plain, _fold_ascii), (other, _fold_unicode)):
        if indexes:
            for i, folded in zip(indexes, folder("\n".join(texts[i] for i in indexes)).split("\n"), strict=True):
                result[i] = folded
    return result


_NON_DIGITS = re.compile(r"\D+")
_NON_DIGITS_KEEP_LINES = re.compile(r"[^\d\n]+")
# Country code -> trunk prefix used inside the country.
_TRUNK = (("352", ""), ("32", "0"), ("31", "0"), ("33", "0"), ("49", "0"))


def _digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def digits_of_many(values: Sequence[str]) -> list[str]:
    return _NON_DIGITS_KEEP_LINES.sub("", "\n".join(values)).split("\n") if values else []


def phone_key(phone: str, digits: str | None = None) -> str:
    """The digits of a phone number in national form: '+32 470/12.34.56' -> '0470123456'."""
    stripped = phone.strip()
    if digits is None:
        digits = _digits(stripped)
    if stripped.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return digits
    for code, trunk in _TRUNK:
        if international.startswith(code):
            return trunk + international[len(code):]
    return international
