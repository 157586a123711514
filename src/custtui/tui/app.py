"""The custtui App: screens, global bindings, the command palette, the indexes."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.geometry import Offset
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen as TextualModalScreen
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.worker import get_current_worker

from custtui.config import FileConfig
from custtui.db import database_problem, problem_kind, run_unit
from custtui.errors import DomainError, user_message
from custtui.i18n import LANGUAGES, N_, _, language_name, set_language
from custtui.models import ROLE_NAMES, Role, User
from custtui.resources import resource_dir
from custtui.services import recent
from custtui.services.auth import Permission, can, set_user_language, set_user_theme
from custtui.services.changes import changes_since, latest_event_id
from custtui.tui import router
from custtui.tui.base import Screen as OurScreen
from custtui.tui.messages import CustomersChanged, DatabaseChanged, Destination, Navigate, SearchIndexReady
from custtui.tui.text import safe
from custtui.tui.typeahead import KeyQueue, read_escape_then_key_as_two_keys
from custtui.tui.widgets.context_menu import ContextMenu, MenuItem
from custtui.tui.widgets.dialogs import ConfirmDialog
from custtui.tui.widgets.stock import CommandPaletteInOurWords
from custtui.watch import watcher_for

if TYPE_CHECKING:
    from custtui.services.duplicates import DuplicateIndex
    from custtui.services.search import SearchIndex
    from custtui.watch import ChangeWatcher

T = TypeVar("T")


class CusttuiApp(App[None]):
    """Customer management for field-service companies."""

    TITLE = "custtui"
    CSS_PATH = [str(resource_dir("styles") / name) for name in ("app.tcss", "screens.tcss", "import.tcss")]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "request_quit", N_("Quit"), id="app.quit"),
        Binding("ctrl+q", "request_quit", N_("Quit"), id="app.quit_anywhere", show=False, priority=True),
        Binding("f1", "help", N_("Help"), id="app.help"),
        Binding("f2", "switch_language", N_("Language"), id="app.language", show=False),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="app.palette", show=False),
    ]

    def __init__(
        self,
        engine: Engine,
        user: User,
        *,
        watch_changes: bool = True,
        config: FileConfig | None = None,
        config_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.user = user
        self.config = config or FileConfig()  # the config file's theme, keymap and list columns
        self.config_file = config_file
        self.watch_changes = watch_changes
        self._watcher: ChangeWatcher | None = None
        self._last_event_id = 0
        self._changes_pending = threading.Event()
        self._changes_lock = threading.Lock()
        self.search_index: SearchIndex | None = None
        self.duplicate_index: DuplicateIndex | None = None
        self._index_lock = threading.RLock()  # re-entered: a full refresh builds the indexes again
        # While a build reads the database, the customers changed meanwhile: it may have read them
        # before the change, so they are refreshed once it is done (None: no build under way).
        self._missed_by_build: set[int] | None = None
        self._indexing_started = False
        self.key_queue = KeyQueue(self, self._deliver_key)
        read_escape_then_key_as_two_keys()

    # --- keys typed ahead ------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        # Keys from the terminal go through the queue, so that each reaches
        # what is active once the keys before it have taken effect.
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.key_queue.hold(event)
            return
        await super().on_event(event)

    async def _deliver_key(self, typed: events.Key | events.Paste) -> None:
        await super().on_event(typed)

    # --- data access -----------------------------------------------------

    def run_unit(self, work: Callable[[Session], T]) -> T:
        """Run a service call in its own transaction, retried after a transient lock conflict."""
        return run_unit(self.engine, work)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Toasts carry user data (names in messages): never read as markup, control characters replaced."""

        super().notify(safe(message), title=safe(title), severity=severity, timeout=timeout, markup=False)

    def can(self, permission: Permission) -> bool:
        return can(self.user, permission)

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        """A file delivered (the customer sheet): where it is, in a terminal; the browser shows it in web mode."""
        if event.path is not None:
            self.notify(_("Saved to {path}").format(path=event.path), timeout=10)

    def on_delivery_failed(self, event: events.DeliveryFailed) -> None:
        reason = getattr(event.exception, "strerror", None) or type(event.exception).__name__
        self.notify(_("The file could not be saved: {reason}").format(reason=reason), severity="error", timeout=10)

    def remember_opened(self, customer_id: int) -> None:
        """For the recent customers: in a thread, and no word to the user if it fails (the screen works without)."""
        user = self.user

        def remember() -> None:
            try:
                self.run_unit(lambda session: recent.remember(session, user, customer_id))
            except DomainError:
                pass

        self.run_worker(remember, thread=True, group="recent", exit_on_error=False)

    # --- indexes ---------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = _("{name} ({role})").format(
            name=self.user.display_name or self.user.login, role=_(ROLE_NAMES[Role(self.user.role)])
        )
        # The theme chosen in the palette (saved on the user), else the config file's.
        for theme in (self.user.theme, self.config.theme):
            if theme in self.available_themes:
                self.theme = theme
                break
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        # From now on a theme chosen in the palette is saved on the user, like the language.
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        router.open_screen(self, Navigate(Destination.CUSTOMER_LIST))
        if self.watch_changes:
            self.start_watching()
        if self.config_file is not None and (self.config.theme or self.config.keymap):
            self.call_after_refresh(self._check_config_names)

    @work(thread=True, group="config", exit_on_error=False)
    def _check_config_names(self) -> None:
        """The config file's theme and binding ids, checked once the list is painted (it imports every screen)."""
        from custtui.config import ConfigError, read_config  # noqa: PLC0415 - after the first paint
        from custtui.tui.keymap import binding_ids  # noqa: PLC0415

        try:
            read_config(self.config_file, themes=self.available_themes, binding_ids=binding_ids())
        except ConfigError as error:
            for problem in error.problems:
                self.call_from_thread(self.notify, problem, title=_("Config file"), severity="warning", timeout=15)

    # --- other users' changes ---------------------------------------------

    def start_watching(self) -> None:
        """Follow other users' commits, so that every screen shows them within 2 s."""

        def read_then_watch() -> None:
            # In a thread: over a slow network, the first screen does not wait for this read.
            try:
                self._last_event_id = self.run_unit(latest_event_id)
            except DomainError as error:
                self.call_from_thread(self.notify, user_message(error), severity="error", timeout=8)
                self._last_event_id = 0
            self._watcher = watcher_for(self.engine, lambda: self.post_message(DatabaseChanged()))
            if self._watcher is not None:
                self._watcher.start()

        self.run_worker(read_then_watch, thread=True, group="changes", exit_on_error=False)

    def on_database_changed(self, _message: DatabaseChanged) -> None:
        self._changes_pending.set()
        self.run_worker(self._read_changes, thread=True, group="changes", exit_on_error=False)

    def _read_changes(self) -> None:
        """Read the change feed until no notification is pending (a burst is read once)."""

        while self._changes_pending.is_set():
            if not self._changes_lock.acquire(blocking=False):
                return  # the worker holding it reads this notification too
            try:
                while self._changes_pending.is_set():
                    self._changes_pending.clear()
                    try:
                        with Session(self.engine) as session:
                            batch = changes_since(session, self._last_event_id)
                    except Exception:  # noqa: BLE001 - the database is away; the watcher reconnects and asks again
                        return
                    self._last_event_id = batch.last_event_id
                    if not batch.empty:
                        ids = None if batch.customer_ids is None else sorted(batch.customer_ids)
                        self.call_from_thread(self.customers_changed, ids)
            finally:
                self._changes_lock.release()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def start_indexing(self) -> None:
        """Build the search and duplicate indexes in the background, once.

        Called when the list has painted its first page: building competes
        for the interpreter, so it must not delay the first screen.
        """
        if self._indexing_started:
            return
        self._indexing_started = True
        self.run_worker(self._build_indexes_safely, thread=True, group="indexes", name="build-indexes")

    def _build_indexes_safely(self) -> None:
        # Without an index the app still lists, opens and edits customers.

        try:
            self._build_indexes()
        except Exception as error:  # noqa: BLE001
            reason = database_problem(error).read_message if problem_kind(error) else str(error)
            # Try again with the next change or refresh: the database may be back by then.
            self._indexing_started = False
            self._missed_by_build = None
            self.call_from_thread(
                self.notify, _("Search is unavailable: {error}").format(error=reason), severity="error", timeout=10
            )

    def _build_indexes(self) -> None:
        from custtui.services import index_process  # noqa: PLC0415 - with the indexes, after the first paint
        from custtui.services.building import return_free_memory  # noqa: PLC0415 - with the indexes, after the first paint
        from custtui.services.duplicates import DuplicateIndex  # noqa: PLC0415 - the indexes load numpy and build in a worker, after the list is shown
        from custtui.services.search import BuildStopped, SearchIndex  # noqa: PLC0415 - the indexes load numpy and build in a worker, after the list is shown

        worker = get_current_worker()
        self._missed_by_build = set()

        def search_ready(search_index: SearchIndex) -> None:
            self.search_index = search_index
            self.call_from_thread(self._broadcast, SearchIndexReady)

        try:
            built_in_child = False
            if index_process.builds_in_child(self.engine):
                try:
                    self.duplicate_index = index_process.build_in_child(self.engine, lambda: worker.is_cancelled, search_ready)
                    built_in_child = True
                except index_process.IndexProcessFailed:
                    pass  # built here instead, below: the same indexes, with more heap kept
            if not built_in_child:
                with Session(self.engine) as session:
                    search_index = SearchIndex.build(session, stop=lambda: worker.is_cancelled)
                if worker.is_cancelled:
                    return
                search_ready(search_index)
                with Session(self.engine) as session:
                    self.duplicate_index = DuplicateIndex.build(session, stop=lambda: worker.is_cancelled)
        except BuildStopped:
            return  # the app is quitting: it does not wait for the indexes
        with self._index_lock:
            missed, self._missed_by_build = self._missed_by_build, None
        if missed:
            self._refresh_indexes(sorted(missed))
        # What the indexes hold lives as long as the app: the collector need not walk it
        # again at every full collection (0.5 s at 100k customers, a stall while typing).
        gc.freeze()
        return_free_memory()

    def customers_changed(self, customer_ids: list[int] | None) -> None:
        """Tell every screen, and bring the indexes up to date in the background."""
        self._broadcast(CustomersChanged, customer_ids)
        self.run_worker(
            partial(self._refresh_indexes, customer_ids), thread=True, group="index-refresh", exit_on_error=False
        )

    def _refresh_indexes(self, customer_ids: list[int] | None) -> None:
        from custtui.services.search import BuildStopped  # noqa: PLC0415 - loaded with the indexes, after the first paint

        with self._index_lock, Session(self.engine) as session:
            if customer_ids is None:
                self._build_indexes()
                return
            if self._missed_by_build is not None:
                self._missed_by_build.update(customer_ids)
            if self.search_index is not None:
                self.search_index.refresh(session, customer_ids)
                if self.search_index.needs_rebuild:  # many refreshes: start afresh (we are in a worker)
                    worker = get_current_worker()
                    try:
                        self.search_index.rebuild(session, stop=lambda: worker.is_cancelled)
                    except BuildStopped:
                        return  # quitting
            if self.duplicate_index is not None:
                self.duplicate_index.refresh(session, customer_ids)
        self.call_from_thread(self._broadcast, SearchIndexReady)

    def _broadcast(self, message_type: Callable[..., Any], *args: Any) -> None:
        for screen in self.screen_stack:
            screen.post_message(message_type(*args))

    # --- global actions --------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key of the current screen, in the palette, in the user's language."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # Ours carry an id and a translated description; Textual's widget keys are left out.
            if not active.enabled or not binding.description or not binding.id or binding.action in seen:
                continue
            if binding.action in ("command_palette",):
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                _("Key: {key}").format(key=key),
                partial(self._run_from_palette, binding.action, active.node),
            )
        if self.can(Permission.IMPORT) and not getattr(screen, "is_import", False):
            yield SystemCommand(
                _("Import customers…"),
                _("Read customers from a CSV or XLSX file, its columns checked first"),
                partial(self.post_message, Navigate(Destination.IMPORT)),
            )
        if self.can(Permission.MANAGE_USERS):
            yield SystemCommand(
                _("Who edits what…"),
                _("Whether technicians edit every customer, site and installation, or only those they created"),
                partial(self.post_message, Navigate(Destination.PERMISSIONS)),
            )
        yield SystemCommand(
            _("Theme"),
            _("How custtui looks; ansi-dark and ansi-light suit terminals with 16 colours"),
            self.action_change_theme,
        )
        yield SystemCommand(_("Quit"), _("Leave custtui"), self.action_request_quit)

    async def _run_from_palette(self, action: str, node: Any) -> None:
        await self.run_action(action, node)

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):  # type: ignore[arg-type]  # Textual asks for App[object]; App is invariant
            self.push_screen(CommandPaletteInOurWords(placeholder=_("Search for commands…"), id="--command-palette"))

    def action_change_theme(self) -> None:
        self.push_screen(CommandPaletteInOurWords(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def action_help_quit(self) -> None:
        """ctrl+c outside a text field: say how to quit (Textual's own says it in English, for its quit key)."""
        self.notify(_("Press q or ctrl+q to quit custtui."), title=_("Quit?"))

    def _theme_chosen(self, theme: Any) -> None:
        if theme.name != self.user.theme:
            self.user.theme = theme.name
            self.run_worker(partial(self._save_theme, theme.name), thread=True, group="theme", exit_on_error=False)

    def _save_theme(self, name: str) -> None:

        try:
            self.run_unit(lambda session: set_user_theme(session, self.user, name))
        except DomainError as error:
            self.call_from_thread(self.notify, user_message(error), severity="error")

    def action_help(self) -> None:
        if not getattr(self.screen, "is_help", False):
            router.open_screen(self, Navigate(Destination.HELP, screen=self.screen))

    def on_navigate(self, message: Navigate) -> None:
        router.open_screen(self, message)

    def action_switch_language(self) -> None:
        """f2: choose the UI language; it is saved on the user."""


        # Each language named in itself, so that anyone finds their own.
        items = [MenuItem(code, "&" + language_name(code, code)) for code in LANGUAGES]

        def chosen(code: str | None) -> None:
            if code:
                self.call_later(self.switch_language, code)

        self.push_screen(ContextMenu(items, Offset(2, 2)), chosen)

    async def switch_language(self, code: str) -> None:
        """Speak `code` from now on, keeping every screen's cursor and unsaved input.

        Only the screen in view is built again now; a screen beneath it is
        built again in the new language when it comes back into view
        (tui.base.Screen), so that the switch costs one screen, not the stack.
        """


        set_language(code)
        self.run_worker(partial(self._save_language, code), thread=True, group="language", exit_on_error=False)
        # Dialogs are closed (as if cancelled); the screen beneath is rebuilt.
        while isinstance(self.screen, TextualModalScreen):
            await self.pop_screen()
        if isinstance(self.screen, OurScreen):
            await self.switch_screen(self.screen.replica())
        self.sub_title = _("{name} ({role})").format(
            name=self.user.display_name or self.user.login, role=_(ROLE_NAMES[Role(self.user.role)])
        )

    def _save_language(self, code: str) -> None:

        try:
            user = self.run_unit(lambda session: set_user_language(session, self.user, code))
        except DomainError as error:
            self.call_from_thread(self.notify, user_message(error), severity="error")
        else:
            self.call_from_thread(setattr, self, "user", user)

    def action_request_quit(self) -> None:
        """Quit, asking first if any screen holds unsaved edits."""

        if any(getattr(screen, "has_unsaved_changes", False) for screen in self.screen_stack):
            def answer(confirmed: bool | None) -> None:
                if confirmed:
                    self.exit()

            self.push_screen(
                ConfirmDialog(
                    _("Quit without saving?"),
                    _("You have unsaved edits. They are lost if you quit now."),
                    _("Quit"),
                    danger=True,
                ),
                lambda choice: answer(choice == "yes"),
            )
            return
        self.exit()
