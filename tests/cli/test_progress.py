"""The progress bar's counts: one sentence per count, with its plural and the locale's numbers."""

from __future__ import annotations

import io

import pytest

from custtui import progress
from custtui.i18n import set_language
from custtui.progress import count_customers, count_rows, count_steps, progress_bar


def test_counts_are_plural_sentences_with_the_locales_numbers() -> None:
    assert count_rows(1, None) == "1 row"
    assert count_rows(41_500, None) == "41,500 rows"
    assert count_rows(1, 1) == "1 / 1 row"
    assert count_rows(41_500, 100_000) == "41,500 / 100,000 rows"
    assert count_customers(0, 1) == "0 / 1 customer"
    assert count_customers(3, None) == "3 customers"
    assert count_steps(5, None) == "5"
    assert count_steps(1_500, 2_000) == "1,500 / 2,000"
    set_language("fr")
    assert count_rows(41_500, 100_000).startswith("41\u202f500 / 100\u202f000 ")
    set_language("de")
    assert count_customers(1_234, None).startswith("1.234 ")


def test_the_bar_counts_and_shows_percent_in_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    written = io.StringIO()
    monkeypatch.setattr(progress, "shows_progress", lambda quiet: True)
    real_console = Console
    monkeypatch.setattr(
        "rich.console.Console", lambda **options: real_console(file=written, force_terminal=True, width=100)
    )
    set_language("fr")
    with progress_bar("Importation", count_rows) as advance:
        advance(1_500, 2_000)
    shown = written.getvalue()
    assert "1\u202f500 / 2\u202f000" in shown
    assert "75\u00a0%" in shown
