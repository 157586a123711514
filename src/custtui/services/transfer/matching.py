"""The import's duplicate check: each accepted row against the customers and the earlier rows of the file.

Rows are checked in file order, a batch at a time, against one
DuplicateIndex that takes in every row checked (under its provisional id,
renamed once its batch is written), so a row that repeats an earlier row of
the file is found too.

On a machine with a second core the index lives in a second process
(ProcessMatcher): it checks one batch while the importing process validates
the next and writes the one before, and it holds the index's memory instead
of the importing process. Elsewhere, and for files of a batch or two,
InlineMatcher does the same in the importing process. Both answer batches
in the order they were given.

The second process is a new interpreter (not a fork: the importing process
may run threads, the TUI's or a progress bar's, and holds database
connections, which a forked child must never touch; and not multiprocessing's
spawn, which would run again the __main__ of a script that imports without a
__main__ guard). It runs duplicates.drafts.serve, which loads the index's
modules and no database (SQLAlchemy and the models were 40 MB of it),
receives the index as a snapshot (flat arrays, see
DuplicateIndex.snapshot) over a pipe, ignores Ctrl-C and SIGTERM (the
importing process stops at a batch and closes it) and ends when its pipe
closes, also when the importing process was killed.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections import deque
from contextlib import suppress
from multiprocessing.connection import Connection
from typing import Any, Protocol

from custtui.services import duplicates
from custtui.services.duplicates.drafts import DECODED_RECORDS, Checked, Draft, check_drafts


class Matcher(Protocol):
    def submit(self, drafts: list[Draft]) -> None:
        """Check a batch; its answer comes from result(), after those of the batches before."""

    def result(self) -> list[Checked]:
        """The answer for the oldest batch submitted and not yet answered."""

    def rename(self, new_ids: dict[int, int]) -> None:
        """Rows written: their provisional ids become their customer ids (DuplicateIndex.rename)."""

    def forget(self, provisional_ids: list[int]) -> None:
        """Rows not written after all: out of the index."""

    def close(self) -> None:
        """Done, or stopped: batches still being checked are dropped."""


class InlineMatcher:
    """The check in this process."""

    def __init__(self, index: duplicates.DuplicateIndex, skip_duplicates: bool) -> None:
        self.index = index
        index.keep_decoded(DECODED_RECORDS)  # as serve() does in the second process
        self.skip_duplicates = skip_duplicates
        self._answers: deque[list[Checked]] = deque()

    def submit(self, drafts: list[Draft]) -> None:
        self._answers.append(check_drafts(self.index, drafts, self.skip_duplicates))

    def result(self) -> list[Checked]:
        return self._answers.popleft()

    def rename(self, new_ids: dict[int, int]) -> None:
        self.index.rename(new_ids)

    def forget(self, provisional_ids: list[int]) -> None:
        self.index.put(provisional_ids, ())

    def close(self) -> None:
        self._answers.clear()


class MatcherFailed(RuntimeError):
    """The second process failed or ended; the message holds its traceback, when it could send one."""


class ProcessMatcher:
    """The check in a second process (see the module docstring)."""

    def __init__(self, index: duplicates.DuplicateIndex, skip_duplicates: bool) -> None:
        theirs_in, ours_out = os.pipe()
        ours_in, theirs_out = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _SECOND_PROCESS, json.dumps(sys.path), str(theirs_in), str(theirs_out)],
                pass_fds=(theirs_in, theirs_out), stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except BaseException:
            for handle in (theirs_in, ours_out, ours_in, theirs_out):
                os.close(handle)
            raise
        os.close(theirs_in)
        os.close(theirs_out)
        self._outgoing = Connection(ours_out, readable=False)
        self._incoming = Connection(ours_in, writable=False)
        # Its answers are read as they come, into a queue: were they left in the pipe, the second process
        # would block writing an answer larger than the pipe holds while this one blocks writing the next
        # batch to it (a deadlock, with a file of look-alikes).
        self._answers: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._reading = threading.Thread(target=self._read, name="custtui-import-answers", daemon=True)
        self._reading.start()
        # The snapshot goes while this process reads on; the child takes it once started (imports: ~0.5 s).
        snapshot = (index.snapshot(), skip_duplicates)
        self._sending: threading.Thread | None = threading.Thread(
            target=self._send_quietly, args=(snapshot,), name="custtui-import-snapshot", daemon=True
        )
        self._sending.start()

    def _read(self) -> None:
        while True:
            try:
                self._answers.put(self._incoming.recv())
            except (EOFError, OSError) as error:  # it ended (or close() closed the pipe)
                self._answers.put(("ended", str(error) or type(error).__name__))
                return

    def _send_quietly(self, message: Any) -> None:
        with suppress(OSError):  # the child is gone: result() says so
            self._outgoing.send(message)

    def _send(self, message: Any) -> None:
        if self._sending is not None:
            self._sending.join()
            self._sending = None
        try:
            self._outgoing.send(message)
        except OSError as error:
            raise self._failure(error) from error

    def submit(self, drafts: list[Draft]) -> None:
        self._send(("check", drafts))

    def result(self) -> list[Checked]:
        kind, payload = self._answers.get()
        if kind != "checked":
            self._answers.put((kind, payload))  # for a later call: it stays gone
            raise self._failure(payload)
        answer: list[Checked] = payload
        return answer

    def _failure(self, error: object) -> MatcherFailed:
        """Why the second process is gone: its traceback when it sent one before it ended."""
        with suppress(queue.Empty):
            while True:
                kind, payload = self._answers.get(timeout=1)
                if kind == "failed":
                    return MatcherFailed(payload)
                if kind == "ended":
                    break
        with suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=1)
        return MatcherFailed(f"the duplicate check's process ended (exit code {self._process.returncode}, {error})")

    def rename(self, new_ids: dict[int, int]) -> None:
        self._send(("rename", new_ids))

    def forget(self, provisional_ids: list[int]) -> None:
        self._send(("forget", provisional_ids))

    def close(self) -> None:
        if self._sending is not None:
            self._sending.join(timeout=5)
        with suppress(OSError):
            self._outgoing.send(("close", None))
        self._outgoing.close()  # it ends on reading the close, or the end of the pipe
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # still checking a dropped batch; it ignores SIGTERM
            self._process.kill()
            self._process.wait()
        self._reading.join(timeout=5)  # the end of its pipe ends the reader
        self._incoming.close()


# The second process's program: the importing process's import path, then serve() on the pipes it was given.
_SECOND_PROCESS = (
    "import json, sys; sys.path[:0] = json.loads(sys.argv[1]); "
    "from custtui.services.duplicates.drafts import serve; serve(int(sys.argv[2]), int(sys.argv[3]))"
)


def start_matcher(index: duplicates.DuplicateIndex, skip_duplicates: bool, *, second_process: bool) -> Matcher:
    """A ProcessMatcher when asked and the machine has a second core, else an InlineMatcher."""
    if second_process and os.name == "posix" and (os.cpu_count() or 1) > 1:  # pass_fds: POSIX only
        return ProcessMatcher(index, skip_duplicates)
    return InlineMatcher(index, skip_duplicates)
