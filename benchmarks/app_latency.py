"""Keystroke to repainted list, end to end in the real app, with fzf on the same data as the anchor.

    .venv/bin/python benchmarks/app_latency.py                          # a new 100,000-customer demo database
    .venv/bin/python benchmarks/app_latency.py --customers 10000
    .venv/bin/python benchmarks/app_latency.py --db sqlite:////tmp/w/d100k.db
    .venv/bin/python benchmarks/app_latency.py --db postgresql://postgres@127.0.0.1/scratch --no-tmux

To measure another source tree (a commit exported with `git archive`), put
its src/ first: PYTHONPATH=/tmp/head/src (the tmux sessions get it too).

--db: a database already filled (a SQLite file is copied to a temporary
folder first, so it is never written to); without it, `custtui demo
--customers N` fills a new SQLite file in a temporary folder. The user is
the OS login, as for `custtui` itself (the demo's first admin).

1. The app runs headless at 80x24 (CusttuiApp.run_test), as the OS user.
   A 5 ms asyncio timer runs on the app's event loop throughout; the gaps
   between its ticks are the loop's pauses. Printed: the longest pause from
   the first painted page until the search index is ready (it is built in
   a thread), then until the duplicate index is built too.
2. Realistic queries drawn from the data with --seed (a name with a typo,
   "name city", a customer number, a phone number typed another way, a
   street and house number) are typed into the search box ("/") one key at
   a time, as the terminal driver delivers keys: at human speed (--gap, 80 ms
   between keys), then in bursts (every key of a query at once, as over a
   slow SSH link). Each key is timed from the moment it is sent to the
   first screen update after which every visible row of the list shows the
   answer to that query, or to a later prefix of it (keys typed faster than
   the answers come are answered by a later one: that is what the user sees).

   The repaint hook: Screen updates go through App._display(screen, update),
   which the compositor calls with the strips it has just rendered; headless,
   Textual skips turning them into terminal output, so the hook does that
   (update.render_segments) before the time is taken. CustomerTable.render_line
   is wrapped to note, per line, which answer (each set_ids call is one) it
   painted and whether the row had its data (not the "…" of a row still
   being read). A key is answered at the first _display after which the
   list's visible lines all show the answer it waits for. Also printed: the
   echo (the typed key visible in the search box).
3. GC: gc.callbacks time every collection and its generation, in any
   thread (a collection in a worker holds the GIL: the UI waits as well).
4. The service line: Searcher.search(query, limit=200) alone, for the same
   keystrokes, one Searcher per query as the list screen does.
5. fzf on the same data: "name | city | number | phone" lines (one per
   customer, the city of its first location) in a temporary file, and
   `fzf --filter PREFIX` run once per keystroke of the same queries.
6. Memory: `custtui` as a real process in a tmux session (80x24, socket
   "custtui-bench"), on the same database; when it is idle (indexes built),
   a query is typed and VmRSS / VmHWM are read from /proc; then a second
   session is opened on the same database while the first stays open, and
   both are read again. (--no-tmux skips this; the benchmark's own RSS is
   shown either way, but it holds the benchmark's data too.)

Prints figures and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_latency import phone_other_way, typo  # the same query makers as the service-level benchmark
from tui_support import send_burst, wait_idle

import custtui
from custtui.db import make_engine, run_unit
from custtui.models import Customer, Location, User
from custtui.services.auth import current_user
from custtui.services.search import Searcher
from custtui.tui.app import CusttuiApp
from custtui.tui.widgets.customer_table import CustomerTable

ROOT = Path(__file__).resolve().parents[1]
CUSTTUI = ROOT / ".venv" / "bin" / "custtui"
TICK_S = 0.005
TMUX_SOCKET = "custtui-bench"
KINDS = ("typo", "name city", "number", "phone", "street")


# --- figures ------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def spread(values: list[float], unit: str = "ms") -> str:
    if not values:
        return "(none)"
    return (f"p50 {statistics.median(values):6.1f}  p95 {percentile(values, 0.95):6.1f}  "
            f"max {max(values):6.1f} {unit}  ({len(values)})")


# --- queries drawn from the data ------------------------------------------------


@dataclass
class Query:
    kind: str
    text: str

    def prefixes(self) -> list[str]:
        return [self.text[:end] for end in range(1, len(self.text) + 1)]


def _customer_rows(engine: Engine) -> list[Any]:
    """Per customer: id, name, number, phone, and the street, number and city of its first location."""
    customer, location = Customer.__table__, Location.__table__  # type: ignore[attr-defined]
    c, loc = customer.c, location.c
    first = select(loc.customer_id, func.min(loc.id).label("location_id")).group_by(loc.customer_id).subquery()
    statement = (
        select(c.id, c.name, c.customer_number, c.phone, loc.street, loc.number, loc.city)
        .select_from(customer)
        .outerjoin(first, first.c.customer_id == c.id)
        .outerjoin(location, loc.id == first.c.location_id)
        .order_by(c.id)
    )
    with Session(engine) as session:
        return list(session.connection().execute(statement).all())


def make_queries(rows: list[Any], rng: random.Random, count: int) -> list[Query]:
    """About `count` queries, the kinds in turn."""
    named = [r for r in rows if len(r.name.split()) >= 2]
    located = [r for r in rows if r.city and r.street]
    numbered = [r for r in rows if r.customer_number]
    phoned = [r for r in rows if r.phone]
    queries: list[Query] = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        if kind == "typo":
            text = typo(rng, rng.choice(named).name).lower()
        elif kind == "name city":
            row = rng.choice([r for r in rng.sample(located, 20) if r.name.split()] or located)
            word = max((w for w in row.name.split() if w.isalpha()), key=len, default=row.name.split()[0])
            text = f"{word} {row.city}".lower()  # "peeters gent"
        elif kind == "number":
            text = rng.choice(numbered).customer_number
        elif kind == "phone":
            phone = rng.choice(phoned).phone
            text = phone_other_way(phone) or phone
        else:
            row = rng.choice(located)
            text = f"{row.street} {row.number}".strip().lower()
        queries.append(Query(kind, text))
    return queries


def fzf_lines(rows: list[Any], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for r in rows:
            handle.write(f"{r.name} | {r.city or ''} | {r.customer_number or ''} | {r.phone or ''}\n")


# --- the probe: repaints, loop pauses, collections ------------------------------------


@dataclass
class Painted:
    at: float  # when the update that completed it was displayed
    query: str  # the search text the answer was for ("" : the whole list)
    set_at: float  # when the table got it (set_ids)


@dataclass
class Probe:
    """What the hooks see while the app runs."""

    generation: int = 0  # one per CustomerTable.set_ids
    answer: tuple[int, str, float] = (0, "", 0.0)  # generation, query, time of the set_ids
    lines: dict[int, tuple[int, bool]] = field(default_factory=dict)  # y -> (generation painted, had its data)
    completed: int = -1  # the generation whose visible rows were all painted
    painted: list[Painted] = field(default_factory=list)
    echo: list[tuple[float, str]] = field(default_factory=list)  # (time, search box value) at each update
    frames: int = 0
    ticks: list[tuple[float, float]] = field(default_factory=list)  # (time, gap since the previous tick)
    index_ready_at: float | None = None
    indexes_done_at: float | None = None
    collections: list[tuple[float, int, float, bool]] = field(default_factory=list)  # time, gen, CPU ms, on UI thread
    stop: bool = False
    table: CustomerTable | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def pauses(self, start: float, end: float) -> list[float]:
        return [gap * 1000 for at, gap in self.ticks if start <= at <= end]

    def collections_in(self, windows: list[tuple[float, float]]) -> list[tuple[float, int, float, bool]]:
        return [c for c in self.collections if any(start <= c[0] <= end for start, end in windows)]


@contextmanager
def hooks(probe: Probe, app: CusttuiApp) -> Iterator[None]:
    """Wrap CustomerTable.render_line / set_ids and the app's _display; time collections."""
    original_render_line = CustomerTable.render_line
    original_set_ids = CustomerTable.set_ids
    original_display = app._display
    starts: dict[int, float] = {}  # thread -> its CPU time when its collection started
    ui_thread = threading.get_ident()

    def render_line(table: CustomerTable, y: int) -> Any:
        strip = original_render_line(table, y)
        if table is probe.table and y >= 1:
            index = int(table.scroll_y) + y - 1
            ids = table.ids
            had_data = not table._scroll_pending and (index >= len(ids) or table.row(ids[index]) is not None)
            probe.lines[y] = (probe.generation, had_data)
        return strip

    def set_ids(table: CustomerTable, ids: list[int], *args: Any, **kwargs: Any) -> None:
        if probe.table is None:
            probe.table = table
        if table is probe.table:
            probe.generation += 1
            probe.answer = (probe.generation, getattr(table.screen, "search_text", ""), time.perf_counter())
        original_set_ids(table, ids, *args, **kwargs)

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None and hasattr(renderable, "render_segments"):
            renderable.render_segments(app.console)  # what a terminal would be sent
        original_display(screen, renderable)
        now = time.perf_counter()
        probe.frames += 1
        table = probe.table
        generation, query, set_at = probe.answer
        if table is not None and generation != probe.completed and table.screen is screen:
            top = int(table.scroll_y)
            visible = max(1, min(table.scrollable_content_region.height - 1, len(table.ids) - top))
            if all(probe.lines.get(y) == (generation, True) for y in range(1, visible + 1)):
                probe.completed = generation
                probe.painted.append(Painted(now, query, set_at))
                probe.changed.set()
        try:
            value = screen.query_one("#search").value
        except Exception:  # noqa: BLE001 - another screen, or not mounted yet
            return
        if not probe.echo or probe.echo[-1][1] != value:
            probe.echo.append((now, value))

    def collected(phase: str, info: dict[str, int]) -> None:
        thread = threading.get_ident()
        # The thread's CPU time, not the wall clock: a callback may wait for the GIL, the collection itself holds it.
        if phase == "start":
            starts[thread] = time.thread_time()
        elif thread in starts:
            cpu_ms = (time.thread_time() - starts.pop(thread)) * 1000
            probe.collections.append((time.perf_counter(), info["generation"], cpu_ms, thread == ui_thread))

    CustomerTable.render_line = render_line  # type: ignore[method-assign]
    CustomerTable.set_ids = set_ids  # type: ignore[method-assign]
    app._display = display  # type: ignore[method-assign]
    gc.callbacks.append(collected)
    try:
        yield
    finally:
        gc.callbacks.remove(collected)
        CustomerTable.render_line = original_render_line  # type: ignore[method-assign]
        CustomerTable.set_ids = original_set_ids  # type: ignore[method-assign]


async def ticker(probe: Probe, app: CusttuiApp) -> None:
    """A 5 ms timer on the app's loop: the gaps between its ticks are the loop's pauses."""
    last = time.perf_counter()
    while not probe.stop:
        await asyncio.sleep(TICK_S)
        now = time.perf_counter()
        probe.ticks.append((now, now - last))
        last = now
        if probe.index_ready_at is None and app.search_index is not None:
            probe.index_ready_at = now
        if probe.index_ready_at is not None and probe.indexes_done_at is None and app.duplicate_index is not None:
            probe.indexes_done_at = now


# --- typing -------------------------------------------------------------------


@dataclass
class Typed:
    query: Query
    sent: list[float]  # per key
    answered: list[float | None]  # ms per key until its answer (or a later one) was painted
    searched: list[float | None]  # ms per key until that answer reached the table (set_ids)
    echoed: list[float | None]  # ms per key until the search box showed it
    window: tuple[float, float]  # first key sent .. last answer painted


async def type_query(app: CusttuiApp, pilot: Any, probe: Probe, query: Query, gap_s: float) -> Typed:
    """Clear the search, "/", then the query's keys `gap_s` apart (0: all at once)."""
    send_burst(app, "escape")
    await wait_idle(pilot, app)
    send_burst(app, "/")
    await wait_idle(pilot, app)
    painted_before, echo_before = len(probe.painted), len(probe.echo)
    sent: list[float] = []
    started = time.perf_counter()
    for k, char in enumerate(query.text):
        if gap_s:
            delay = started + k * gap_s - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        sent.append(time.perf_counter())
        send_burst(app, char)
    final = query.text.strip()
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        if app._exception is not None:
            raise RuntimeError(f"the app failed while {query.text!r} was typed: {app._exception!r}")
        if any(p.query == final and p.set_at >= sent[-1] for p in probe.painted[painted_before:]):
            break
        probe.changed.clear()
        try:
            await asyncio.wait_for(probe.changed.wait(), 0.5)
        except TimeoutError:
            pass
    ended = time.perf_counter()
    painted, echoes = probe.painted[painted_before:], probe.echo[echo_before:]
    prefixes = query.prefixes()
    answered: list[float | None] = []
    searched: list[float | None] = []
    echoed: list[float | None] = []
    for k, at in enumerate(sent):
        later = {p.strip() for p in prefixes[k:]}
        answer = next((p for p in painted if p.set_at >= at and p.query in later), None)
        answered.append(None if answer is None else (answer.at - at) * 1000)
        searched.append(None if answer is None else (answer.set_at - at) * 1000)
        shown = next((t for t, value in echoes if t >= at and value.startswith(prefixes[k])), None)
        echoed.append(None if shown is None else (shown - at) * 1000)
    await wait_idle(pilot, app)
    return Typed(query, sent, answered, searched, echoed, (started, ended))


def report_typing(label: str, typed: list[Typed], probe: Probe) -> None:
    answered = [ms for t in typed for ms in t.answered if ms is not None]
    missing = sum(ms is None for t in typed for ms in t.answered)
    # Keys answered only by a later key's answer: their own was dropped as stale, or never painted.
    echoed = [ms for t in typed for ms in t.echoed if ms is not None]
    windows = [t.window for t in typed]
    pauses = [gap for start, end in windows for gap in probe.pauses(start, end)]
    print(f"  {label}")
    print(f"    key -> list repainted   {spread(answered)}" + (f"  {missing} never answered" if missing else ""))
    for kind in KINDS:
        values = [ms for t in typed if t.query.kind == kind for ms in t.answered if ms is not None]
        if values:
            print(f"      {kind:<12}          {spread(values)}")
    searched = [ms for t in typed for ms in t.searched if ms is not None]
    print(f"    key -> answer in table  {spread(searched)}  (set_ids: delivered, searched, not painted yet)")
    print(f"    key -> echo in the box  {spread(echoed)}")
    if typed and typed[0].sent[-1] - typed[0].sent[0] < 0.01 * len(typed[0].sent):
        whole = [(t.window[1] - t.sent[-1]) * 1000 for t in typed]
        print(f"    last key -> final list  {spread(whole)}")
    over = sum(gap > 50 for gap in pauses)
    print(f"    loop pauses (5 ms tick) max {max(pauses, default=0):6.1f} ms, "
          f"p99 {percentile(pauses, 0.99) if pauses else 0:5.1f} ms, {over} over 50 ms")
    report_collections("    ", probe.collections_in(windows))


def report_collections(indent: str, collections: list[tuple[float, int, float, bool]]) -> None:
    if not collections:
        print(f"{indent}GC: no collection")
        return
    parts = []
    for generation in (0, 1, 2):
        times = [ms for _at, gen, ms, _ui in collections if gen == generation]
        if times:
            in_workers = sum(not ui for _at, gen, _ms, ui in collections if gen == generation)
            parts.append(f"gen{generation} {len(times)}x max {max(times):5.1f} ms ({in_workers} in workers)")
    print(f"{indent}GC (each holds the GIL): {', '.join(parts)}")


# --- in the app -------------------------------------------------------------------


@dataclass
class AppRun:
    index: Any
    human: list[Typed]
    bursts: list[Typed]


async def run_app(engine: Engine, user: User, human: list[Query], bursts: list[Query], gap_s: float) -> AppRun:
    probe = Probe()
    app = CusttuiApp(engine=engine, user=user)
    started = time.perf_counter()
    with hooks(probe, app):
        tick_task = asyncio.create_task(ticker(probe, app))
        async with app.run_test(size=(80, 24)) as pilot:
            while not probe.painted and time.perf_counter() - started < 120:
                await asyncio.sleep(0.005)
            first_paint = probe.painted[0].at if probe.painted else time.perf_counter()
            while probe.indexes_done_at is None and time.perf_counter() - started < 600:
                await asyncio.sleep(0.05)
            await wait_idle(pilot, app)
            ready = probe.index_ready_at or first_paint
            done = probe.indexes_done_at or ready
            print(f"  list painted {first_paint - started:5.2f} s after start; search index ready "
                  f"{ready - started:5.2f} s, duplicate index {done - started:5.2f} s ({probe.frames} screen updates)")
            indexing = probe.pauses(first_paint, ready)
            duplicates = probe.pauses(ready, done)
            print(f"  loop pauses while the search index builds    max {max(indexing, default=0):6.1f} ms, "
                  f"{sum(g > 50 for g in indexing)} over 50 ms")
            report_collections("    ", probe.collections_in([(first_paint, ready)]))
            print(f"  loop pauses while the duplicate index builds max {max(duplicates, default=0):6.1f} ms, "
                  f"{sum(g > 50 for g in duplicates)} over 50 ms")
            report_collections("    ", probe.collections_in([(ready, done)]))
            print(f"  benchmark process (app + benchmark data) VmRSS {status_mib(os.getpid(), 'VmRSS'):,.0f} MiB, "
                  f"VmHWM {status_mib(os.getpid(), 'VmHWM'):,.0f} MiB")

            typed_human = [await type_query(app, pilot, probe, query, gap_s) for query in human]
            report_typing(f"typed at human speed ({gap_s * 1000:.0f} ms between keys), {len(human)} queries", typed_human, probe)
            typed_bursts = [await type_query(app, pilot, probe, query, 0) for query in bursts]
            report_typing(f"typed in bursts (every key of a query at once), {len(bursts)} queries", typed_bursts, probe)
            index = app.search_index
            probe.stop = True
            await tick_task
    return AppRun(index, typed_human, typed_bursts)


def service_line(index: Any, queries: list[Query]) -> None:
    times = []
    Searcher(index).search("warm up", limit=200)
    for query in queries:
        searcher = Searcher(index)  # a new one per query, as the list screen does after the search is cleared
        for prefix in query.prefixes():
            if not prefix.strip():
                continue
            started = time.perf_counter()
            searcher.search(prefix.strip(), limit=200)
            times.append((time.perf_counter() - started) * 1000)
    print(f"  service: Searcher.search(limit=200)  {spread(times)}")


def fzf_line(path: Path, queries: list[Query]) -> None:
    fzf = shutil.which("fzf")
    if fzf is None:
        print("  fzf: not installed (apt-get install fzf)")
        return
    times = []
    for query in queries:
        for prefix in query.prefixes():
            with path.open("rb") as lines:
                started = time.perf_counter()
                subprocess.run([fzf, "--filter", prefix], stdin=lines, stdout=subprocess.DEVNULL, check=False)
                times.append((time.perf_counter() - started) * 1000)
    version = subprocess.run([fzf, "--version"], capture_output=True, text=True, check=False).stdout.split()[0]
    print(f"  fzf {version} --filter (a process per key) {spread(times)}")


# --- memory: custtui as a real process in tmux ----------------------------------------


def status_mib(pid: int, key: str) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """CPU of the process, of its children that ended, and of those still running: a large
    database's indexes are built in a child (services.index_process), idle is when that is done too."""
    fields = _stat_fields(pid)
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            child = _stat_fields(int(entry.name))
        except (OSError, ValueError):
            continue
        if int(child[1]) == pid:
            ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", TMUX_SOCKET, *args], capture_output=True, text=True, check=True).stdout


def wait_until_idle(pid: int, timeout: float = 300) -> float:
    """Until the process used under 5% of a CPU over a second, twice in a row; returns the seconds waited."""
    started = time.perf_counter()
    quiet = 0
    last = cpu_seconds(pid)
    while time.perf_counter() - started < timeout and quiet < 2:
        time.sleep(1)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now
    return time.perf_counter() - started


def open_session(name: str, url: str) -> int:
    environment = ["-e", f"CUSTTUI_DATABASE_URL={url}"]
    if os.environ.get("PYTHONPATH"):  # custtui from another source tree (see --help)
        environment += ["-e", f"PYTHONPATH={os.environ['PYTHONPATH']}"]
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", *environment, str(CUSTTUI))
    return int(tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())


def type_in(name: str, text: str) -> None:
    tmux("send-keys", "-t", name, "/")
    time.sleep(0.2)
    for char in text:
        tmux("send-keys", "-t", name, "-l", char)
        time.sleep(0.08)


def real_process_memory(url: str, query: str) -> None:
    if shutil.which("tmux") is None:
        print("  memory: tmux not installed")
        return
    try:
        first = open_session("s1", url)
        waited = wait_until_idle(first)
        idle = status_mib(first, "VmRSS")
        type_in("s1", query)
        wait_until_idle(first)
        one = status_mib(first, "VmRSS")
        screen = tmux("capture-pane", "-p", "-t", "s1")
        status = next((line.strip() for line in screen.splitlines() if "match" in line), "?")
        print(f"  memory, custtui in tmux: idle after {waited:4.1f} s VmRSS {idle:,.0f} MiB; after typing "
              f"{query!r} ({status}) VmRSS {one:,.0f} MiB, VmHWM {status_mib(first, 'VmHWM'):,.0f} MiB")
        second = open_session("s2", url)
        wait_until_idle(second)
        type_in("s2", query)
        wait_until_idle(second)
        wait_until_idle(first, timeout=10)
        print(f"  memory, two sessions on the same database: VmRSS {status_mib(first, 'VmRSS'):,.0f} MiB and "
              f"{status_mib(second, 'VmRSS'):,.0f} MiB (VmHWM {status_mib(first, 'VmHWM'):,.0f} and "
              f"{status_mib(second, 'VmHWM'):,.0f} MiB)")
    except (subprocess.CalledProcessError, FileNotFoundError, ValueError) as error:
        print(f"  memory: could not measure in tmux ({error})")
    finally:
        subprocess.run(["tmux", "-L", TMUX_SOCKET, "kill-server"], capture_output=True, check=False)


# --- the database -------------------------------------------------------------------


def prepare_database(args: argparse.Namespace, folder: Path) -> str:
    """A URL the benchmark may write to: a copy of a SQLite --db, a new demo database, or --db itself."""
    if args.db is None:
        url = f"sqlite:///{folder / 'demo.db'}"
        started = time.perf_counter()
        subprocess.run([str(CUSTTUI), "demo", "--db", url, "--customers", str(args.customers), "--seed", str(args.seed)],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"demo database: {args.customers:,} customers in {time.perf_counter() - started:.1f} s")
        return url
    parsed = make_url(args.db)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        copy = folder / "copy.db"
        source = sqlite3.connect(f"file:{Path(parsed.database).expanduser()}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        with target:
            source.backup(target)
        source.close()
        target.close()
        return f"sqlite:///{copy}"
    return str(args.db)


def code_measured() -> str:
    """Which custtui runs: the checkout's commit, and whether its src/ has uncommitted changes."""
    source = Path(custtui.__file__).resolve().parents[1]
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "log", "-1", "--format=%h"], capture_output=True, text=True, check=False).stdout.strip()
    if source != ROOT / "src":
        return f"custtui from {source} (checkout at {commit or '?'})"
    dirty = subprocess.run([*git, "status", "--porcelain", "src"], capture_output=True, text=True, check=False).stdout
    return f"commit {commit or '?'}" + (" + uncommitted changes in src/" if dirty.strip() else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a filled database (a SQLite file is copied first); default: a new demo database")
    parser.add_argument("--customers", type=int, default=100_000, help="customers of the demo database (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=20, help="queries typed at human speed (default 20)")
    parser.add_argument("--bursts", type=int, default=10, help="queries typed in bursts (default 10)")
    parser.add_argument("--gap", type=float, default=0.08, help="seconds between keys at human speed (default 0.08)")
    parser.add_argument("--no-tmux", action="store_true", help="skip the memory figures of custtui as a real process")
    args = parser.parse_args()

    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs; {code_measured()}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        url = prepare_database(args, folder)
        engine = make_engine(url)
        user = run_unit(engine, current_user)
        rows = _customer_rows(engine)
        queries = make_queries(rows, random.Random(args.seed), args.queries + args.bursts)
        human, bursts = queries[: args.queries], queries[args.queries :]
        lines = folder / "fzf.txt"
        fzf_lines(rows, lines)
        count = len(rows)
        del rows  # not to be walked by the app's collections
        gc.collect()
        print(f"\n{count:,} customers ({engine.dialect.name}), user {user.login}; queries such as "
              + ", ".join(repr(q.text) for q in human[: len(KINDS)]))
        run = asyncio.run(run_app(engine, user, human, bursts, args.gap))
        service_line(run.index, human + bursts)
        fzf_line(lines, human + bursts)
        del run
        engine.dispose()
        if not args.no_tmux:
            real_process_memory(url, human[1].text if len(human) > 1 else "peeters gent")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
