"""Engine, sessions, SQLite pragmas and Alembic migrations."""

from __future__ import annotations

import ast
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session

from custtui.config import mask_secrets, masked_url
from custtui.errors import DatabaseProblem, DatabaseUnusable, DomainError, HalfMigrated
from custtui.i18n import _

T = TypeVar("T")
log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Pragmas are per connection: set them on every pooled one, not once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def parse_url(url: str | URL) -> URL:
    """`url` parsed, or DatabaseUnusable saying it is not a database URL (password masked)."""
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseUnusable(_("Not a database URL: {url}").format(url=masked_url(url))) from None


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite database URL, also in the file: URI form; None for others and in-memory."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    database = parsed.database.removeprefix("file:").split("?", 1)[0]
    if not database or database == ":memory:":
        return None
    return Path(database).expanduser()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for any SQLAlchemy URL; PostgreSQL goes through psycopg 3."""
    parsed = parse_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            # "~/custtui.db" means the home folder, for SQLite as for the shell.
            path = Path(database).expanduser()
            parsed = parsed.set(database=str(path))
            if not path.parent.is_dir():
                # A typo must not create a new, empty database somewhere (the
                # default data folder is made by config.ensure_default_folder).
                raise DatabaseUnusable(
                    _("The folder {folder} of the database does not exist: check the path, or create the folder first.")
                    .format(folder=path.parent)
                )
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except ModuleNotFoundError as error:
        if (error.name or "").startswith("psycopg"):
            # The driver is an extra: an office on SQLite does not install it.
            raise DatabaseUnusable(
                _("PostgreSQL needs its driver: install custtui with the postgres extra, pip install 'custtui[postgres]'.")
            ) from None
        raise DatabaseUnusable(
            mask_secrets(_("Cannot use database URL {url}: {reason}").format(url=masked_url(url), reason=error), url)
        ) from None
    except Exception as error:  # noqa: BLE001 - an unknown dialect, driver or option: the URL's fault
        raise DatabaseUnusable(
            mask_secrets(_("Cannot use database URL {url}: {reason}").format(url=masked_url(url), reason=error), url)
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config  # noqa: PLC0415 - alembic loads only when the schema is checked or migrated

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _schema_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a whole schema change, DDL included.

    Python's sqlite3 module commits each DDL statement on its own (it only
    opens transactions before DML), so a migration killed half-way used to
    leave tables of the next revision behind without their revision number.
    SQLite itself has transactional DDL: take the transaction handling away
    from the module, BEGIN IMMEDIATE ourselves and commit once at the end.
    Foreign keys are off while tables are rebuilt (that pragma is a no-op
    inside a transaction) and checked before the commit.
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:  # PostgreSQL's DDL is transactional already
            yield connection
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        saved_isolation = raw.isolation_level
        raw.isolation_level = None
        try:
            raw.execute("PRAGMA foreign_keys=OFF")
            # SQLAlchemy's transaction (Alembic sees it and opens none of its
            # own); its begin emits nothing on SQLite, so the BEGIN is ours.
            with connection.begin():
                raw.execute("BEGIN IMMEDIATE")
                yield connection
                problems = raw.execute("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"the migration leaves rows without their parent: {problems[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
            raw.isolation_level = saved_isolation


def migrate(engine: Engine, revision: str = "head", *, creator: str | None = None) -> list[str]:
    """Bring the schema to `revision` (head by default) with Alembic, all or nothing.

    `creator` is the login that created a new database; it is recorded as
    the database's owner, who alone may claim the first admin
    (services.auth). Returns the names of leftovers of an earlier,
    interrupted upgrade that were removed first (see repair_leftovers).
    """
    from alembic import command  # noqa: PLC0415 - alembic loads only when the schema is checked or migrated

    created = current_revision(engine) is None
    repaired: list[str] = []
    try:
        with _schema_transaction(engine) as connection:
            command.upgrade(_alembic_config(connection), revision)
            _record_creator(connection, creator if created else None)
    except OperationalError as error:
        if engine.dialect.name != "sqlite" or not _is_leftover_error(error):
            raise
        with _schema_transaction(engine) as connection:
            repaired = repair_leftovers(connection, revision)
            if not repaired:
                raise
            command.upgrade(_alembic_config(connection), revision)
            _record_creator(connection, creator if created else None)
        log.warning("removed leftovers of an interrupted upgrade: %s", ", ".join(repaired))
    return repaired


def _record_creator(connection: Connection, creator: str | None) -> None:
    if creator is None or "database_setting" not in inspect(connection).get_table_names():
        return
    connection.execute(
        text("INSERT INTO database_setting (name, value) VALUES ('created_by', :login)"), {"login": creator}
    )


def _is_leftover_error(error: OperationalError) -> bool:
    lowered = _reason(error).lower()
    return "already exists" in lowered or "duplicate column" in lowered


def repair_leftovers(connection: Connection, revision: str = "head") -> list[str]:
    """Remove what an interrupted, non-atomic upgrade of an older custtui left behind.

    Before migrations ran in one transaction, a killed upgrade could leave
    some tables or indexes of the next revision without the revision being
    recorded, and every later upgrade then stopped at "table ... already
    exists". The objects found beyond the recorded revision's schema, and
    belonging to the pending revisions, are dropped when they hold no rows,
    so that the upgrade can run again whole. Anything holding data is left
    alone, with an explanation (HalfMigrated).
    """
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 - alembic loads only when the schema is checked or migrated

    stored = MigrationContext.configure(connection).get_current_revision()
    expected_now = _schema_objects_at(stored)
    expected_after = _schema_objects_at(revision)
    actual = {
        (kind, name): table
        for kind, name, table in connection.exec_driver_sql(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        )
    }
    leftovers = [
        key for key in actual
        if key not in expected_now and (key in expected_after or key[1].startswith("_alembic_tmp_"))
    ]
    blocking = [
        name for kind, name in leftovers
        if kind == "table" and connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
    ]
    if blocking:
        raise HalfMigrated(
            _(
                "The database was left half-upgraded by an interrupted upgrade of an older custtui: it is at "
                "revision {revision} but already holds data in {names} of a later one. Nothing was changed; "
                "restore the backup made before the upgrade."
            ).format(revision=stored or "-", names=", ".join(blocking))
        )
    order = {"trigger": 0, "view": 1, "index": 2, "table": 3}
    for kind, name in sorted(leftovers, key=lambda key: order.get(key[0], 9)):
        connection.exec_driver_sql(f'DROP {kind.upper()} IF EXISTS "{name}"')
    return sorted(name for _kind, name in leftovers)


def _schema_objects_at(revision: str | None) -> set[tuple[str, str]]:
    """(type, name) of every schema object a fresh SQLite database has at `revision`."""
    from alembic import command  # noqa: PLC0415 - alembic loads only when the schema is checked or migrated

    if revision is None:
        return set()
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)
            return {
                (kind, name)
                for kind, name in connection.exec_driver_sql(
                    "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                )
            }
    finally:
        engine.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command  # noqa: PLC0415 - alembic loads only when the schema is checked or migrated

    with _schema_transaction(engine) as connection:
        command.downgrade(_alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 - alembic loads only when the schema is checked or migrated

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory  # noqa: PLC0415 - alembic loads only when the schema is checked or migrated

    return ScriptDirectory.from_config(_alembic_config(None)).get_current_head()


# --- is the schema current? (every start asks; without Alembic) -----------------

MIGRATIONS_FOLDER = Path(__file__).parent / "migrations" / "versions"
# `revision: str = '0008'` and `down_revision: str | None = '0007'` (or None, or a tuple where branches merge),
# as Alembic's template writes them at the top of each migration.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE)


def head_revision_of_files(folder: Path = MIGRATIONS_FOLDER) -> str | None:
    """The head revision, read from the migration files without loading Alembic (which costs 0.15 s).

    None when it cannot be told for sure: a .py file whose revision or
    down_revision line is not a plain literal, no file, or more than one head.
    Alembic then decides, as it does every migration (tests check that both
    name the same head).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in folder.glob("*.py"):
        if path.name.startswith("_"):  # __init__.py: Alembic reads no revision from it either
            continue
        found: dict[str, object] = {}
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if name in found:
                return None
            try:
                found[name] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return None
        revision, down = found.get("revision"), found.get("down_revision", ...)
        if not isinstance(revision, str) or revision in revisions:
            return None
        if down is None:
            down = ()
        elif isinstance(down, str):
            down = (down,)
        if not isinstance(down, tuple | list) or not all(isinstance(parent, str) for parent in down):
            return None
        revisions.add(revision)
        parents.update(down)
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return None
    return heads.pop()


def schema_is_current(engine: Engine) -> bool:
    """True when the database's alembic_version holds the head revision: one SELECT, Alembic not loaded.

    False for anything else (an older or newer revision, a new or foreign
    database without the table): then Alembic looks, as migrate and
    current_revision do. A database that cannot be reached or opened fails
    here, with the error that Alembic's look would have met.
    """
    head = head_revision_of_files()
    if head is None:
        return False
    with engine.connect() as connection:
        try:
            stored = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        except DBAPIError:  # no alembic_version table (yet)
            return False
    return stored == [head]


def table_names(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()


# --- faults and retries ------------------------------------------------------

# SQLite reports lock contention it could not wait out (a read transaction
# that wants to write after another writer committed) at once, without the
# busy timeout; PostgreSQL reports serialization failures and deadlocks. The
# whole unit of work is rolled back in each case, so running it again is safe.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}
RETRY_ATTEMPTS = 12
RETRY_FIRST_DELAY = 0.02
RETRY_MAX_DELAY = 1.0


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


def _sqlstate(error: BaseException) -> str | None:
    original = getattr(error, "orig", None)
    return getattr(original, "sqlstate", None) or getattr(getattr(original, "diag", None), "sqlstate", None)


def is_transient(error: BaseException) -> bool:
    """True for errors that go away when the same unit of work runs again."""
    if not isinstance(error, DBAPIError):
        return False
    lowered = _reason(error).lower()
    if "database is locked" in lowered or "database table is locked" in lowered or "database is busy" in lowered:
        return True
    return _sqlstate(error) in _TRANSIENT_SQLSTATES


def problem_kind(error: BaseException) -> str | None:
    """What kind of database fault `error` is, or None if it is not one.

    Also for sqlite3's own errors, which reach us unwrapped from the backup API.
    """
    if not isinstance(error, DBAPIError | OSError | sqlite3.Error):
        return None
    if is_transient(error):
        return "busy"
    lowered = _reason(error).lower()
    sqlstate = _sqlstate(error) or ""
    if "readonly" in lowered or "read-only" in lowered or sqlstate == "25006" or "permission denied" in lowered:
        return "read_only"
    if "disk is full" in lowered or "no space left" in lowered or sqlstate == "53100" or "disk i/o error" in lowered:
        return "disk_full"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return "corrupt"
    if (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ) or sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03") or any(
        words in lowered
        for words in ("connection refused", "server closed", "could not connect", "terminating connection",
                      "connection is closed", "the connection is lost", "consuming input failed",
                      "failed to resolve host", "timeout expired", "timed out", "no route to host",
                      "network is unreachable", "unable to open database file", "no such file")
    ):
        return "unreachable"
    return "other"


def database_problem(error: BaseException, *, url: str | None = None) -> DatabaseProblem:
    """A database fault as the user is told it: what happened, and that nothing was saved.

    With `url` (opening the database, in the CLI) the message names the
    database and what to do about it instead.
    """
    kind = problem_kind(error) or "other"
    if url is not None:
        return DatabaseProblem(mask_secrets(_opening_message(url, error, kind), url), kind)
    messages = {
        "busy": _("The database is busy with other users' work. Nothing was saved; try again."),
        "read_only": _("The database is read-only for you. Nothing was saved; ask an administrator."),
        "disk_full": _("The database disk is full. Nothing was saved; ask an administrator to free space."),
        "corrupt": _("The database file is damaged. Nothing was saved; ask an administrator to restore a backup."),
        "unreachable": _("The database cannot be reached. Nothing was saved; try again in a moment."),
    }
    message = messages.get(kind) or _("The database refused the change: {reason}. Nothing was saved.").format(
        reason=_reason(error)
    )
    read_messages = {
        "busy": _("The database is busy with other users' work; try again in a moment."),
        "corrupt": _("The database file is damaged; ask an administrator to restore a backup."),
        "unreachable": _("The database cannot be reached; try again in a moment."),
        "other": _("The database could not be read: {reason}.").format(reason=_reason(error)),
    }
    return DatabaseProblem(message, kind, read_messages.get(kind))


def _opening_message(url: str, error: BaseException, kind: str) -> str:
    """One line for a database that cannot be used: what is wrong and what to do."""
    shown_url = masked_url(url)
    reason = _reason(error)
    try:
        parsed: URL | None = parse_url(url)
    except DatabaseUnusable:  # not a URL: the message names it as typed
        parsed = None
    sqlite_path = sqlite_file(parsed) if parsed is not None else None
    if sqlite_path is not None and "unable to open database file" in reason.lower():
        # SQLite says no more than this: find out which of the usual causes it is.
        if sqlite_path.exists() and not os.access(sqlite_path, os.W_OK):
            kind = "read_only"
        elif sqlite_path.parent.is_dir() and not os.access(sqlite_path.parent, os.W_OK):
            return _(
                "The folder of the database {url} is read-only: custtui needs to write the database and its "
                "-wal and -shm files there."
            ).format(url=shown_url)
        else:
            return _("Cannot open the database file {url}: check the folder exists and is writable.").format(
                url=shown_url
            )
    if kind == "read_only":
        return _("The database {url} is read-only: custtui needs to write to it.").format(url=shown_url)
    if kind == "corrupt":
        return _(
            "The database file {url} is damaged or is not a custtui database ({reason}). Restore the last backup: "
            "copy the backup file over it (custtui backup --help tells how)."
        ).format(url=shown_url, reason=reason)
    if kind == "disk_full":
        return _("The disk of the database {url} is full: free some space, then try again.").format(url=shown_url)
    if kind == "busy":
        return _("The database {url} is busy (locked by another program): try again in a moment.").format(
            url=shown_url
        )
    if kind == "unreachable" and parsed is not None and parsed.host:
        port = parsed.port or {"postgresql": 5432, "mysql": 3306}.get(parsed.get_backend_name())
        server = f"{parsed.host}:{port}" if port else parsed.host
        return _(
            "Cannot use the database {url}: cannot reach the database server at {server} ({reason}). "
            "Check that it is running and accepts connections from this machine."
        ).format(url=shown_url, server=server, reason=reason.rsplit(": ", 1)[-1].strip())
    return _("Cannot use the database {url}: {reason}").format(url=shown_url, reason=reason)


def retry_delays(attempts: int = RETRY_ATTEMPTS) -> Iterator[float]:
    """Exponential backoff with full jitter, so that retrying writers spread out."""
    delay = RETRY_FIRST_DELAY
    for _attempt in range(attempts - 1):
        yield random.uniform(0, delay)
        delay = min(delay * 2, RETRY_MAX_DELAY)


def run_unit(engine: Engine, work: Callable[[Session], T], *, attempts: int = RETRY_ATTEMPTS) -> T:
    """Run `work` in one transaction (a unit_of_work), again after a transient conflict.

    Domain errors pass through unchanged; other database faults become a
    DatabaseProblem whose message says that nothing was saved.
    """
    delays = retry_delays(attempts)
    while True:
        try:
            with unit_of_work(engine) as session:
                return work(session)
        except DatabaseProblem as problem:
            delay = next(delays, None) if problem.kind == "busy" else None
            if delay is None:
                raise
            log.info("transient database conflict, retrying in %.3f s: %s", delay, _reason(problem.__cause__ or problem))
            time.sleep(delay)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """session_scope whose database faults arrive as DatabaseProblem (not retried)."""
    try:
        with session_scope(engine) as session:
            yield session
    except DomainError:
        raise
    except (DBAPIError, OSError) as error:
        raise database_problem(error) from error
