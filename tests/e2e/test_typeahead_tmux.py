"""Keys typed ahead in a real terminal: custtui in tmux at 80x24, each burst sent by one `tmux send-keys`.

That is how keys typed over a slow SSH link arrive: together, in one read.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from tui_support import fill

from custtui.db import make_engine
from custtui.models import User

LOGIN = pwd.getpwuid(os.geteuid()).pw_name
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
pytestmark = pytest.mark.slow


class Terminal:
    def __init__(self, session: str) -> None:
        self.session = session

    def send(self, *keys: str) -> None:
        """One burst: every key in one tmux call."""
        subprocess.run(["tmux", "send-keys", "-t", self.session, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.session, "-l", text], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            assert time.monotonic() < deadline, f"{text!r} not shown:\n{shown}"
            time.sleep(0.1)

    def settle(self, seconds: float = 1.0) -> str:
        """The screen once it stopped changing."""
        previous, deadline = None, time.monotonic() + 15
        while time.monotonic() < deadline:
            shown = self.screen()
            if shown == previous:
                return shown
            previous = shown
            time.sleep(seconds / 4)
        return self.screen()


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "typeahead.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    fill(engine)
    with Session(engine) as session:
        session.add(User(login=LOGIN, display_name="Burst Tester", role="admin", language="en"))
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def start(database: str) -> Iterator:  # type: ignore[type-arg]
    if shutil.which("tmux") is None:
        if IN_CI:
            pytest.fail("tmux is required in CI (apt-get install tmux)")
        pytest.skip("tmux is not installed")
    sessions: list[str] = []

    def start_app() -> Terminal:
        name = f"custtui-{uuid.uuid4().hex[:8]}"
        command = f"{sys.executable} -m custtui --db {database} --lang en; sleep 30"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command], check=True,
            env={**os.environ, "TERM": "xterm-256color", "CUSTTUI_DATABASE_URL": ""},
        )
        sessions.append(name)
        return Terminal(name)

    yield start_app
    for name in sessions:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def _started(start) -> Terminal:  # type: ignore[no-untyped-def]
    terminal = start()
    terminal.wait_for("5 customers")
    terminal.settle()
    return terminal


def test_search_then_enter_in_one_burst(start) -> None:  # type: ignore[no-untyped-def]
    terminal = _started(start)
    terminal.type("/broeck jan")
    terminal.send("Enter")
    shown = terminal.wait_for("custtui — Van den Broeck Jan")
    assert "Edit" not in shown.splitlines()[0]


def test_search_text_keeps_its_letters(start) -> None:  # type: ignore[no-untyped-def]
    terminal = _started(start)
    terminal.type("/chauffage thiri")
    shown = terminal.settle()
    assert "chauffage thiri" in shown
    assert "History" not in shown and "Edit customer" not in shown


def test_new_then_a_name_in_one_burst(start) -> None:  # type: ignore[no-untyped-def]
    terminal = _started(start)
    terminal.type("nBurst Name")
    terminal.wait_for("New customer")
    shown = terminal.settle()
    assert re.search(r"^ Name +Burst Name +▏", shown, re.MULTILINE), shown


def test_menu_letters_and_escapes(start) -> None:  # type: ignore[no-untyped-def]
    terminal = _started(start)
    terminal.send("Down")  # Dubois & Fils, then Duplicate Bakkerij ... any customer with a menu
    terminal.type("mii")
    terminal.send("Escape")
    shown = terminal.settle()
    assert "5 customers" in shown  # the list, not a blank screen
    terminal.type("sss")
    terminal.send("Escape", "Escape", "Escape")
    shown = terminal.settle()
    assert "5 customers" in shown and "Van den Broeck Jan" in shown


def test_typing_names_on_the_list_never_crashes(start) -> None:  # type: ignore[no-untyped-def]
    terminal = _started(start)
    terminal.type("aerts sint-niklaas")
    shown = terminal.settle()
    assert "Traceback" not in shown and "ScreenStackError" not in shown
    assert "custtui" in shown.splitlines()[0]  # still the app, not the shell


def test_first_keys_after_start_up(start) -> None:  # type: ignore[no-untyped-def]
    terminal = start()
    terminal.type("/dubois")  # typed while custtui is still starting
    terminal.wait_for("Labels")  # the list's header: the app has drawn
    shown = terminal.settle()
    assert "Dubois & Fils sa" in shown


def test_escape_then_a_key_in_one_burst(start) -> None:  # type: ignore[no-untyped-def]
    # "i escape o escape j": ESC and the next letter arrive as ESC o, which a
    # terminal parser reads as Alt+o (or "^" and "o"): each escape must still go back.
    terminal = _started(start)
    terminal.type("/broeck")
    terminal.send("Enter")
    terminal.wait_for("Customer number")  # the detail of Van den Broeck Jan
    terminal.send("i", "Escape", "o", "Escape", "j", "Escape", "h", "Escape", "e")
    shown = terminal.wait_for("Edit customer")
    assert "Van den Broeck Jan" in terminal.settle()
    terminal.send("Escape")
    shown = terminal.settle()
    assert "Customer number" in shown and "Edit customer" not in shown  # back on the detail


def test_the_parser_reads_escape_and_a_character_as_two_keys() -> None:
    from textual._xterm_parser import XTermParser

    from custtui.tui.typeahead import read_escape_then_key_as_two_keys

    read_escape_then_key_as_two_keys()
    keys = [key.key for key in XTermParser().feed("i\x1bo\x1bj\x1bD\x1b[A\x1bOB^")]  # type: ignore[attr-defined]
    # Arrow keys (CSI and SS3) stay arrow keys; a typed caret stays a caret.
    assert keys == ["i", "escape", "o", "escape", "j", "escape", "D", "up", "down", "circumflex_accent"]
