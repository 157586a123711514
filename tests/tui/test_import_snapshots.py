"""The import screen at 80x24, compared with the stored SVG (pytest --snapshot-update to accept)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from screen_tour import settle
from sqlalchemy import Engine
from test_import_screen import DUTCH_CSV
from tui_support import SIZE, fill, make_app


@pytest.fixture(autouse=True)
def stable_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    # The path typed is relative: the same on every machine.
    (tmp_path / "klanten.csv").write_text(DUTCH_CSV, encoding="utf-8")
    monkeypatch.chdir(tmp_path)


async def _preview(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*"import cust")
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*"klanten.csv", "enter")
    await settle(pilot)


async def _report(pilot: Any) -> None:
    await _preview(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


STOPS = {"preview": _preview, "report": _report}


def _compare(stop: str, sqlite_engine: Engine, snap_compare: Any) -> None:
    known = fill(sqlite_engine, role="office")
    app = make_app(sqlite_engine, known)
    assert snap_compare(app, terminal_size=SIZE, run_before=STOPS[stop])


@pytest.mark.parametrize("stop", list(STOPS))
def test_import_screen(stop: str, sqlite_engine: Engine, snap_compare: Any) -> None:
    _compare(stop, sqlite_engine, snap_compare)


@pytest.mark.parametrize("stop", list(STOPS))
def test_import_screen_without_colour(
    stop: str, sqlite_engine: Engine, snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR=1: what is not imported is written out, ticks are X, the cursor is reverse video."""
    monkeypatch.setenv("NO_COLOR", "1")
    _compare(stop, sqlite_engine, snap_compare)
