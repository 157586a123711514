"""How fast the customer list opens and scrolls at 10k and 100k customers.

    .venv/bin/python benchmarks/list_open.py [--sizes 10000 100000]

Runs the real app headless at 80x24 on a SQLite demo database and prints:
time to the first painted page, time until every id is loaded (the list is
usable from then on), and the time per page-down and per cursor step
(each includes the render, and the wait for rows read in a thread when the
view shows "…"; moves come at key-repeat speed, 30 a second). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from custtui.db import make_engine, migrate
from custtui.demo import generate_demo
from custtui.models import Role, User
from custtui.tui.app import CusttuiApp
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
    print(f"{size:>8,} customers: first page painted, all ids loaded {loaded:5.2f} s; search index ready {index_ready:5.2f} s")
    if lags:
        print(f"          UI loop lag while indexing p50 {statistics.median(lags):5.1f} ms  "
              f"p95 {percentile(lags, 0.95):5.1f} ms  max {max(lags):5.1f} ms")
    print(f"          page down repaint  p50 {statistics.median(page_downs):5.2f} ms  "
          f"p95 {percentile(page_downs, 0.95):5.2f} ms  max {max(page_downs):5.2f} ms")
    print(f"          cursor step repaint p50 {statistics.median(steps):5.2f} ms  p95 {percentile(steps, 0.95):5.2f} ms")
    print(f"          jump to the end    {end_ms:5.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    for size in args.sizes:
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


if __name__ == "__main__":
    main()
