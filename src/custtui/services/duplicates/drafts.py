"""The import's duplicate check of a file's rows, in order, against one index; and serve(), the process doing it.

check_drafts checks a batch of accepted rows against a DuplicateIndex that
takes in each row checked (under its provisional id), so a row that repeats
an earlier row of the file is found too. serve() runs it in a second
process for transfer.matching.ProcessMatcher (see that module).

This module and what it imports load no SQLAlchemy, no models and no
database driver: the second process holds only the index, and those imports
were some 40 MB of its memory. tests/test_architecture.py keeps it so.
"""

from __future__ import annotations

import signal
import traceback
from contextlib import suppress
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from custtui.services.building import return_free_memory
from custtui.services.duplicates.index import DuplicateIndex
from custtui.services.duplicates.records import Record
from custtui.services.duplicates.results import CERTAIN, POSSIBLE, Match

if TYPE_CHECKING:
    from collections.abc import Sequence

# Customers sharing name words with a row that its check scores, those sharing the rarest words first (the
# form's live warning scores 400).
NAME_CANDIDATES = 12
# Base records the index keeps decoded during an import (about 12 MB).
DECODED_RECORDS = 10_000
TRIM_EVERY = 5000  # rows checked between two returns of freed memory to the system


@dataclass(frozen=True, slots=True)
class Draft:
    """An accepted row to check: its record, the provisional id it waits under, whether it is marked ERROR."""

    provisional_id: int
    record: Record
    marked: bool


@dataclass(frozen=True, slots=True)
class Checked:
    """A row's check: the customer (or earlier row) it most resembles, and whether it was skipped for it."""

    match: Match | None
    skipped: bool


def check_drafts(index: DuplicateIndex, drafts: Sequence[Draft], skip_duplicates: bool) -> list[Checked]:
    """Check these rows in order, each one taken into the index for the next (unless skipped or marked)."""
    checked = []
    for draft in drafts:
        if draft.marked:  # a marked record is no one's duplicate (services.marks), and in no index
            checked.append(Checked(None, False))
            continue
        # The name is complete (expand_last=False), not a prefix still being typed.
        matches = index.matches_of(
            draft.record, False, limit=1, min_score=POSSIBLE, name_candidates=NAME_CANDIDATES
        )
        match = matches[0] if matches else None
        skipped = match is not None and skip_duplicates and match.score >= CERTAIN
        if not skipped:
            index.put((), [replace(draft.record, id=draft.provisional_id)], provisional=True)
        checked.append(Checked(match, skipped))
    return checked


def serve(incoming_handle: int, outgoing_handle: int) -> None:
    """The second process: checks batches until told to close or its pipe closes."""
    # The importing process stops at a batch boundary on Ctrl-C / SIGTERM (sent to the whole process group
    # from a terminal) and then closes this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    incoming = Connection(incoming_handle, writable=False)
    outgoing = Connection(outgoing_handle, readable=False)
    try:
        try:
            (base, parameters), skip_duplicates = incoming.recv()
        except EOFError:
            return
        index = DuplicateIndex.from_snapshot(base, parameters)
        del base
        index.keep_decoded(DECODED_RECORDS)
        checked = 0
        while True:
            try:
                kind, payload = incoming.recv()
            except EOFError:  # the importing process ended or was killed
                return
            if kind == "check":
                outgoing.send(("checked", check_drafts(index, payload, skip_duplicates)))
                checked += len(payload)
                if checked >= TRIM_EVERY:
                    checked = 0
                    return_free_memory()
            elif kind == "rename":
                index.rename(payload)
            elif kind == "forget":
                index.put(payload, ())
            else:
                return
    except BaseException:  # noqa: BLE001 - told to the importing process, which raises it
        with suppress(OSError):
            outgoing.send(("failed", traceback.format_exc()))
