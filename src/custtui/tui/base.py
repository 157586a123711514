"""Screen classes whose key descriptions follow the current UI language.

Bindings are declared with N_("…") (the English message id) and translated
each time the footer, the help screen or the command palette reads them, so
switching the language at run time (f2) needs no re-import of any class.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast

from textual import events
from textual import screen as textual_screen
from textual.binding import ActiveBinding
from textual.widget import Widget
from textual.widgets import Input, TextArea
from textual.worker import Worker

from custtui.errors import DomainError
from custtui.i18n import N_, _, get_language
from custtui.services import permissions
from custtui.services.permissions import RecordKind
from custtui.tui.faults import report
from custtui.tui.messages import Destination, Navigate
from custtui.tui.text import translated

if TYPE_CHECKING:
    from sqlmodel import Session

    from custtui.tui.app import CusttuiApp

ResultType = TypeVar("ResultType")
T = TypeVar("T")

if TYPE_CHECKING:
    # For the type checker the mixin below is the screen it is mixed into (app,
    # run_worker, set_timer); at run time it stays a plain class, outside
    # Textual's CSS type names.
    _ScreenBase = textual_screen.Screen
else:
    _ScreenBase = Generic

# A read shows its loading state only when it takes longer than this: a fast
# local database never flashes an indicator.
LOADING_DELAY_S = 0.2


# Textual's own English key descriptions (as its widgets declare them) that reach
# our footers, help and palette -> ours, from our catalog.
STOCK_DESCRIPTIONS = {
    "Dismiss menu": N_("Close the list"),  # a Select's open list
    "Exit the command palette": N_("Close"),
    "Open link": N_("Open the link"),
    "Show menu": N_("Open the list"),
}


def localised(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The same bindings with their descriptions in the UI language.

    Ours carry an id (and maybe a context: models.NP_); Textual's own widgets'
    descriptions that reach a footer are translated through STOCK_DESCRIPTIONS.
    """
    result = {}
    for key, active in bindings.items():
        binding = active.binding
        if binding.description and binding.id:
            binding = replace(binding, description=translated(binding.description))
        elif binding.description in STOCK_DESCRIPTIONS:
            binding = replace(binding, description=_(STOCK_DESCRIPTIONS[binding.description]))
        result[key] = active._replace(binding=binding)
    return result


class ScreenBasics(_ScreenBase[ResultType]):
    """What every screen and dialog of ours has: localised key descriptions, navigation, thread callbacks."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localised(super().active_bindings)

    def navigate(
        self, destination: Destination, customer_id: int | None = None, *,
        on_result: Callable[[Any], None] | None = None, **options: Any,
    ) -> None:
        """Go to another screen (tui.router opens it); `on_result` gets what it returns."""
        self.post_message(Navigate(destination, customer_id, on_result=on_result, **options))

    def from_thread(self, callback: Callable[..., object], *args: Any) -> None:
        """From a worker thread: `callback(*args)` on the UI thread, if this screen is still there by then.

        A thread's answer can arrive after the screen was saved and closed,
        or rebuilt in another language (f2): it is dropped, never applied to
        a screen that has gone.
        """

        def if_still_here() -> None:
            if _still_here(self):
                callback(*args)

        try:
            self.app.call_from_thread(if_still_here)
        except RuntimeError:
            pass  # the app is closing


class DatabaseWork(_ScreenBase[ResultType]):
    """Database work started from a screen runs off the UI thread.

    `fetch` reads and `write` changes, each in one unit of work in a thread,
    while the screen keeps answering keys. The result is applied by the
    screen that asked, on the UI thread, and only if that screen is still
    there and asked nothing newer in the same group: a screen that is left
    cancels its workers, and a newer request cancels the older one. While
    work is pending, keys typed ahead wait for it (tui.typeahead): for a read
    every key but escape, for a write every key, so that "save, escape" saves
    first and a double enter saves once.
    """

    @property
    def waiting_for_data(self) -> bool:
        """True while the screen reads or writes: keys typed ahead wait for it (tui.typeahead)."""
        return any(not group.startswith("typing:") for group in self._pending_work)

    def holds_key(self, key: events.Key | events.Paste, leaving: bool) -> bool:
        """Whether `key`, typed ahead, waits for the work pending now (asked by tui.typeahead).

        A write holds every key; a read every key but escape. The answer to
        what is being typed (search as you type) holds the keys that act on
        it, such as enter on the best hit, but not those that go on typing.
        """
        if self.saving:
            return True
        if leaving:
            return False
        if self.waiting_for_data:
            return True
        answering_typing = any(group.startswith("typing:") for group in self._pending_work)
        return answering_typing and not _goes_on_typing(key, self.app.focused)

    def begin_work(self, group: str) -> object:
        """Say that work of `group` is pending (keys typed ahead wait for it); returns its token."""
        token = object()
        self._pending_work[group] = token
        return token

    def end_work(self, group: str, token: object) -> None:
        """The work begun with `token` is over (unless a newer one of the group replaced it)."""
        if group in self._pending_work and self._pending_work[group] is token:
            del self._pending_work[group]
            if not self._pending_work:
                self.all_work_done()

    @property
    def saving(self) -> bool:
        """True while the screen writes: every key waits, escape too."""
        return any(group.startswith("write:") for group in self._pending_work)

    @property
    def _pending_work(self) -> dict[str, object]:
        # group -> the token of its latest request (a newer request replaces an older one)
        pending: dict[str, object] | None = self.__dict__.get("_pending_by_group")
        if pending is None:
            pending = self.__dict__["_pending_by_group"] = {}
        return pending

    @property
    def custtui(self) -> CusttuiApp:
        """The app, typed: engine, user, indexes, run_unit()."""
        return cast("CusttuiApp", self.app)

    def fetch(
        self,
        work: Callable[[Session], T],
        then: Callable[[T], object],
        *,
        group: str = "read",
        on_error: Callable[[DomainError], None] | None = None,
        loading: Widget | None = None,
        hold_keys: bool = True,
    ) -> Worker[None]:
        """Read with `work` in a thread, then `then(result)` here; a fault is reported (or goes to `on_error`).

        A newer fetch of the same group replaces this one. `loading` shows
        Textual's loading indicator on that widget if the read takes a while.
        `hold_keys=False` for reads that follow typing (search as you type):
        the keys typed meanwhile go on into the search box.
        """
        return self._in_background(
            work, then, group=("read:" if hold_keys else "typing:") + group, on_error=on_error, loading=loading
        )

    def write(
        self,
        work: Callable[[Session], T],
        then: Callable[[T], object] | None = None,
        *,
        group: str = "save",
        on_error: Callable[[DomainError], None] | None = None,
    ) -> Worker[None] | None:
        """Change with `work` in a thread, then `then(result)`; refused while a write of the group is pending."""
        if "write:" + group in self._pending_work:
            return None
        return self._in_background(work, then, group="write:" + group, on_error=on_error, loading=None)

    def when_editable(self, kind: RecordKind, record_id: int, then: Callable[[], object]) -> None:
        """`then()` if the user may change the record; else a word saying who may (services.permissions).

        Asked before a form opens, so that nobody types into a form that cannot be saved; the
        service checks again on save.
        """
        user = self.custtui.user

        def checked(refusal: str | None) -> None:
            if refusal is None:
                then()
            else:
                # What was typed ahead was meant for the form: on the screen beneath it would act as commands.
                self.custtui.key_queue.discard()
                self.notify(refusal, title=_("Read-only for you"), severity="warning", timeout=8)

        self.fetch(lambda session: permissions.refusal_for(session, user, kind, record_id), checked, group="may-edit")

    def _in_background(
        self,
        work: Callable[[Session], T],
        then: Callable[[T], object] | None,
        *,
        group: str,
        on_error: Callable[[DomainError], None] | None,
        loading: Widget | None,
    ) -> Worker[None]:
        app = self.custtui
        writing = group.startswith("write:")
        token = self.begin_work(group)  # at once: the keys typed next wait for it

        async def job() -> None:
            timer = self.set_timer(LOADING_DELAY_S, lambda: setattr(loading, "loading", True)) if loading else None
            try:
                try:
                    # The thread runs on if this worker is cancelled; its result is then dropped.
                    result = await asyncio.to_thread(app.run_unit, work)
                except DomainError as error:
                    if on_error is not None and _still_here(self):
                        on_error(error)
                    else:  # a screen left meanwhile: the user still hears what failed
                        report(app, error, reading=not writing)
                    return
                # Leaving a screen cancels its workers, but the answer can land between
                # the dismiss and the removal of its widgets: then it is dropped too.
                if then is not None and _still_here(self):
                    then(result)
            finally:
                if timer is not None:
                    timer.stop()
                    if loading is not None:
                        loading.loading = False
                self.end_work(group, token)

        # exclusive: the older read of the group is cancelled, its answer never applied.
        return self.run_worker(job(), group=group, exclusive=not writing, exit_on_error=True)

    def all_work_done(self) -> None:
        """Called when no read or write of the screen is pending any more."""


def _still_here(screen: textual_screen.Screen[Any]) -> bool:
    """Whether an answer may still be applied to `screen`: mounted and on the app's stack (not closed, not replaced)."""
    return screen.is_attached and screen in screen.app.screen_stack


# Keys that edit the text of a field: typed ahead, they go on typing rather than act on an answer.
_EDITING_KEYS = frozenset({"backspace", "delete", "left", "right", "home", "end", "space"})


def _goes_on_typing(key: events.Key | events.Paste, focused: Widget | None) -> bool:
    if not isinstance(focused, Input | TextArea):
        return False
    return isinstance(key, events.Paste) or key.is_printable or key.key in _EDITING_KEYS


class Screen(ScreenBasics[ResultType], DatabaseWork[ResultType], textual_screen.Screen[ResultType]):
    """Our screens: localised keys, and a replica in another language (f2)."""

    # Set by __new__: what the screen was built with, and in which language.
    _rebuild_with: tuple[tuple[Any, ...], dict[str, Any]]
    _built_in_language: str
    _state_to_restore: Any

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        instance = super().__new__(cls)
        # Kept so that the screen can be built again after a language switch.
        instance._rebuild_with = (args, kwargs)
        instance._built_in_language = get_language()
        return instance

    def on_screen_resume(self) -> None:
        # Back in view after a language switch (f2) made on a screen above:
        # built again now, in the new language, with its state.
        if self._built_in_language != get_language() and self.app.screen is self:
            self.app.switch_screen(self.replica())


    def capture_state(self) -> Any:
        """What the user would lose if this screen were built again (input, cursor)."""
        return None

    def restore_state(self, state: Any) -> None:
        """Put back what capture_state() returned, once the new screen is mounted."""

    def replica(self) -> Screen[Any]:
        """The same screen, built again (in the current language), with its state."""
        args, kwargs = self._rebuild_with
        copy = type(self)(*args, **kwargs)
        copy._state_to_restore = self.capture_state()
        return copy

    def on_mount(self) -> None:
        # Textual runs the subclasses' on_mount first: what they fill is there
        # by now, or being read; then the state is put back once it is read.
        if not self.waiting_for_data:
            self._restore_captured_state()

    def all_work_done(self) -> None:
        self._restore_captured_state()

    def _restore_captured_state(self) -> None:
        state = getattr(self, "_state_to_restore", None)
        if state is not None:
            self._state_to_restore = None
            self.restore_state(state)


class ModalScreen(ScreenBasics[ResultType], DatabaseWork[ResultType], textual_screen.ModalScreen[ResultType]):
    """Our dialogs: localised keys, navigation, database work off the UI thread."""
