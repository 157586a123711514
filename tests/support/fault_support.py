"""Database faults made on purpose, for the fault tests of the app (tests/tui) and of the command line (tests/cli)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ci_policy import unavailable
from sqlalchemy import Engine


def checkpoint(engine: Engine) -> None:
    """Everything into the main file and the WAL file emptied (as a restart leaves them)."""
    with engine.connect() as connection:
        busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    assert busy == 0


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small RAM disk at `path`; where mounting is not allowed the test is skipped (it fails under CI=true)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        unavailable("A tmpfs mount", "mounting a tmpfs needs root and mount(8)")
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
        capture_output=True, text=True, check=False,
    )
    if mounted.returncode != 0:
        unavailable("A tmpfs mount", f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def fill_the_disk(folder: Path) -> Path:
    """Write a file until the disk is full; deleting it frees the space again."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle, suppress(OSError):  # ENOSPC: the disk is full
        while True:
            handle.write(b"\0" * 4096)
    return filler


def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "garbage":
        data = bytearray(os.urandom(len(data)))
    elif how == "header":
        data[:100] = b"\xa5" * 100  # the SQLite header overwritten
    elif how == "truncated":
        data = data[: len(data) // 8]  # the file cut short (a copy that stopped half-way)
    path.write_bytes(bytes(data))

