"""Backups: a consistent copy of a SQLite database while the app is in use.

The copy is made with SQLite's online backup API, a few pages at a time with
a short pause between steps. In WAL mode (custtui's default) the copy reads
one snapshot, held open across the steps: the apps go on writing meanwhile
and the copy is exactly the database as it was when the backup began,
including committed rows still in the -wal file. In rollback-journal mode a
held snapshot would block the writers, so the steps run without one; SQLite
starts the copy again whenever another connection writes, and after a few
such restarts everything is copied in one step.

The copy is written to a temporary file next to FILE, checked with
`PRAGMA integrity_check`, switched to a plain rollback journal (one
self-contained file) and only then renamed to FILE.

PostgreSQL is backed up with pg_dump; `pg_dump_command` builds the advice.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, make_url

from custtui.db import parse_url, sqlite_file
from custtui.errors import DomainError
from custtui.i18n import _, join_clauses

DEFAULT_PAGES_PER_STEP = 1024  # 4 MB with SQLite's default 4 KB pages
DEFAULT_PAUSE_SECONDS = 0.005
MAX_RESTARTS = 3
BUSY_TIMEOUT_SECONDS = 10.0


class BackupRefused(DomainError):
    """Not done on purpose (FILE exists, FILE is the database itself, ...): exit code 1."""


class PostgresBackup(BackupRefused):
    """The database is PostgreSQL: `command` is a pg_dump command line to use instead."""

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command


class BackupFailed(DomainError):
    """The database cannot be read or the copy is damaged: nothing was written to FILE."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    customers: int
    size: int  # bytes
    seconds: float
    journal_mode: str  # of the source: "wal" or a rollback journal mode
    restarts: int  # steps without progress: another connection wrote (SQLite began again) or held the lock


class _TooManyRestarts(Exception):
    pass


def pg_dump_command(url: Any, target: str | os.PathLike[str]) -> str:
    """`pg_dump --format=custom --file=FILE URL` for a PostgreSQL URL, without its password."""

    given = make_url(url)
    # libpq's own URL: no SQLAlchemy driver name, and never the password
    # (URL.set() cannot remove one).
    plain = URL.create(
        "postgresql", given.username, None, given.host, given.port, given.database, given.query
    )
    return shlex.join(["pg_dump", "--format=custom", f"--file={os.fspath(target)}", plain.render_as_string(hide_password=False)])


def _sqlite_file(url: str, target: Path) -> tuple[str, dict[str, Any], Path | None]:
    """sqlite3.connect() arguments for the database of `url`, and its file (None for URI forms)."""
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        command = pg_dump_command(parsed, target)
        raise PostgresBackup(
            _(
                "custtui backup copies SQLite databases only. Back up PostgreSQL with pg_dump, for example: "
                "{command} (the password comes from ~/.pgpass or PGPASSWORD)"
            ).format(command=command),
            command,
        )
    if backend != "sqlite":
        raise BackupRefused(
            _("custtui backup copies SQLite databases only; back up a {backend} database with its own tools.").format(
                backend=backend
            )
        )
    database = parsed.database or ""
    if database in ("", ":memory:"):
        raise BackupRefused(_("An in-memory database cannot be backed up."))

    args, options = SQLiteDialect_pysqlite().create_connect_args(parsed)
    if options.get("uri"):
        # `sqlite:///file:...?mode=ro&uri=true`: opened as written.
        return args[0], {"uri": True}, None
    path = Path(args[0]).resolve()  # as the app opens it (SQLAlchemy does not expand ~)
    if not path.is_file():
        raise BackupFailed(_("There is no database file at {path}.").format(path=path))
    # mode=rw: never creates a file (read-only when the OS write-protects it).
    return f"file:{quote(str(path))}?mode=rw", {"uri": True}, path


def _check_target(target: Path, source: Path | None, force: bool) -> None:
    if source is not None:
        companions = {Path(f"{source}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
        same = target in companions or (target.exists() and source.exists() and os.path.samefile(target, source))
        if same:
            raise BackupRefused(
                _("{path} is the database itself (or one of its files): choose another file.").format(path=target)
            )
    if target.is_dir():
        raise BackupRefused(_("{path} is a folder: give the name of the backup file.").format(path=target))
    if target.exists() and not force:
        raise BackupRefused(_("{path} already exists: add --force to overwrite it.").format(path=target))
    _refuse_if_journal_beside(target)


def _refuse_if_journal_beside(path: Path) -> None:
    """A database file with a -wal or -journal beside it is open, or was not
    closed cleanly: SQLite would apply that file to whatever is read or copied there."""
    for suffix in ("-wal", "-journal"):
        if Path(f"{path}{suffix}").exists():
            raise BackupRefused(
                _("{path} is in use ({companion} exists): close what uses it, or choose another file.").format(
                    path=path, companion=f"{path.name}{suffix}"
                )
            )


def _copy(
    source: sqlite3.Connection, copy: sqlite3.Connection, journal_mode: str, pages: int, pause: float
) -> int:
    """Run the online backup; returns the number of steps that made no progress."""
    restarts = 0
    previous: int | None = None

    def step_done(_status: int, remaining: int, _total: int) -> None:
        nonlocal previous, restarts
        if previous is not None and remaining >= previous and remaining > 0:
            restarts += 1  # another connection wrote (SQLite began again) or held the lock
            if restarts > MAX_RESTARTS:
                raise _TooManyRestarts
        previous = remaining
        if remaining > 0 and pause > 0:
            time.sleep(pause)  # let the apps have the disk and, without WAL, the lock

    def run() -> None:
        try:
            source.backup(copy, pages=pages, progress=step_done)
        except _TooManyRestarts:
            # The writers never pause long enough: copy it all in one step
            # (they wait for it, up to their busy timeout).
            source.backup(copy, pages=-1)

    if journal_mode != "wal":
        run()
        return restarts
    # One read snapshot across all steps: consistent, and in WAL mode a
    # reader never blocks a writer.
    source.execute("BEGIN")
    try:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        run()
    finally:
        source.execute("COMMIT")
    return restarts


def backup_database(
    url: str,
    target: str | os.PathLike[str],
    *,
    force: bool = False,
    pages: int = DEFAULT_PAGES_PER_STEP,
    pause: float = DEFAULT_PAUSE_SECONDS,
) -> BackupResult:
    """Copy the SQLite database of `url` to `target`, consistently, while it may be in use.

    Raises PostgresBackup (with a pg_dump command) for PostgreSQL, BackupRefused
    when `target` exists (without `force`) or is the database itself,
    BackupFailed when the database cannot be read or the copy fails its
    integrity check; sqlite3.Error passes through. `target` is only ever
    replaced by a complete, checked copy.
    """
    started = time.perf_counter()
    target = Path(target).expanduser().absolute()
    connect_to, options, source_path = _sqlite_file(url, target)
    _check_target(target, source_path, force)
    try:
        handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise BackupRefused(
            _("Cannot write the backup to {path}: {reason}").format(path=target, reason=error.strerror or error)
        ) from error
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        source = sqlite3.connect(connect_to, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, **options)
        try:
            journal_mode = str(source.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            copy = sqlite3.connect(temporary, isolation_level=None)
            try:
                restarts = _copy(source, copy, journal_mode, pages, pause)
                # One self-contained file (no -wal beside it); a restored
                # database goes back to WAL when custtui opens it.
                copy.execute("PRAGMA journal_mode=DELETE").fetchone()
                problems = [row[0] for row in copy.execute("PRAGMA integrity_check").fetchall()]
                if problems != ["ok"]:
                    raise BackupFailed(
                        _("The copy failed its integrity check, so {path} was not written: {problems}").format(
                            path=target, problems=join_clauses(problems[:3])
                        )
                    )
                try:
                    customers = int(copy.execute("SELECT count(*) FROM customer").fetchone()[0])
                except sqlite3.OperationalError as error:
                    raise BackupRefused(
                        _("{url} is not a custtui database: it has no customer table.").format(url=url)
                    ) from error
            finally:
                copy.close()
        finally:
            source.close()
        _sync_file(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)
    return BackupResult(
        path=target,
        customers=customers,
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
        journal_mode=journal_mode,
        restarts=restarts,
    )


def _sync_file(path: Path) -> None:
    """The file's contents on disk before it is renamed into place."""
    with path.open("rb+") as written:
        os.fsync(written.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# --- restore, and a -wal file that does not belong -----------------------------

# SQLite applies whatever -wal file lies beside a database. After a backup
# was copied over the database while an old -wal was left, that WAL's pages
# land on the restored file: a silently damaged database. Nothing in the WAL
# names its database, so it is checked the way SQLite would read it: on a
# read-only connection (which never checkpoints), before anything writes.

_WAL_MAGIC = (0x377F0682, 0x377F0683)
# SQLite's unix VFS: every connection holds a shared lock on this byte of the
# -shm file while it has the database open (the "DMS" lock).
_SHM_DMS_BYTE = 128


class WalMismatch(BackupFailed):
    """The -wal file beside the database does not belong to it; nothing was written."""


def database_in_use(path: Path) -> bool:
    """True while another process has the SQLite database at `path` open (WAL mode)."""
    import fcntl  # noqa: PLC0415 - POSIX only

    shm = Path(f"{path}-shm")
    try:
        descriptor = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(descriptor)


def _page_size(header: bytes) -> int:
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def check_wal_belongs(path: Path) -> None:
    """Refuse (WalMismatch) a database whose leftover -wal file does not belong to it.

    A WAL that processes have open is theirs and is not checked; nor is an
    empty one. Otherwise the database must be in WAL mode, the WAL must have
    its page size, and the two together must pass PRAGMA quick_check.
    """
    wal = Path(f"{path}-wal")
    try:
        if wal.stat().st_size == 0:
            return
    except OSError:
        return
    if database_in_use(path):
        return
    refusal = WalMismatch(
        _(
            "The file {wal} beside the database does not belong to it (left over from before a restore?), so the "
            "database was not opened and nothing was written. If you restored a backup: stop every custtui, delete "
            "{wal} and {shm}, or restore with: custtui restore BACKUP"
        ).format(wal=wal, shm=Path(f"{path}-shm"))
    )
    with path.open("rb") as database, wal.open("rb") as journal:
        database_header, wal_header = database.read(100), journal.read(32)
    if len(wal_header) < 32 or int.from_bytes(wal_header[:4], "big") not in _WAL_MAGIC:
        raise refusal
    if len(database_header) == 100:
        if int.from_bytes(wal_header[8:12], "big") != _page_size(database_header):
            raise refusal
        # Bytes 18-19 are 2 in a database in WAL mode, which custtui's files
        # are from their first open on; SQLite leaves WAL mode only after
        # emptying the -wal. A rollback-journal header (a backup copied in:
        # backups are one self-contained file) beside a full -wal means the
        # two never met.
        if database_header[18] != 2 or database_header[19] != 2:
            raise refusal
    try:
        check = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None)
        try:
            problems = [row[0] for row in check.execute("PRAGMA quick_check").fetchall()]
        finally:
            check.close()
    except sqlite3.DatabaseError as error:
        raise refusal from error
    if problems != ["ok"]:
        raise refusal


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    customers: int
    removed: list[Path]  # stale -wal/-shm files


def restore_database(url: str, backup: str | os.PathLike[str]) -> RestoreResult:
    """Put the backup file in place of the SQLite database of `url`, safely.

    Refused while any process has the database open. The backup is checked
    (integrity_check, a customer table) before anything is touched, copied
    to a temporary file beside the database, the old -wal and -shm files are
    removed, and the copy is renamed over the database.
    """
    source = Path(backup).expanduser().absolute()
    if not source.is_file():
        raise BackupRefused(_("There is no backup file at {path}.").format(path=source))
    target = _restore_target(url, source)
    if database_in_use(target):
        raise BackupRefused(
            _("The database {path} is in use: stop every custtui that uses it, then restore.").format(path=target)
        )
    _refuse_if_journal_beside(source)
    handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".restore", dir=target.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        reader = sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True, isolation_level=None)
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            reader.backup(copy)
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check").fetchall()]
            if problems != ["ok"]:
                raise BackupFailed(
                    _("The backup {path} failed its integrity check; nothing was restored: {problems}").format(
                        path=source, problems=join_clauses(problems[:3])
                    )
                )
            try:
                customers = int(copy.execute("SELECT count(*) FROM customer").fetchone()[0])
            except sqlite3.OperationalError as error:
                raise BackupRefused(
                    _("{path} is not a custtui backup: it has no customer table.").format(path=source)
                ) from error
            copy.execute("PRAGMA journal_mode=DELETE").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupFailed(
                _("The backup {path} cannot be read; nothing was restored: {reason}").format(path=source, reason=error)
            ) from error
        finally:
            copy.close()
            reader.close()
        _sync_file(temporary)
        removed = []
        for suffix in ("-wal", "-shm", "-journal"):
            stale = Path(f"{target}{suffix}")
            if stale.exists():
                stale.unlink()
                removed.append(stale)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)
    return RestoreResult(path=target, customers=customers, removed=removed)


def _restore_target(url: str, source: Path) -> Path:
    """The database file of `url` to restore into; it need not exist yet, its folder must."""
    database = parse_url(url).database or ""
    file = sqlite_file(url)
    if file is None or database.startswith("file:"):
        raise BackupRefused(_("custtui restore puts a backup back into a SQLite database file only."))
    target = file.absolute()
    if not target.parent.is_dir():
        raise BackupRefused(_("The folder {folder} does not exist.").format(folder=target.parent))
    if target.exists() and os.path.samefile(target, source):
        raise BackupRefused(
            _("{path} is the database itself (or one of its files): choose another file.").format(path=source)
        )
    return target
