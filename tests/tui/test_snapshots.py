"""Every screen at 80x24, compared with the stored SVG (pytest --snapshot-update to accept)."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from screen_tour import STOPS, Targets
from sqlalchemy import Engine
from tui_support import SIZE, fill, fill_duplicates, make_app

from custtui.i18n import set_language


@pytest.fixture(autouse=True)
def stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Same picture whatever the developer's terminal says.
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    # Times are shown in local time: the same for everyone here.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    assert "NO_COLOR" not in os.environ  # test_screen_without_colour sets it itself


@pytest.mark.parametrize("stop", list(STOPS))
def test_screen(stop: str, sqlite_engine: Engine, snap_compare: Any) -> None:
    _compare(stop, sqlite_engine, snap_compare)


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
@pytest.mark.parametrize("stop", list(STOPS))
def test_screen_translated(stop: str, language: str, sqlite_engine: Engine, snap_compare: Any) -> None:
    """The same screens in French, Dutch and German: every word translated, nothing cut off."""
    set_language(language)
    _compare(stop, sqlite_engine, snap_compare)


def _compare(stop: str, sqlite_engine: Engine, snap_compare: Any, theme: str | None = None) -> None:
    known = fill(sqlite_engine)
    fill_duplicates(sqlite_engine)
    targets = Targets(known.busy_id, known.empty_id, known.alias_id, "chauffage dubois")
    if theme is not None:
        known.admin.theme = theme  # as if chosen in the palette and saved on the user
    app = make_app(sqlite_engine, known)

    async def run_before(pilot: Any) -> None:
        await STOPS[stop](pilot, targets)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# Screens whose states colour alone showed: ticked boxes, focus, errors, the
# highlighted option, label names, keys that do nothing here.
WITHOUT_COLOUR = (
    "list", "labels_ticked", "edit_customer", "new_customer_errors", "context_menu", "filter", "delete_confirm",
    "duplicates", "missions", "label_manager",
)


@pytest.mark.parametrize("stop", WITHOUT_COLOUR)
def test_screen_without_colour(
    stop: str, sqlite_engine: Engine, snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR=1: every state still shows, by reverse video, underline, bold or strike-through."""
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    _compare(stop, sqlite_engine, snap_compare)


@pytest.mark.parametrize("stop", WITHOUT_COLOUR)
def test_screen_in_16_colours(stop: str, sqlite_engine: Engine, snap_compare: Any) -> None:
    """The ansi-dark theme, for terminals with 16 colours: the same states, in the terminal's own colours."""
    _compare(stop, sqlite_engine, snap_compare, theme="ansi-dark")
