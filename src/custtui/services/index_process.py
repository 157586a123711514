"""Building the search and duplicate indexes in a second interpreter, for large databases.

Built in the app's own process, the indexes of 100,000 customers leave about
50 MiB of heap behind: the millions of short-lived rows and strings a build
makes fragment it, and the allocator cannot give those pages back. On a
shared server every SSH session pays that. Built in a child process, only
their flat arrays come back (pickled: numpy buffers and a few texts), and
the child's heap goes with it. The app's interpreter also stays free for the
keys typed meanwhile (the database's exact search answers them, see
search.exact).

The child is a plain `sys.executable -c` (as the import's matcher): a fork
would be unsafe beside the app's threads and open connections. It reads the
database URL from its stdin, never from its arguments (ps would show a
password), and writes two frames to its stdout: the search index, then the
duplicate index's snapshot. A frame is a pickle (protocol 5) whose large
buffers (numpy arrays, texts) travel beside it, out of band: the app reads
them straight into their own memory, without the interpreter lock, and
pickle.loads only wraps them. In band, pickle.loads copied all 822 MB of the
search index of 1,000,000 customers while holding the lock, 2.24 s during
which the app answered no key. It is
stopped with the app: `stop` is asked while the answer is awaited, and the
child is killed when it says so.
"""

from __future__ import annotations

import io
import json
import pickle
import select
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from custtui.services.building import BuildStopped, Stop

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from custtui.services.duplicates import DuplicateIndex
    from custtui.services.search import SearchIndex

# Below this many customers the indexes build in the app's own process: in under a second, and
# with little heap left behind, while a second interpreter costs half a second of imports.
CHILD_BUILD_MIN_CUSTOMERS = 20_000
_POLL_S = 0.1

_CHILD = """
import json, pickle, sys
sys.path[:0] = json.loads(sys.argv[1])
url = sys.stdin.readline().rstrip("\\n")
from sqlmodel import Session
from custtui.db import make_engine
from custtui.services.duplicates import DuplicateIndex
from custtui.services.search import SearchIndex
out = sys.stdout.buffer
def send(value):
    buffers = []
    data = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    raws = [buffer.raw() for buffer in buffers]
    out.write(len(data).to_bytes(8, "big") + len(raws).to_bytes(8, "big"))
    out.write(b"".join(raw.nbytes.to_bytes(8, "big") for raw in raws))
    out.write(data)
    for raw in raws:
        out.write(raw)
    out.flush()
engine = make_engine(url)
with Session(engine) as session:
    send(SearchIndex.build(session))
with Session(engine) as session:
    send(DuplicateIndex.build(session).snapshot())
"""


class IndexProcessFailed(RuntimeError):
    """The child ended without its indexes; the message holds what it wrote to stderr."""


def builds_in_child(engine: Engine) -> bool:
    """Whether the indexes of this database are built in a child: a file or server database, large enough."""
    from sqlalchemy import func, select  # noqa: PLC0415 - sqlmodel's select is for ORM rows

    from custtui.models import Customer  # noqa: PLC0415 - with the indexes

    if engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return False  # a memory database is this process's alone
    with engine.connect() as connection:
        customers = connection.execute(select(func.count()).select_from(Customer)).scalar_one()
    return bool(customers >= CHILD_BUILD_MIN_CUSTOMERS)


def build_in_child(engine: Engine, stop: Stop, search_ready: Callable[[SearchIndex], None]) -> DuplicateIndex:
    """Build both indexes in a child process: `search_ready(index)` as soon as the search index is back,
    then the duplicate index is returned. BuildStopped when `stop()` says so (the child is killed)."""
    from custtui.services.duplicates import DuplicateIndex  # noqa: PLC0415 - the indexes load numpy

    # Its stderr goes to a file: a pipe nobody reads could fill and block it.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, json.dumps(sys.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            assert process.stdin is not None
            process.stdin.write((engine.url.render_as_string(hide_password=False) + "\n").encode())
            process.stdin.close()
            frames = _frames(process, errors, stop)
            search_ready(next(frames))
            base, parameters = next(frames)
            return DuplicateIndex.from_snapshot(base, parameters)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _frames(process: subprocess.Popen[bytes], errors: IO[bytes], stop: Stop) -> Iterator[Any]:
    """The child's frames, unpickled, in order; asking `stop` every _POLL_S while waiting."""
    import numpy as np  # noqa: PLC0415 - with the indexes

    assert process.stdout is not None
    raw = io.FileIO(process.stdout.fileno(), closefd=False)
    while True:
        header = _read_exactly(raw, process, errors, stop, memoryview(bytearray(16)))
        size, count = int.from_bytes(header[:8], "big"), int.from_bytes(header[8:], "big")
        sizes = _read_exactly(raw, process, errors, stop, memoryview(bytearray(8 * count)))
        # Read into memory that is not zeroed first: a bytearray of the search index's postings (332 MB at
        # 1,000,000 customers) took 0.19 s to fill with zeros, holding the lock. Each buffer has memory of its
        # own, which the unpickled arrays and texts then use as theirs.
        frame = _read_exactly(raw, process, errors, stop, np.empty(size, dtype=np.uint8).data)
        buffers = [
            _read_exactly(
                raw, process, errors, stop, np.empty(int.from_bytes(sizes[8 * i : 8 * i + 8], "big"), dtype=np.uint8).data
            )
            for i in range(count)
        ]
        value = pickle.loads(frame, buffers=buffers)  # our own child process's, started above
        del frame, buffers
        yield value


def _read_exactly(
    raw: io.FileIO, process: subprocess.Popen[bytes], errors: IO[bytes], stop: Stop, into: memoryview
) -> memoryview:
    """`into` (bytes of writable memory) filled from the child's output."""
    view, done = into, 0
    while done < len(view):
        if stop():
            raise BuildStopped
        ready, _, _ = select.select([raw], [], [], _POLL_S)
        if not ready:
            continue
        count = raw.readinto(view[done:])
        if not count:
            raise IndexProcessFailed(_last_words(process, errors))
        done += count
    return into


def _last_words(process: subprocess.Popen[bytes], errors: IO[bytes]) -> str:
    """What the child said last on stderr (its exception), else its exit code."""
    process.wait()
    errors.seek(0)
    text = errors.read().decode(errors="replace").strip()
    return text.splitlines()[-1] if text else f"exit code {process.returncode}"
