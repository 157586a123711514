"""The new customer form saved and closed while its live duplicate lookup still runs.

The lookup starts DUPLICATE_DEBOUNCE_S after the last keystroke, runs in a thread and
answers on the UI thread. It once crashed the app (NoMatches('#duplicates') from
CustomerFormScreen._show_duplicates) when its answer came after ctrl+s had saved and
closed the form. Each round types a name that has duplicates and ctrl+s in one burst,
on a database slowed by a different amount each round, so that the save ends before the
lookup starts, while it reads, and after it answered.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlmodel import Session
from textual.widgets import Select
from tui_support import fill, running_app, send_burst, wait_idle

from custtui.models import Customer
from custtui.tui.screens.customer_form import DUPLICATE_DEBOUNCE_S, CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen

ROUNDS = 20
# Per statement: the save takes from a few milliseconds to well past the debounce.
DELAYS_S = [0.0, DUPLICATE_DEBOUNCE_S / 8, DUPLICATE_DEBOUNCE_S / 4, DUPLICATE_DEBOUNCE_S / 2]


async def test_saving_at_once_while_the_duplicate_lookup_runs_never_crashes(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    delay = {"s": 0.0}

    def slow(*_args: Any) -> None:
        if delay["s"]:
            time.sleep(delay["s"])

    event.listen(sqlite_engine, "before_cursor_execute", slow)
    outlived = 0  # rounds where the lookup was still running when the form had closed
    try:
        async with running_app(sqlite_engine, known.admin) as (app, pilot):
            deadline = time.monotonic() + 30
            while app.duplicate_index is None:  # built in the background after the first paint
                assert time.monotonic() < deadline, "the duplicate index was never built"
                await pilot.pause(0.05)
            for round_ in range(ROUNDS):
                delay["s"] = DELAYS_S[round_ % len(DELAYS_S)]
                send_burst(app, "n")
                await app.key_queue.wait_until_delivered()
                await wait_idle(pilot, app)
                form = app.screen
                assert isinstance(form, CustomerFormScreen), round_
                form.query_one("#region_code", Select).value = "BE-VLG"
                send_burst(app, f"Van den Broek Jan {round_}", "ctrl+s")
                deadline = time.monotonic() + 30
                while app.screen is form:
                    assert app._exception is None, round_
                    assert time.monotonic() < deadline, f"round {round_}: the form was never saved"
                    await pilot.pause(0.01)
                outlived += any(worker.group == "form-duplicates" and worker.is_running for worker in app.workers)
                await app.key_queue.wait_until_delivered()
                await wait_idle(pilot, app)
                assert app._exception is None, round_
                assert isinstance(app.screen, CustomerListScreen), (round_, app.screen)
            delay["s"] = 0.0
            assert app.is_running and app._exception is None
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", slow)
    print(f"the lookup outlived the form in {outlived} of {ROUNDS} rounds")
    with Session(sqlite_engine) as session:
        named = Customer.name.like("Van den Broek Jan %")  # type: ignore[attr-defined]
        saved = session.execute(select(func.count()).select_from(Customer).where(named)).scalar_one()
    assert saved == ROUNDS
