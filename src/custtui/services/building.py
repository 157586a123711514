"""Building the large in-memory indexes (search, duplicates): the collector paused, and a way to stop."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Stop = Callable[[], bool]  # asked between steps of a build: True to give it up


class BuildStopped(Exception):
    """Building an index was given up because its `stop` check said so (the app is quitting)."""


def never_stop() -> bool:
    return False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that hold no cycles.

    Loading 100,000 customers allocates millions of tuples and strings; the
    collector would rescan them again and again (measured: index build 6.3 s
    -> 3.4 s at 100k).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
