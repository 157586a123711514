"""Database faults on screens: say once what happened, keep what the screen shows.

A message handler or a worker that raises ends the whole app with a
traceback. So every screen reads and writes through `fetch` and `write`
(tui.base, in a worker), or `load_in_thread` from a thread worker of its own:
a lost server, a full disk, a read-only or damaged file become one
notification (DatabaseProblem is a DomainError), the screen keeps what it
showed, and forms keep every typed value so that the user can save again.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rich.text import Text
from sqlmodel import Session

from custtui.errors import DomainError, NotFound, user_message

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widgets import Static

    from custtui.tui.app import CusttuiApp

T = TypeVar("T")

NOTIFY_TIMEOUT = 8

# The last fault shown per app: background reads (a list page, a refresh, a
# highlight) must not stack the same notification many times over.
_last_shown: weakref.WeakKeyDictionary[CusttuiApp, tuple[str, float]] = weakref.WeakKeyDictionary()


def report(app: CusttuiApp, error: DomainError, *, reading: bool = False) -> None:
    """Notify `error` on the UI thread, unless the same message is still on screen."""
    message = user_message(error, reading=reading)
    now = time.monotonic()
    last = _last_shown.get(app)
    if last is not None and last[0] == message and now - last[1] < NOTIFY_TIMEOUT:
        return
    _last_shown[app] = (message, now)
    app.notify(message, severity="error", timeout=NOTIFY_TIMEOUT)


def load_in_thread(app: CusttuiApp, work: Callable[[Session], T]) -> T | None:
    """`load` for thread workers: the notification is shown from the UI thread."""
    try:
        return app.run_unit(work)
    except DomainError as error:
        app.call_from_thread(partial(report, app, error, reading=True))
        return None


def customer_not_read(
    screen: Screen[Any], error: DomainError, *, placeholder: Static | None, gone_message: str | None = None
) -> None:
    """What a screen about one customer does when it could not read the customer.

    Gone (deleted or merged away meanwhile): the screen closes, with
    `gone_message` if given. The database away: one notification, and what
    the screen shows stays; `placeholder` (a first read, nothing shown yet)
    says why it is empty.
    """
    if isinstance(error, NotFound):
        if screen.is_current:
            if gone_message:
                screen.notify(gone_message, severity="warning")
            screen.dismiss()
        return
    report(cast("CusttuiApp", screen.app), error, reading=True)
    if placeholder is not None:
        placeholder.update(Text(user_message(error, reading=True), style="italic"))
