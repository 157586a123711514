"""How fast the customer list opens and scrolls at 10k and 100k customers.

    .venv/bin/python benchmarks/list_open.py [--sizes 10000 100000] [--db FILE.db ...] [--runs N]
        [--only process|in-process]

From process start (what a user waits for): spawns `custtui` as a real
process in tmux at 80x24 and polls the pane until the list's first rows are
painted (the "N customers" line and a first row with a name), median of
--runs runs after one warm-up run; next to it, measured in the same run and
spawned the same way, a floor: a minimal Textual app painting a DataTable of
24 rows (this file with --floor-app). Then the quit: ctrl+q right after the
first paint, timed until the process is gone (the index build is running
then). Each database is copied to a temporary file first, as the app may
write to it; --db FILE uses demo databases made beforehand (custtui demo),
else they are generated.

In process (the app imported and the database open already): runs the real
app headless at 80x24 on a SQLite demo database and prints: time to the
first painted page, time until every id is loaded (the list is usable from
then on), and the time per page-down and per cursor step (each includes the
render, and the wait for rows read in a thread when the view shows "…";
moves come at key-repeat speed, 30 a second).

Prints figures; asserts nothing. Needs tmux for the process figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

# Nothing of custtui (nor SQLAlchemy, Textual) at the top: this file is also
# the floor app, spawned to measure what Textual alone costs.
if TYPE_CHECKING:
    from custtui.models import User
    from custtui.tui.widgets.customer_table import CustomerTable

KEY_REPEAT_S = 1 / 30


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def repaint_ms(table: CustomerTable, move) -> float:  # type: ignore[no-untyped-def]
    """Move the cursor and render every visible line, as a screen refresh would.

    Rows not read yet are read in a thread (they show "…" meanwhile): the
    time runs until the rows in view are there and painted (rows read ahead
    beyond the view are not waited for).
    """
    tick = time.perf_counter()
    move()
    for y in range(table.scrollable_content_region.height):
        table.render_line(y)
    if table.showing_placeholders:
        while table.showing_placeholders:
            await asyncio.sleep(0.001)  # not 0: a busy loop would keep the reading thread from the GIL
        for y in range(table.scrollable_content_region.height):
            table.render_line(y)
    return (time.perf_counter() - tick) * 1000


async def measure(engine, user: User, size: int) -> None:  # type: ignore[no-untyped-def]
    from custtui.tui.app import CusttuiApp
    from custtui.tui.widgets.customer_table import CustomerTable

    started = time.perf_counter()
    app = CusttuiApp(engine=engine, user=user)
    async with app.run_test(size=(80, 24)):
        table = app.screen.query_one(CustomerTable)
        while table.row_count < size:
            await asyncio.sleep(0.002)
        loaded = time.perf_counter() - started
        # The search index builds in a thread: how late does the UI loop run meanwhile?
        lags: list[float] = []
        while app.search_index is None:
            tick = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - tick - 0.01) * 1000)
        index_ready = time.perf_counter() - started
        await app.workers.wait_for_complete()
        # One move per key repeat (30 a second), as a held key sends them.
        page_downs, steps = [], []
        for _ in range(200):
            page_downs.append(await repaint_ms(table, table.action_page_down))
            await asyncio.sleep(KEY_REPEAT_S)
        for _ in range(200):
            steps.append(await repaint_ms(table, table.action_cursor_down))
            await asyncio.sleep(KEY_REPEAT_S)
        end_ms = await repaint_ms(table, table.action_last)
    print(f"{size:>8,} customers, in process: first page painted, all ids loaded {loaded:5.2f} s; "
          f"search index ready {index_ready:5.2f} s")
    if lags:
        print(f"          UI loop lag while indexing p50 {statistics.median(lags):5.1f} ms  "
              f"p95 {percentile(lags, 0.95):5.1f} ms  max {max(lags):5.1f} ms")
    print(f"          page down repaint  p50 {statistics.median(page_downs):5.2f} ms  "
          f"p95 {percentile(page_downs, 0.95):5.2f} ms  max {max(page_downs):5.2f} ms")
    print(f"          cursor step repaint p50 {statistics.median(steps):5.2f} ms  p95 {percentile(steps, 0.95):5.2f} ms")
    print(f"          jump to the end    {end_ms:5.2f} ms")




# --- from process start, in tmux ----------------------------------------------

TMUX_SOCKET = "lo"  # a tmux server of its own (tmux -L lo), left as it was found
POLL_S = 0.005
COUNT_LINE = re.compile(r"^\s*\d[\d,.\u00a0\u202f ]* customers?\b")
FLOOR_ROWS = 24
ROOT = Path(__file__).resolve().parent.parent


def floor_app() -> None:
    """The floor: a minimal Textual app that paints a DataTable of 24 rows (nothing of custtui)."""
    # Imported here, as everything of custtui is imported only where used: the floor pays for Textual alone.
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Static

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(f"{FLOOR_ROWS} rows")
            yield DataTable()

        def on_mount(self) -> None:
            table: DataTable[str] = self.query_one(DataTable)
            table.add_columns("Name", "City", "Number", "Region", "Labels")
            table.add_rows([(f"floor row {n}", "Gent", f"{100000 + n}", "BE-VLG", "") for n in range(FLOOR_ROWS)])
            table.focus()

    Floor().run()


def floor_painted(lines: list[str]) -> bool:
    return any("floor row 0 " in line for line in lines)


def list_painted(lines: list[str]) -> bool:
    """The "N customers" line, and below the column titles a first row with a name (not "…")."""
    for number, line in enumerate(lines):
        if COUNT_LINE.match(line):
            first_row = lines[number + 2] if number + 2 < len(lines) else ""
            return re.search(r"[^\W\d_]{2}", first_row) is not None
    return False


def _tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", "-L", TMUX_SOCKET, *args], capture_output=True, text=True, check=check)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of the process so far (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def spawn_until_painted(
    command: list[str], env: dict[str, str], painted: Callable[[list[str]], bool], *, timeout: float = 60.0
) -> tuple[float, float, float]:
    """Seconds from spawning `command` in a new 80x24 tmux session to `painted`, the CPU seconds it used
    until then (less noisy on a busy machine), and the seconds from ctrl+q to its exit."""
    # Compiled bytecode as an installed custtui has it (pip writes it), whatever PYTHONDONTWRITEBYTECODE says here:
    # the warm-up run writes it to a folder of the benchmark's own, which the other runs read.
    settings = [f"{key}={value}" for key, value in env.items()]
    shell = "exec env -u PYTHONDONTWRITEBYTECODE " + shlex.join([*settings, *command])
    started = time.perf_counter()
    _tmux("new-session", "-d", "-s", "s", "-x", "80", "-y", "24", shell)
    pid = int(_tmux("display-message", "-p", "-t", "s", "#{pane_pid}").stdout)
    lines: list[str] = []
    try:
        while True:
            lines = _tmux("capture-pane", "-p", "-t", "s", check=False).stdout.splitlines()
            if painted(lines):
                break
            if not _alive(pid) or time.perf_counter() - started > timeout:
                shown = "\n".join(lines)
                raise RuntimeError(f"not painted: {shlex.join(command)}\n{shown}")
            time.sleep(POLL_S)
        to_paint = time.perf_counter() - started
        cpu = _cpu_seconds(pid)
        quit_started = time.perf_counter()
        _tmux("send-keys", "-t", "s", "C-q")
        while _alive(pid):
            if time.perf_counter() - quit_started > timeout:
                raise RuntimeError(f"still running {timeout:.0f} s after ctrl+q: {shlex.join(command)}")
            time.sleep(POLL_S)
        return to_paint, cpu, time.perf_counter() - quit_started
    finally:
        _tmux("kill-session", "-t", "s", check=False)


def count_customers(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return int(connection.execute("SELECT count(*) FROM customer").fetchone()[0])


def copy_database(source: Path, folder: Path) -> Path:
    """A consistent copy (the SQLite backup API, also while the source is in use)."""
    target = folder / source.name
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    target.chmod(0o600)
    return target


def make_demo_database(folder: Path, size: int) -> Path:
    # Imported here, not at the top: the floor app does not pay for them.
    from sqlmodel import Session

    from custtui.db import make_engine, migrate
    from custtui.demo import generate_demo
    from custtui.models import Role, User
    from custtui.services.auth import os_login

    path = folder / f"demo{size}.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        session.add(User(login=os_login(), display_name="Bench", role=Role.ADMIN.value))  # the spawned app's user
        session.commit()
    generate_demo(engine, customers=size, seed=1)
    engine.dispose()
    return path


def describe(values: list[float]) -> str:
    return f"median {statistics.median(values):5.2f} s (min {min(values):5.2f}, max {max(values):5.2f})"


def measure_from_process_start(databases: list[Path], runs: int) -> None:
    if shutil.which("tmux") is None:
        print("tmux not found: no figures from process start")
        return
    if _tmux("list-sessions", check=False).returncode == 0:
        raise SystemExit(f"a tmux server runs on the socket {TMUX_SOCKET} already (tmux -L {TMUX_SOCKET} ls)")
    custtui = Path(sys.executable).with_name("custtui")
    floor_command = [sys.executable, str(Path(__file__).resolve()), "--floor-app"]
    # One environment for all: English (the painted line is "N customers"), a tmux terminal.
    env = {"CUSTTUI_LANG": "en", "LANG": "C.UTF-8", "TERM": "tmux-256color", "PATH": os.environ.get("PATH", "")}
    # A session of its own keeps the tmux server up between runs: each spawn then pays for a new session,
    # not for a server (the same for the floor and the app), and never meets a server on its way out.
    _tmux("new-session", "-d", "-s", "idle", "-x", "80", "-y", "24", "sleep 86400")
    try:
        with tempfile.TemporaryDirectory() as folder:
            env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
            copies = [(count_customers(path), copy_database(path, Path(folder))) for path in databases]
            floor: list[tuple[float, float, float]] = []
            app: dict[Path, list[tuple[float, float, float]]] = {copy: [] for _size, copy in copies}
            # Interleaved, so that the floor and the app share what else the machine does meanwhile; run 0 warms
            # the file cache, writes the bytecode (and migrates a database of an older revision) and is not counted.
            for run in range(runs + 1):
                measured = spawn_until_painted(floor_command, env, floor_painted)
                if run:
                    floor.append(measured)
                for _size, copy in copies:
                    command = [str(custtui), "--db", f"sqlite:///{copy}"]
                    measured = spawn_until_painted(command, env, list_painted)
                    if run:
                        app[copy].append(measured)
    finally:
        _tmux("kill-session", "-t", "idle", check=False)
    print(f"From process start to a painted list, 80x24 in tmux, {runs} runs (load average {os.getloadavg()[0]:.1f}):")
    rows = [(f"Textual floor ({FLOOR_ROWS} rows)", floor)]
    rows += [(f"custtui, {size:,} customers", app[copy]) for size, copy in copies]
    floor_wall = statistics.median(wall for wall, _cpu, _quit in floor)
    floor_cpu = statistics.median(cpu for _wall, cpu, _quit in floor)
    for name, results in rows:
        wall = [result[0] for result in results]
        cpu = [result[1] for result in results]
        quit_s = [result[2] for result in results]
        print(f"  {name:<27} painted {describe(wall)}, {statistics.median(wall) / floor_wall:4.2f}x the floor")
        print(f"  {'':<27} CPU till painted median {statistics.median(cpu):5.2f} s, "
              f"{statistics.median(cpu) / floor_cpu:4.2f}x the floor")
        print(f"  {'':<27} quit (ctrl+q right after the first paint) {describe(quit_s)}")


def measure_in_process(sizes: list[int]) -> None:
    from sqlmodel import Session

    from custtui.db import make_engine, migrate
    from custtui.demo import generate_demo
    from custtui.models import Role, User

    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'list.db'}")
            migrate(engine)
            with Session(engine, expire_on_commit=False) as session:
                user = User(login="bench", display_name="Bench", role=Role.ADMIN.value)
                session.add(user)
                session.commit()
            generate_demo(engine, customers=size, seed=1)
            asyncio.run(measure(engine, user, size))
            engine.dispose()


def main() -> None:
    if sys.argv[1:] == ["--floor-app"]:
        floor_app()
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--db", type=Path, action="append", default=[], metavar="FILE.db",
        help="a demo database (its size is counted) for the figures from process start, instead of generating --sizes",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs from process start, each database (default 5)")
    parser.add_argument("--only", choices=("process", "in-process"), help="only these figures")
    args = parser.parse_args()
    if args.only != "in-process":
        if args.db:
            measure_from_process_start(args.db, args.runs)
        else:
            with tempfile.TemporaryDirectory() as folder:
                generated = [make_demo_database(Path(folder), size) for size in args.sizes]
                measure_from_process_start(generated, args.runs)
    if args.only != "process":
        measure_in_process(args.sizes)


if __name__ == "__main__":
    main()
