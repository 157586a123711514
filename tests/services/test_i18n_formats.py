"""Dates, numbers and shares in each language: four-digit years, the locale's decimal comma and spacing."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from custtui import i18n
from custtui.i18n import (
    LANGUAGES,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_seconds,
    four_digit_years,
    join_clauses,
    set_language,
)

SOURCE = Path(__file__).resolve().parents[2] / "src" / "custtui"
# A day, a month and a year that no part of a date can be mistaken for: 2007-08-09.
DAY = date(2007, 8, 9)
MOMENT = datetime(2007, 8, 9, 10, 11)
NAMED = ("short", "medium", "long", "full")


def _formats_used(function: str, default: str) -> set[str]:
    """The format argument of every call of `function` in the program (its default when none is given)."""
    used = set()
    call = re.compile(rf"\b{function}\((?P<args>[^()]*(?:\([^()]*\)[^()]*)*)\)")
    for path in SOURCE.rglob("*.py"):
        for match in call.finditer(path.read_text(encoding="utf-8")):
            args = match.group("args")
            if args.startswith(("value", "datetime")) or "def " in args:
                continue
            named = re.search(r"""['"](short|medium|long|full)['"]""", args)
            used.add(named.group(1) if named else default)
    return used


def test_the_formats_the_program_uses_are_the_ones_checked_here() -> None:
    assert _formats_used("format_date", "medium") <= set(NAMED)
    assert _formats_used("format_datetime", "short") <= set(NAMED)
    assert _formats_used("format_date", "medium") >= {"short", "medium"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("territory", [None, "BE", "NL", "DE", "FR", "US", "AT", "CH", "LU"])
def test_every_date_and_datetime_shows_a_four_digit_year(
    monkeypatch: pytest.MonkeyPatch, language: str, territory: str | None
) -> None:
    if territory:
        monkeypatch.setenv("LANG", f"{language}_{territory}.UTF-8")
    set_language(language)
    for format in (*_formats_used("format_date", "medium"), *NAMED):
        shown = format_date(DAY, format)
        assert "2007" in shown, (language, territory, format, shown)
    for format in (*_formats_used("format_datetime", "short"), "short", "medium", "long"):
        shown = format_datetime(MOMENT, format)
        assert "2007" in shown, (language, territory, format, shown)


@pytest.mark.parametrize(
    ("language", "short"),
    [("fr", "9/08/2007"), ("de", "09.08.2007"), ("nl", "9/08/2007"), ("en", "09/08/2007")],
)
def test_short_dates_keep_the_locales_order_of_day_and_month(language: str, short: str) -> None:
    set_language(language)
    assert format_date(DAY, "short") == short
    assert format_date(None) == format_datetime(None) == ""


def test_four_digit_years_leaves_quoted_text_and_long_years_alone() -> None:
    assert four_digit_years("d/MM/yy") == "d/MM/yyyy"
    assert four_digit_years("dd.MM.yy") == "dd.MM.yyyy"
    assert four_digit_years("d MMM y") == "d MMM y"
    assert four_digit_years("yyyy-MM-dd") == "yyyy-MM-dd"
    assert four_digit_years("d 'yy' MM yy") == "d 'yy' MM yyyy"


@pytest.mark.parametrize(
    ("language", "decimal", "percent", "seconds"),
    [("fr", "1\u202f234,5", "85\u00a0%", "0,4"), ("de", "1.234,5", "85\u00a0%", "0,4"),
     ("nl", "1.234,5", "85%", "0,4"), ("en", "1,234.5", "85%", "0.4")],
)  # fmt: skip
def test_numbers_follow_the_language(language: str, decimal: str, percent: str, seconds: str) -> None:
    set_language(language)
    assert format_number(1234.5) == decimal
    assert format_percent(0.85) == percent
    assert format_seconds(0.42) == seconds


def test_clauses_are_joined_with_the_languages_semicolon() -> None:
    set_language("en")
    assert join_clauses(["a", "b", "c"]) == "a; b; c"
    assert join_clauses([]) == ""
    set_language("fr")
    assert join_clauses(["a", "b"]) in ("a\u202f; b", "a; b")  # "a ; b" once the catalog has the entry
    assert i18n.get_language() == "fr"
