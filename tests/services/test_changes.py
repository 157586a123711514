"""Other users' commits are noticed (the watcher) and named (the change feed), on SQLite and PostgreSQL.

The screens that follow them are tested in tests/tui/test_live_refresh.py;
how soon a change is noticed (within 2 s) is measured by
benchmarks/shared_use.py, not asserted here.
"""

from __future__ import annotations

import threading

from helpers import edit_customer, make_customer, make_installation, make_location, make_mission
from sqlalchemy import Engine
from sqlmodel import Session

from custtui.models import User
from custtui.services import changes, contacts, notes
from custtui.watch import watcher_for

# Long enough for a loaded machine: the test waits for the change, it does not time it.
WAIT_S = 10.0


def _until_listening(engine: Engine, admin: User, seen: threading.Event) -> None:
    """Commit probes until the watcher notices one: from then on it sees every commit."""
    with Session(engine) as session:
        probe = make_customer(session, admin, "Probe")
        for attempt in range(10):
            seen.clear()
            edit_customer(session, admin, probe.id, internal_name=f"probe {attempt}")  # type: ignore[arg-type]
            if seen.wait(WAIT_S / 10):
                return
    raise AssertionError("the watcher never noticed a commit")


def test_the_watcher_sees_another_connection_commit(engine: Engine, admin: User) -> None:
    seen = threading.Event()
    watcher = watcher_for(engine, seen.set)
    assert watcher is not None
    watcher.start()
    try:
        _until_listening(engine, admin, seen)
        seen.clear()
        with Session(engine) as session:
            make_customer(session, admin, "Bakkerij Peeters")
        assert seen.wait(WAIT_S), "no change noticed"
    finally:
        watcher.stop()


def test_the_change_feed_names_the_customers_touched(engine: Engine, admin: User) -> None:
    with Session(engine, expire_on_commit=False) as session:
        since = changes.latest_event_id(session)
        first = make_customer(session, admin, "Bakkerij Peeters")
        second = make_customer(session, admin, "Garage Janssens")
        untouched_since = changes.latest_event_id(session)
        site = make_location(session, admin, second)
        make_installation(session, admin, site)
        batch = changes.changes_since(session, since)
        assert batch.customer_ids == {first.id, second.id} and batch.logins == {"alice"}
        later = changes.changes_since(session, untouched_since)
        assert later.customer_ids == {second.id}  # location and installation count for their customer
        third = make_customer(session, admin, "Derde")
        mark = changes.latest_event_id(session)
        make_mission(session, admin, third, make_location(session, admin, third))
        assert changes.changes_since(session, mark).customer_ids == {third.id}
        # A note or a contact counts for its customer alone (not a reload of every list).
        mark = changes.latest_event_id(session)
        note = notes.add_note(session, admin, first.id, "Called")  # type: ignore[arg-type]
        contacts.add_contact(session, admin, second.id, contacts.ContactInput(name="An"))  # type: ignore[arg-type]
        session.commit()
        assert changes.changes_since(session, mark).customer_ids == {first.id, second.id}
        mark = changes.latest_event_id(session)
        notes.delete_note(session, admin, note.id)  # type: ignore[arg-type]
        session.commit()
        assert changes.changes_since(session, mark).customer_ids == {first.id}
        assert changes.changes_since(session, changes.latest_event_id(session)).empty
