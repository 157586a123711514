"""Keys typed ahead reach what they would have reached typed one at a time.

Over a slow SSH link the keys typed while the app was busy arrive together.
Textual queues them all at once and hands each to whatever has focus when
its turn comes, but what a key starts (a screen pushed, a menu opened, focus
moved) happens through messages queued *behind* the keys already waiting.
So in "/aerts", the "e" reached the list before the search box had focus
and opened the edit form.

The app hands every key (and paste) from the terminal to a KeyQueue. It delivers them
one at a time, in order, and after each waits until the app has settled:
every message queued so far on the app and on the current screen's widgets
has been handled, and the screen, its focus and its widgets stayed the same
while it did. A screen that is loading what the next key needs says so with
`waiting_for_data`; keys wait for it too (but escape and ctrl+q, which
leave, never wait for a read). A screen that is writing says `saving`:
every key waits for that, escape too, so that what was typed after
"save" acts on the saved state.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import events
from textual._xterm_parser import XTermParser

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

# A bracketed paste is typed input too: it keeps its place among the keys.
TypedInput = events.Key | events.Paste

SETTLE_TIMEOUT_S = 5.0  # a key is delivered after this much at the latest, settled or not
DATA_TIMEOUT_S = 15.0  # how long a key waits for a screen's data before going anyway
_LEAVING_KEYS = frozenset({"escape", "ctrl+q", "ctrl+c"})


class KeyQueue:
    """The keys from the terminal, delivered in order once the keys before them have taken effect."""

    def __init__(self, app: App[Any], deliver: Callable[[TypedInput], Awaitable[None]]) -> None:
        self.app = app
        self._deliver_key = deliver
        self._keys: deque[TypedInput] = deque()
        self._delivering = False
        self._idle = asyncio.Event()
        self._idle.set()

    def hold(self, key: TypedInput) -> None:
        self._keys.append(key)
        if not self._delivering:
            self._delivering = True
            self._idle.clear()
            self.app.run_worker(self._deliver(), name="typeahead", group="typeahead", exit_on_error=True)

    def discard(self) -> None:
        """Drop the keys not delivered yet: they were typed for what did not open (an edit refused)."""
        self._keys.clear()

    async def wait_until_delivered(self) -> None:
        """Until every key sent so far has been delivered and has taken effect (for tests and scripts)."""
        await _queues_handled(self.app, SETTLE_TIMEOUT_S)  # keys posted but not yet held are held now
        await self._idle.wait()

    async def _deliver(self) -> None:
        try:
            while self._keys:
                key = self._keys.popleft()
                await self._wait_for_data(key, leaving=isinstance(key, events.Key) and key.key in _LEAVING_KEYS)
                before = _state(self.app)
                await self._deliver_key(key)
                await self.settled(before)
        finally:
            self._delivering = False
            self._idle.set()

    async def settled(self, before: tuple[Any, ...] | None = None) -> None:
        """Until the app and its current screen have handled everything queued, and stay as they are.

        `before`: the state before the key (see _state). A key that left it
        as it was (a letter typed into a box) is settled after one round of
        the queues, not two: at 80x24 a round is a few ms of every keystroke.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT_S
        previous = before
        while loop.time() < deadline:
            await _queues_handled(self.app, deadline - loop.time())
            nodes = _nodes(self.app)
            state = _state(self.app, nodes)
            # Handling a message may post others (a Navigate bubbling up to the app): those count too.
            if state == previous and not any(node._message_queue.qsize() for node in nodes):
                return
            previous = state

    def _busy(self, key: TypedInput, leaving: bool) -> bool:
        screen = self.app.screen
        holds_key = getattr(screen, "holds_key", None)  # our screens (tui.base); Textual's own hold nothing
        return bool(holds_key(key, leaving)) if holds_key is not None else False

    async def _wait_for_data(self, key: TypedInput, leaving: bool) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DATA_TIMEOUT_S
        while self._busy(key, leaving) and loop.time() < deadline:
            await asyncio.sleep(0.01)
            await self.settled()


def _state(app: App[Any], nodes: list[MessagePump] | None = None) -> tuple[Any, ...]:
    """What the next key acts on: the screen, its focus, its widgets."""
    nodes = _nodes(app) if nodes is None else nodes
    return (nodes[1] if nodes else None, app.focused, len(app.screen_stack), len(nodes))


def _nodes(app: App[Any]) -> list[MessagePump]:
    """The app and every widget of its current screen; none while there is no screen (start, exit)."""
    try:
        return [app, *app.screen.walk_children(with_self=True)]
    except Exception:  # noqa: BLE001 - no screen yet, or the app is closing
        return []


async def _queues_handled(app: App[Any], timeout: float) -> None:
    """Until every message queued on the app and its current screen's widgets at this moment is handled."""
    nodes = _nodes(app)
    remaining = 0
    done = asyncio.Event()

    def one_handled() -> None:
        nonlocal remaining
        remaining -= 1
        if remaining == 0:
            done.set()

    for node in nodes:
        if node.call_later(one_handled):
            remaining += 1
    if remaining:
        try:
            await asyncio.wait_for(done.wait(), max(0.01, timeout))
        except TimeoutError:
            pass


# --- escape, then a key, arriving together ------------------------------------

# After ESC these start the terminal's own sequences (CSI, SS3, DCS, OSC, ST).
_SEQUENCE_STARTS = frozenset("[OP]\\")


def read_escape_then_key_as_two_keys() -> None:
    """Read ESC followed by a printable character as escape, then that key.

    Typed ahead over a slow link, escape and the next key ("escape o") reach
    the terminal in one packet, as the bytes ESC o. Textual's parser reads
    them as Alt+o when nothing follows, and as "^" then "o" when another ESC
    follows: the escape is lost either way, and the keys after it land on the
    wrong screen. custtui binds no Alt key, so ESC and a character are the
    escape key and that key. The parser asks `_sequence_to_key_events` at
    each character whether the sequence so far is a key; this answers for
    ESC + character. (A private Textual method: tests/test_typeahead_tmux.py
    sends such bursts through a real terminal.)
    """
    original = XTermParser._sequence_to_key_events
    if getattr(original, "custtui_escape_then_key", False):
        return

    def sequence_to_key_events(self: XTermParser, sequence: str, alt: bool = False) -> Iterator[events.Key]:
        if len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1].isprintable() and sequence[1] not in _SEQUENCE_STARTS:
            yield events.Key("escape", "\x1b")
            yield from original(self, sequence[1])
            return
        yield from original(self, sequence, alt)

    sequence_to_key_events.custtui_escape_then_key = True  # type: ignore[attr-defined]  # a mark on the function object
    XTermParser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]  # the patch itself
