"""Notice other users' commits: LISTEN/NOTIFY on PostgreSQL, PRAGMA data_version on SQLite.

A watcher runs in its own thread with its own connection and calls
`on_change()` (from that thread) when the database may hold something new;
the caller then reads the change feed (services.changes). It never raises:
a lost connection is retried with backoff, and after a reconnect it calls
`on_change()` once, since notifications may have been missed meanwhile.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "custtui_changes"
POLL_SECONDS = 0.5  # SQLite: well inside the 2 s users may wait to see a change
RECONNECT_MAX_SECONDS = 10.0


class ChangeWatcher:
    def __init__(self, on_change: Callable[[], object]) -> None:
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run_forever, name=type(self).__name__, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run_forever(self) -> None:
        delay = 0.5
        first = True
        while not self._stop.is_set():
            try:
                self._watch(announce_start=not first)
                delay = 0.5
            except Exception as error:  # noqa: BLE001 - a watcher must outlive any fault
                log.info("change watcher lost its connection, retrying in %.1f s: %s", delay, error)
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            first = False

    def _watch(self, announce_start: bool) -> None:
        raise NotImplementedError


class SQLiteWatcher(ChangeWatcher):
    """Polls PRAGMA data_version, which changes when another connection commits."""

    def __init__(self, path: str, on_change: Callable[[], object]) -> None:
        super().__init__(on_change)
        self.path = path

    def _watch(self, announce_start: bool) -> None:
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        try:
            version = connection.execute("PRAGMA data_version").fetchone()[0]
            if announce_start:
                self.on_change()
            while not self._stop.wait(POLL_SECONDS):
                current = connection.execute("PRAGMA data_version").fetchone()[0]
                if current != version:
                    version = current
                    self.on_change()
        finally:
            connection.close()


class PostgresWatcher(ChangeWatcher):
    """LISTENs on the channel the audit_event trigger notifies (migration 0003)."""

    def __init__(self, conninfo: str, on_change: Callable[[], object]) -> None:
        super().__init__(on_change)
        self.conninfo = conninfo

    def _watch(self, announce_start: bool) -> None:
        import psycopg  # noqa: PLC0415 - psycopg is the postgres extra

        with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            if announce_start:
                self.on_change()
            while not self._stop.is_set():
                # A burst of notifications (a merge, an import) is one change for us.
                if any(True for _notify in connection.notifies(timeout=0.5, stop_after=1)):
                    self.on_change()


def watcher_for(engine: Engine, on_change: Callable[[], object]) -> ChangeWatcher | None:
    """The watcher for this engine's database, or None (an in-memory SQLite database)."""
    url = engine.url
    if engine.dialect.name == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return SQLiteWatcher(url.database, on_change)
    if engine.dialect.name == "postgresql":
        return PostgresWatcher(url.set(drivername="postgresql").render_as_string(hide_password=False), on_change)
    return None
