"""Import customers from a file: its columns previewed and corrected, the import run, the rows to check.

Two panes. The file: a path (enter reads it), what each of the file's
headers is imported as (enter on one picks another column, or "not
imported"), its first rows, and the options. Then the report: the summary,
and the rows that need attention (likely and possible duplicates, errors,
warnings); enter opens the customer, m merges a duplicate with the customer
it looks like.

The file is read and imported by services.transfer in thread workers (one
call per user action): the preview again with each correction, so that what
is shown is what the import will do. The import reports its progress after
each batch, and stops at the next batch when asked (escape).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.geometry import Offset
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    DataTable,
    Footer,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Static,
)
from textual.widgets.option_list import Option

from custtui.errors import DomainError, user_message
from custtui.i18n import N_, _, format_number, format_percent, ngettext
from custtui.services import marks, transfer
from custtui.services.auth import Permission
from custtui.tui.base import Screen
from custtui.tui.faults import report
from custtui.tui.fields import field_titles
from custtui.tui.messages import CustomersChanged, Destination
from custtui.tui.text import assemble, plain, safe
from custtui.tui.widgets.context_menu import ContextMenu, MenuItem
from custtui.tui.widgets.stock import Header

PREVIEW_ROWS = 5
_NOT_IMPORTED = "-"  # the picker's item for "not imported" (no column is called that)
# Import columns named as the form names the fields they fill.
_FIELD_OF_COLUMN = {"region": "region_code", "vat": "vat_number"}
_HEADER_WIDTH = 22
_COLUMN_WIDTH = 20
_CELL_WIDTH = 16


def column_label(column: str) -> str:
    """An import column as the user reads it: "vat" -> "VAT" ("btw-nummer")."""
    if column == "country":
        return _("Country")  # a location's field, which the customer form does not show
    return field_titles().get(_FIELD_OF_COLUMN.get(column, column), column)


def shown_path(value: str) -> Path:
    """The path typed, with ~ expanded."""
    return Path(value.strip()).expanduser()


def corrected_columns(
    headers: list[str], columns: list[str | None], mapping: dict[str, str]
) -> list[str | None]:
    """What each header is imported as once `mapping` ({column: header}; "" not imported) is applied to `columns`."""
    result: list[str | None] = []
    for header, column in zip(headers, columns, strict=True):
        chosen = [c for c, h in mapping.items() if h and h == header]
        if chosen:
            result.append(chosen[0])
        elif column and column in mapping:
            result.append(None)  # its column is read from another header, or from none
        else:
            result.append(column or None)
    return result


@dataclass(frozen=True)
class Attention:
    """A row of the report that needs a look, and why."""

    row: Any  # transfer.ImportRow
    kind: str  # "likely" | "possible" | "error" | "warning"; "merged": a likely or possible one merged since

    @property
    def customer_id(self) -> int | None:
        """The customer Enter opens: the one created, else (a dry run, a skipped row) the one it looks like."""
        return self.row.customer_id if self.row.customer_id is not None else self.row.duplicate_of

    @property
    def can_merge(self) -> bool:
        return self.kind in ("likely", "possible") and self.row.customer_id is not None and self.row.duplicate_of is not None


def needs_attention(row: Any) -> Attention | None:
    if row.status == transfer.STATUS_DUPLICATE:
        return Attention(row, "likely")
    if row.status == transfer.STATUS_CREATED and row.duplicate_of is not None:
        return Attention(row, "possible")
    if row.status == transfer.STATUS_ERROR:
        return Attention(row, "error")
    if getattr(row, "warning", False):
        return Attention(row, "warning")
    return None


def _kind_names() -> dict[str, str]:
    return {
        "likely": _("Likely duplicate"),
        "possible": _("Possible duplicate"),
        "error": _("Error"),
        "warning": _("Warning"),
        "merged": _("Merged"),
    }


def _cut(text: Text, width: int) -> Text:
    """`text` in exactly `width` cells: cut with an ellipsis, or padded."""
    text = text.copy()
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


class TickBox(Checkbox):
    """A checkbox whose box shows an X when ticked and nothing when not: readable without colour.

    Textual's shows the same X either way and tells them apart by colour alone.
    """

    def __init__(self, label: str, value: bool = False, **kwargs: Any) -> None:
        super().__init__(label, value, **kwargs)
        self.BUTTON_INNER = "X" if value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()



class ImportScreen(Screen[None]):
    """The file, its columns and first rows, the options; then the import's report."""

    is_import = True  # the palette does not offer to open it again on top of itself

    BINDINGS = [
        # escape stops a running import, and goes back otherwise (check_action keeps one of the two).
        Binding("escape", "stop", N_("Stop"), id="import.stop"),
        Binding("escape", "back", N_("Back"), id="import.back"),
        Binding("ctrl+s", "start", N_("Import"), id="import.start"),
        Binding("o", "open_customer", N_("Open customer"), id="import.open"),
        Binding("m", "merge", N_("Merge…"), id="import.merge"),
        Binding("r", "resume", N_("Resume"), id="import.resume"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._path: Path | None = None  # the file previewed
        self._preview: Any = None  # transfer.FilePreview of _path with _mapping
        self._mapping: dict[str, str] = {}  # the user's corrections: column -> header ("" not imported)
        self._columns: list[str | None] = []  # what each header is imported as, as shown
        self._problem: str | None = None  # why the file cannot be imported as shown
        self._stale = False  # the path was edited since it was read
        self._preview_number = 0
        self._importing = False
        self._stop = threading.Event()
        self._dry_run = False
        self._report: Any = None  # transfer.ImportReport
        self._attention: list[Attention] = []
        self._message_width = 20  # the report's message column, set to what the terminal leaves it
        # The import's progress: rows done, of how many (None: not known ahead).
        self._done: int = 0
        self._total: int | None = None

    # --- layout ----------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="import-setup", id="import-panes"):
            with Vertical(id="import-setup"):
                with Vertical(id="import-form"):
                    with Horizontal(id="import-path-row"):
                        yield Label(_("File"), id="import-path-label")
                        yield Input(
                            id="import-path",
                            compact=True,
                            select_on_focus=False,
                            placeholder=_("Path of a CSV or XLSX file, e.g. ~/customers.csv"),
                        )
                    yield Static(id="import-file-info")
                    yield Static(_("Columns of the file (enter: change what it is imported as)"), classes="import-title")
                    yield OptionList(id="import-mapping")
                    yield Static(_("First rows"), classes="import-title")
                    yield DataTable(id="import-rows", cursor_type="none", show_cursor=False)
                    # One option a line: side by side they did not fit 80 columns in German or Dutch.
                    with Horizontal(id="import-options"):
                        with Vertical(id="import-ticks"):
                            yield TickBox(_("Skip likely duplicates"), id="import-skip", compact=True)
                            yield TickBox(_("Dry run (nothing is saved)"), id="import-dry-run", compact=True)
                        yield Button(_("Import"), id="import-start", compact=True, variant="primary")
                with Horizontal(id="import-progress-row"):
                    # The share is in the text beside it, in the user's locale (Textual's is "50%" in every language).
                    yield ProgressBar(id="import-progress", show_eta=False, show_percentage=False)
                    yield Static(id="import-progress-text")
            with Vertical(id="import-report"):
                yield Static(id="import-summary")
                yield DataTable(id="import-attention", cursor_type="row")
                yield Static(id="import-row-detail")
                yield Static(
                    _("enter: open the customer · m: merge it with the customer it looks like"),
                    id="import-report-hint",
                )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Import customers")
        table = self.query_one("#import-attention", DataTable)
        headings = {
            "line": _("Line"), "kind": _("To check"), "customer": _("Customer"), "like": _("Looks like"),
        }  # fmt: skip
        widths = {
            "line": max(5, cell_len(headings["line"])),
            "kind": max(cell_len(text) for text in [headings["kind"], *_kind_names().values()]),
            "customer": max(7, cell_len(headings["customer"])),
            "like": max(11, cell_len(headings["like"])),
        }
        for key, heading in headings.items():
            table.add_column(heading, key=key, width=widths[key])
        # The message takes what is left of the width (each column has a cell of padding either side,
        # the scroll bar two), so that the table never scrolls sideways; its whole text is shown below.
        self._message_width = max(12, self.app.size.width - sum(widths.values()) - 2 * (len(widths) + 1) - 2)
        table.add_column(_("Message"), key="message", width=self._message_width)
        self._show_info(Text(_("Type the path of a CSV or XLSX file, then press enter."), style="italic"))
        self.query_one("#import-path", Input).focus()

    # --- state kept over a language switch (f2) -------------------------

    def capture_state(self) -> dict[str, Any]:
        return {
            "typed": self.query_one("#import-path", Input).value,
            "path": self._path,
            "mapping": dict(self._mapping),
            "skip": self.query_one("#import-skip", Checkbox).value,
            "dry_run": self.query_one("#import-dry-run", Checkbox).value,
            "report": self._report if self._showing_report else None,
            "report_dry_run": self._dry_run,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        self.query_one("#import-path", Input).value = state["typed"]
        self.query_one("#import-skip", Checkbox).value = state["skip"]
        self.query_one("#import-dry-run", Checkbox).value = state["dry_run"]
        if state["path"] is not None:
            self._path = state["path"]
            self._read(state["path"], state["mapping"])
        if state["report"] is not None:
            self._dry_run = state["report_dry_run"]
            self._show_report(state["report"])

    @property
    def has_unsaved_changes(self) -> bool:
        """While an import runs, quitting asks first (app.action_request_quit)."""
        return self._importing

    def on_unmount(self) -> None:
        # Left while importing (quit, a language switch): the import stops at its next batch.
        self._stop.set()

    # --- the keys --------------------------------------------------------

    @property
    def _showing_report(self) -> bool:
        try:
            return self.query_one("#import-panes", ContentSwitcher).current == "import-report"
        except NoMatches:  # asked before the screen is composed
            return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self._importing
        if action == "back":
            return not self._importing
        if action == "start":
            if self._importing or self._showing_report:
                return False
            return True if self._ready else None
        if action == "resume":
            if not self._showing_report or self._importing:
                return False
            return True if self._resumable else False
        if action in ("open_customer", "merge"):
            if not self._showing_report:
                return False
            current = self._current_attention()
            if action == "merge":
                if not self.custtui.can(Permission.MERGE):
                    return None
                return True if current is not None and current.can_merge else None
            return True if current is not None and current.customer_id is not None else None
        return True

    @property
    def _resumable(self) -> bool:
        result = self._report
        return result is not None and result.stopped and result.import_id is not None and not self._dry_run

    @property
    def _ready(self) -> bool:
        return self._preview is not None and not self._stale and self._problem is None

    def action_back(self) -> None:
        if self._showing_report:
            self.query_one("#import-panes", ContentSwitcher).current = "import-setup"
            self.query_one("#import-mapping", OptionList).focus()
            self.refresh_bindings()
            return
        self.dismiss(None)

    def action_stop(self) -> None:
        if self._importing and not self._stop.is_set():
            self._stop.set()
            self._show_progress_text()

    # --- the file ----------------------------------------------------------

    @on(Input.Changed, "#import-path")
    def _path_edited(self, event: Input.Changed) -> None:
        stale = self._path is None or shown_path(event.value) != self._path
        if stale != self._stale:
            self._stale = stale
            if stale and self._preview is not None:
                self._show_info(Text(_("Press enter to read this file."), style="italic"))
            elif self._preview is not None:
                self._show_preview()
            self.refresh_bindings()

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self._show_info(Text(_("Type the path of a CSV or XLSX file, then press enter."), style="italic"))
            return
        path = shown_path(event.value)
        # The corrections were for the columns of the file read before.
        self._read(path, dict(self._mapping) if path == self._path else {})

    def _read(self, path: Path, mapping: dict[str, str]) -> None:
        """Preview `path` with the corrections `mapping`, in a thread."""
        self._preview_number += 1
        number = self._preview_number
        token = self.begin_work("read:preview")  # keys typed meanwhile wait for the preview
        self._show_info(Text(_("Reading {file}…").format(file=safe(path.name)), style="italic"))

        def work() -> None:
            answer: tuple[str, Any]
            try:
                answer = ("preview", transfer.preview_file(path, mapping or None, rows=PREVIEW_ROWS))
            except FileNotFoundError:
                answer = ("problem", _("There is no file {path}.").format(path=safe(path)))
            except IsADirectoryError:
                answer = ("problem", _("{path} is a folder, not a file.").format(path=safe(path)))
            except transfer.ImportFileError as error:
                answer = ("problem", safe(error.message))
            except DomainError as error:
                answer = ("problem", safe(user_message(error, reading=True)))
            except OSError as error:
                reason = safe(error.strerror or error)
                answer = ("problem", _("The file {path} cannot be read: {reason}.").format(path=safe(path), reason=reason))
            except Exception as error:  # noqa: BLE001 - said on the screen, which would otherwise wait for ever
                answer = ("problem", _("The file cannot be read: {reason}").format(reason=safe(error)))
            self.from_thread(self._previewed, number, token, path, mapping, answer)

        self.run_worker(work, thread=True, group="preview", exit_on_error=False)

    def _previewed(self, number: int, token: object, path: Path, mapping: dict[str, str], answer: tuple[str, Any]) -> None:
        self.end_work("read:preview", token)
        if number != self._preview_number:
            return  # a newer read was asked for
        kind, value = answer
        first = self._preview is None or path != self._path
        self._stale = shown_path(self.query_one("#import-path", Input).value) != path
        if kind == "preview":
            self._path, self._mapping, self._preview, self._problem = path, mapping, value, None
            self._columns = list(value.layout.columns)
        elif self._preview is not None and path == self._path:
            # A correction the file refuses (no name column, say): shown as asked, with the reason.
            layout = self._preview.layout
            self._columns = corrected_columns(list(layout.headers), list(self._columns), mapping)
            if "name" not in self._columns:
                # The service's reason speaks of the command line's --map.
                value = _("Choose the column to import as the name: without one, the file cannot be imported.")
            self._mapping, self._problem = mapping, value
        else:
            self._path, self._preview, self._mapping, self._columns, self._problem = None, None, {}, [], value
        self._show_preview()
        if kind == "preview" and first and self.focused is self.query_one("#import-path", Input):
            self.query_one("#import-mapping", OptionList).focus()
        self.refresh_bindings()

    def _show_info(self, text: Text) -> None:
        self.query_one("#import-file-info", Static).update(text)

    def _show_preview(self) -> None:
        preview = self._preview
        mapping_list = self.query_one("#import-mapping", OptionList)
        rows_table = self.query_one("#import-rows", DataTable)
        highlighted = mapping_list.highlighted
        mapping_list.clear_options()
        rows_table.clear(columns=True)
        info = Text()
        if self._problem is not None:
            info.append(self._problem, style="bold")
        if preview is None:
            self._show_info(info)
            return
        layout = preview.layout
        if preview.total is not None:
            if info:
                info.append("\n")
            info.append(
                ngettext("{n} row to import.", "{n} rows to import.", preview.total).format(n=format_number(preview.total))
            )
        for note in layout.notes:
            info.append(" " if info else "")
            info.append(safe(note))
        self._show_info(info)
        rows = [list(row) for row in preview.rows]
        for index, header in enumerate(layout.headers):
            column = self._columns[index] if index < len(self._columns) else None
            name = plain(header, style="bold") if header else Text(_("(no header)"), style="italic")
            prompt = _cut(name, _HEADER_WIDTH)
            prompt.append(" → ")
            if column:
                prompt.append_text(_cut(Text(column_label(column)), _COLUMN_WIDTH))
            else:
                prompt.append_text(_cut(Text(_("not imported"), style="italic"), _COLUMN_WIDTH))
            sample = next((row[index] for row in rows if index < len(row) and row[index].strip()), "")
            if sample:
                prompt.append("  ")
                prompt.append_text(plain(sample, style="dim"))
            mapping_list.add_option(Option(prompt, id=str(index), disabled=not header))
        if mapping_list.option_count:
            mapping_list.highlighted = min(highlighted or 0, mapping_list.option_count - 1)
        for index, header in enumerate(layout.headers):
            column = self._columns[index] if index < len(self._columns) else None
            label = _cut(plain(header), min(_CELL_WIDTH, max(len(safe(header)), 3)))
            if not column:
                label.stylize("dim strike")
            rows_table.add_column(label, key=str(index))
        for row in rows:
            cells = [row[index] if index < len(row) else "" for index in range(len(layout.headers))]
            rows_table.add_row(*(_cut(plain(cell), min(_CELL_WIDTH, max(len(safe(cell)), 1))) for cell in cells))

    # --- correcting a column ------------------------------------------------

    @on(OptionList.OptionSelected, "#import-mapping")
    async def _header_chosen(self, event: OptionList.OptionSelected) -> None:
        if self._preview is None or self._importing or event.option.id is None:
            return
        index = int(event.option.id)
        current = self._columns[index] if index < len(self._columns) else None
        items = [MenuItem(_NOT_IMPORTED, _("Not imported"))]
        for column in transfer.IMPORT_COLUMNS:
            label = column_label(column)
            if column in self._columns and column != current:
                label = _("{column} (in use)").format(column=label)
            items.append(MenuItem(column, label))
        listing = self.query_one("#import-mapping", OptionList)
        row_y = listing.region.y + index - int(listing.scroll_y)
        menu = ContextMenu(items, Offset(listing.region.x + _HEADER_WIDTH + 2, row_y + 1))

        def chosen(action: str | None) -> None:
            if action is not None:
                self._correct(index, None if action == _NOT_IMPORTED else action)

        await self.app.push_screen(menu, chosen)
        chosen_index = 0 if not current else 1 + list(transfer.IMPORT_COLUMNS).index(current)
        menu.query_one(OptionList).highlighted = chosen_index

    def _correct(self, index: int, column: str | None) -> None:
        """Import the header at `index` as `column` (None: not at all), and read the file again with it."""
        if self._preview is None or self._path is None:
            return
        header = self._preview.layout.headers[index]
        current = self._columns[index] if index < len(self._columns) else None
        if column == current:
            return
        mapping = dict(self._mapping)
        if current:
            mapping[current] = ""  # no longer read from this header
        if column:
            mapping[column] = header  # and from no other
        self._read(self._path, mapping)

    # --- the import --------------------------------------------------------

    @on(Button.Pressed, "#import-start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self._importing:
            return
        if not self._ready:
            if self._stale:
                self.notify(_("Press enter to read this file first."), severity="warning")
            elif self._problem is not None:
                self.notify(self._problem, severity="warning")
            return
        self._start()

    def action_resume(self) -> None:
        """r, after a stop: go on from the last row written, with the options it started with."""
        if self._importing or not self._resumable or self._path is None:
            return
        self.query_one("#import-panes", ContentSwitcher).current = "import-setup"
        self._start(resume=self._report.import_id)

    def _start(self, resume: int | None = None) -> None:
        path, mapping = self._path, dict(self._mapping) or None
        assert path is not None
        skip = self.query_one("#import-skip", Checkbox).value
        dry_run = False if resume is not None else self.query_one("#import-dry-run", Checkbox).value
        engine, user, app = self.custtui.engine, self.custtui.user, self.custtui
        self._importing, self._dry_run = True, dry_run
        self._stop.clear()
        self.query_one("#import-form").disabled = True
        self.query_one("#import-progress-row").display = True
        bar = self.query_one("#import-progress", ProgressBar)
        # A resumed import goes on from the rows done before (its report holds them too).
        self._done = self._report.done if resume is not None else 0
        self._total = self._preview.total
        bar.update(total=self._total, progress=self._done)
        self._show_progress_text()
        self.refresh_bindings()

        def progress(done: int, total: int | None) -> None:
            self.from_thread(self._progressed, done, total)

        def work() -> None:
            answer: tuple[str, Any]
            created = 0
            try:
                result = transfer.import_customers(
                    engine, user, path, skip_duplicates=skip, mapping=mapping, dry_run=dry_run, resume=resume,
                    progress=progress, stop=self._stop.is_set, keep_created=False,
                )
                answer, created = ("report", result), result.created
            except FileNotFoundError:
                answer = ("problem", _("There is no file {path}.").format(path=safe(path)))
            except transfer.ImportFileError as error:
                answer = ("problem", safe(error.message))
            except DomainError as error:
                answer = ("fault", error)
            except OSError as error:
                reason = safe(error.strerror or error)
                answer = ("problem", _("The file {path} cannot be read: {reason}.").format(path=safe(path), reason=reason))
            except Exception as error:  # noqa: BLE001 - said on the screen, which would otherwise wait for ever
                answer = ("problem", _("The import failed: {reason}").format(reason=safe(error)))
            if not dry_run and (answer[0] != "report" or created):
                # Whatever happened to this screen meanwhile, the lists show what was imported.
                try:
                    app.call_from_thread(app.customers_changed, None)
                except RuntimeError:
                    pass  # the app is closing
            self.from_thread(self._imported, answer)

        self.run_worker(work, thread=True, group="import", exit_on_error=False)

    def _progressed(self, done: int, total: int | None) -> None:
        if not self._importing:
            return
        self._done, self._total = done, total
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)
        self._show_progress_text()

    def _show_progress_text(self) -> None:
        done, total = self._done, self._total
        if total is not None:
            text = ngettext("{percent} · {done} of {total} row", "{percent} · {done} of {total} rows", total).format(
                percent=format_percent(done / total if total else 1.0), done=format_number(done),
                total=format_number(total),
            )  # fmt: skip
        else:
            text = ngettext("{n} row", "{n} rows", done).format(n=format_number(done))
        if self._stop.is_set():
            text = _("{progress}; stopping after this batch…").format(progress=text)
        self.query_one("#import-progress-text", Static).update(Text(text))

    def _imported(self, answer: tuple[str, Any]) -> None:
        self._importing = False
        self.query_one("#import-form").disabled = False
        self.query_one("#import-progress-row").display = False
        kind, value = answer
        if kind == "report":
            self._show_report(value)
            return
        if kind == "fault":
            report(self.custtui, value)
            value = safe(user_message(value))
        self._show_info(Text(value, style="bold"))
        self.query_one("#import-mapping", OptionList).focus()
        self.refresh_bindings()

    # --- the report ------------------------------------------------------

    def _show_report(self, result: Any) -> None:
        self._report = result
        self._attention = [found for row in result.rows if (found := needs_attention(row)) is not None]
        summary = Text()
        if self._dry_run:
            summary.append(_("Dry run: nothing was saved.") + "\n", style="bold")
        summary.append(safe(result.summary))
        if getattr(result, "stopped", False):
            summary.append("\n")
            if self._dry_run:
                summary.append(_("Stopped before the end of the file."), style="bold")
            else:
                summary.append(_("Stopped before the end of the file; the rows before were imported."), style="bold")
        for note in getattr(result, "notes", []):
            summary.append("\n" + safe(note))
        self.query_one("#import-summary", Static).update(summary)
        table = self.query_one("#import-attention", DataTable)
        table.clear()
        names = _kind_names()
        for position, found in enumerate(self._attention):
            row = found.row
            like = ""
            if row.duplicate_of is not None:
                like = f"#{row.duplicate_of}"
                if row.score is not None:
                    like = _("#{id} {score}").format(id=row.duplicate_of, score=format_percent(row.score))
            table.add_row(
                Text(format_number(row.line)),
                Text(names[found.kind], style="bold" if found.kind == "error" else ""),
                Text("" if row.customer_id is None else f"#{row.customer_id}"),
                Text(like),
                _cut(plain(row.message), self._message_width),
                key=str(position),
            )
        table.display = bool(self._attention)
        self.query_one("#import-report-hint", Static).display = bool(self._attention)
        if not self._attention:
            self.query_one("#import-row-detail", Static).update(Text(_("No row needs a second look."), style="italic"))
        self.query_one("#import-panes", ContentSwitcher).current = "import-report"
        if self._attention:
            table.move_cursor(row=0)
            table.focus()
            self._show_row_detail()
        self.refresh_bindings()

    def on_customers_changed(self, message: CustomersChanged) -> None:
        """A merge (from this report, or elsewhere) may have emptied a duplicate row's customer: say so."""
        ids = {
            customer_id
            for found in self._attention
            if found.kind in ("likely", "possible")
            for customer_id in (found.row.customer_id, found.row.duplicate_of)
            if customer_id is not None
        }
        if message.customer_ids is not None:
            ids &= set(message.customer_ids)
        if ids:
            self.fetch(lambda session: marks.marked_among(session, ids), self._show_merged, group="merged", hold_keys=False)

    def _show_merged(self, marked: frozenset[int]) -> None:
        table = self.query_one("#import-attention", DataTable)
        name = _kind_names()["merged"]
        for position, found in enumerate(self._attention):
            if found.kind in ("likely", "possible") and {found.row.customer_id, found.row.duplicate_of} & marked:
                self._attention[position] = Attention(found.row, "merged")
                table.update_cell(str(position), "kind", Text(name))
        self.refresh_bindings()

    def _current_attention(self) -> Attention | None:
        table = self.query_one("#import-attention", DataTable)
        if not self._attention or not table.display:
            return None
        row = table.cursor_row
        return self._attention[row] if 0 <= row < len(self._attention) else None

    def _show_row_detail(self) -> None:
        found = self._current_attention()
        detail = Text()
        if found is not None:
            detail.append_text(
                assemble(
                    _("Line {line}: {message}"),
                    line=Text(format_number(found.row.line), style="bold"),
                    message=found.row.message,
                )
            )
        self.query_one("#import-row-detail", Static).update(detail)

    @on(DataTable.RowHighlighted, "#import-attention")
    def _row_highlighted(self) -> None:
        self._show_row_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#import-attention")
    def _row_selected(self) -> None:
        self.action_open_customer()

    def action_open_customer(self) -> None:
        found = self._current_attention()
        if found is None or found.customer_id is None:
            return
        self.navigate(Destination.DETAIL, found.customer_id)

    def action_merge(self) -> None:
        found = self._current_attention()
        if found is None or not found.can_merge or not self.custtui.can(Permission.MERGE):
            return
        self.navigate(Destination.MERGE_WIZARD, customer_ids=[found.row.customer_id, found.row.duplicate_of])
