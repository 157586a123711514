"""The list's filter dialog (f) and the saved filters (F): regions, labels any or all, place, language, missions, kinds, ERROR."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from custtui.i18n import LANGUAGES, N_, _, format_date, language_name, parse_day, pgettext
from custtui.models import InstallationKind
from custtui.services import filters, regions
from custtui.services.filters import CustomerFilter, ErrorMark, NamedFilter
from custtui.tui.base import ModalScreen
from custtui.tui.text import assemble, kind_name, plain
from custtui.tui.widgets.dialogs import ConfirmDialog
from custtui.tui.widgets.tick_list import TickList

NO_LANGUAGE = ""  # the language list's entry for customers with none set
EXAMPLE_DAY = date(2026, 3, 31)  # how the date message shows the form a date takes


@dataclass(frozen=True)
class FilterChoice:
    """What the filter dialog returns: the filter to show, and the name to save it under ("": not saved)."""

    filter: CustomerFilter
    save_as: str = ""


def error_mark_names() -> dict[ErrorMark, str]:
    return {
        ErrorMark.ANY: pgettext("filter: ERROR mark", "With or without the ERROR mark"),
        ErrorMark.ONLY: pgettext("filter: ERROR mark", "Only those marked ERROR"),
        ErrorMark.WITHOUT: pgettext("filter: ERROR mark", "Without the ERROR mark"),
    }


def describe(customer_filter: CustomerFilter, label_names: dict[int, str]) -> list[str]:
    """The filter as the list's status line says it, one part per condition."""
    f = customer_filter
    parts: list[str] = []
    if f.regions:
        parts.append(_("region: {region}").format(region=", ".join(regions.display_name(code) for code in f.regions)))
    if f.label_ids:
        names = [label_names.get(label_id, "?") for label_id in f.label_ids]
        if f.all_labels and len(names) > 1:
            parts.append(_("every label of: {labels}").format(labels=", ".join(names)))
        else:
            parts.append(_("label: {label}").format(label=", ".join(names)))
    if f.place:
        parts.append(_("at: {place}").format(place=f.place))
    if f.languages:
        shown = [language_name(code) if code else _("no language set") for code in f.languages]
        parts.append(_("language: {language}").format(language=", ".join(shown)))
    if f.installation_kinds:
        kinds = ", ".join(kind_name(kind) for kind in f.installation_kinds)
        parts.append(_("installation: {kind}").format(kind=kinds))
    if f.missions_since is not None:
        parts.append(_("missions since {date}").format(date=format_date(f.missions_since, "short")))
    if f.error_mark is ErrorMark.ONLY:
        parts.append(_("marked ERROR"))
    elif f.error_mark is ErrorMark.WITHOUT:
        parts.append(_("not marked ERROR"))
    return parts


class FilterScreen(ModalScreen[FilterChoice | None]):
    """Filter the list: every condition set must hold; within regions, languages and kinds, any one ticked."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="filter.cancel"),
        Binding("ctrl+s", "apply", N_("Apply"), id="filter.apply"),
    ]

    def __init__(
        self,
        current: CustomerFilter,
        region_options: list[tuple[str, str]],
        label_options: list[tuple[str, int]],
        saved_name: str = "",
    ) -> None:
        super().__init__()
        self._current = current
        self._region_options = region_options
        self._label_options = label_options
        self._saved_name = saved_name

    def compose(self) -> ComposeResult:
        f = self._current
        with Vertical(id="filter-dialog", classes="dialog"):
            yield Static(_("Filter customers"), classes="dialog-title")
            with VerticalScroll(id="filter-fields"):
                with Horizontal(classes="filter-row"):
                    with Vertical(classes="filter-cell"):
                        yield Label(_("Regions"))
                        yield TickList(
                            *(Selection(Text(title), code, code in f.regions) for title, code in self._region_options),
                            id="filter-regions",
                            compact=True,
                        )
                    with Vertical(classes="filter-cell"):
                        yield Label(_("Languages"))
                        yield TickList(
                            *(Selection(language_name(code), code, code in f.languages) for code in LANGUAGES),
                            Selection(_("no language set"), NO_LANGUAGE, NO_LANGUAGE in f.languages),
                            id="filter-languages",
                            compact=True,
                        )
                with Horizontal(classes="filter-row"):
                    with Vertical(classes="filter-cell"):
                        yield Label(_("Labels"))
                        # Without labels there is nothing to tick: a line says so, and tab does not stop here.
                        has_labels = bool(self._label_options)
                        labels_list = TickList(
                            *(Selection(Text(name), label_id, label_id in f.label_ids) for name, label_id in self._label_options),
                            id="filter-labels",
                            compact=True,
                        )
                        labels_list.display = has_labels
                        yield labels_list
                        all_labels = Select(
                            [(_("Any label ticked"), "any"), (_("Every label ticked"), "all")],
                            value="all" if f.all_labels else "any",
                            allow_blank=False,
                            id="filter-all-labels",
                            compact=True,
                        )
                        all_labels.display = has_labels
                        yield all_labels
                        if not has_labels:
                            yield Static(Text(_("No labels yet: L on the list manages them."), style="italic"))
                    with Vertical(classes="filter-cell"):
                        yield Label(_("Installation kinds"))
                        yield TickList(
                            *(
                                Selection(kind_name(kind), kind.value, kind.value in f.installation_kinds)
                                for kind in InstallationKind
                            ),
                            id="filter-kinds",
                            compact=True,
                        )
                with Horizontal(classes="filter-row"):
                    with Vertical(classes="filter-cell"):
                        yield Label(_("Postal code or city"))
                        yield Input(f.place, id="filter-place", max_length=100, compact=True)
                    with Vertical(classes="filter-cell"):
                        yield Label(_("Missions since (date)"))
                        yield Input(format_date(f.missions_since, "short"), id="filter-since", compact=True)
                        yield Static(id="error-filter-since", classes="form-error")
                with Horizontal(classes="filter-row"):
                    with Vertical(classes="filter-cell"):
                        yield Label(_("ERROR mark"))
                        yield Select(
                            [(title, mark.value) for mark, title in error_mark_names().items()],
                            value=f.error_mark.value,
                            allow_blank=False,
                            id="filter-error-mark",
                            compact=True,
                        )
                    with Vertical(classes="filter-cell"):
                        yield Label(_("Save as (name, optional)"))
                        yield Input(self._saved_name, id="filter-save-as", max_length=filters.NAME_MAX, compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Clear"), id="filter-clear", compact=True)
                yield Button(pgettext("filter", "Apply"), id="filter-apply", variant="primary", compact=True)
            yield Static(_("space: tick · tab: next · ctrl+s: apply · escape: cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        regions_list = self.query_one("#filter-regions", SelectionList)
        for listing in self.query(SelectionList).results(SelectionList):
            if listing.option_count:
                listing.highlighted = 0
        regions_list.focus()

    def chosen_filter(self) -> CustomerFilter | None:
        """The filter as the form says it; None (with the date's message shown) when the date is not one."""
        since_field = self.query_one("#filter-since", Input)
        message = self.query_one("#error-filter-since", Static)
        try:
            since = parse_day(since_field.value)
        except ValueError:
            message.update(Text(_("Not a date: type it as {example}.").format(example=format_date(EXAMPLE_DAY, "short"))))
            message.add_class("shown")
            since_field.focus()
            return None
        message.update("")
        message.remove_class("shown")
        mark = self.query_one("#filter-error-mark", Select).value
        return CustomerFilter(
            regions=tuple(self.query_one("#filter-regions", SelectionList).selected),
            label_ids=tuple(self.query_one("#filter-labels", SelectionList).selected),
            all_labels=self.query_one("#filter-all-labels", Select).value == "all",
            place=" ".join(self.query_one("#filter-place", Input).value.split()),
            languages=tuple(self.query_one("#filter-languages", SelectionList).selected),
            missions_since=since,
            installation_kinds=tuple(self.query_one("#filter-kinds", SelectionList).selected),
            error_mark=ErrorMark(mark) if isinstance(mark, str) else ErrorMark.ANY,
        )

    @on(Input.Submitted, "#filter-place, #filter-since, #filter-save-as")
    @on(Button.Pressed, "#filter-apply")
    def action_apply(self) -> None:
        chosen = self.chosen_filter()
        if chosen is not None:
            self.dismiss(FilterChoice(chosen, " ".join(self.query_one("#filter-save-as", Input).value.split())))

    @on(Button.Pressed, "#filter-clear")
    def clear(self) -> None:
        self.dismiss(FilterChoice(CustomerFilter()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SavedFiltersScreen(ModalScreen[NamedFilter | None]):
    """The user's saved filters: enter shows one, delete removes it; returns the one chosen, or None."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="saved_filters.cancel"),
        Binding("delete", "delete", N_("Delete"), id="saved_filters.delete"),
    ]

    def __init__(self, label_names: dict[int, str]) -> None:
        super().__init__()
        self._label_names = label_names
        self._filters: list[NamedFilter] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="saved-filters-dialog", classes="dialog"):
            yield Static(_("Saved filters"), classes="dialog-title")
            yield OptionList(id="saved-filters-list", compact=True)
            yield Static(id="saved-filters-empty")
            yield Static(_("enter: show · delete: delete · escape: close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._reload()

    def _reload(self) -> None:
        user = self.custtui.user
        self.fetch(lambda session: filters.saved_filters(session, user), self._show)

    def _show(self, found: list[NamedFilter]) -> None:
        self._filters = found
        options = []
        for named in found:
            line = plain(named.name, style="bold")
            conditions = describe(named.filter, self._label_names)
            if conditions:
                line.append_text(plain("  " + " · ".join(conditions), style="dim"))
            options.append(Option(line, id=str(named.id)))
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted
        listing.set_options(options)
        if options:
            listing.highlighted = min(highlighted or 0, len(options) - 1)
        empty = _("No saved filter yet: in the filter (f), give a name under “Save as”.")
        self.query_one("#saved-filters-empty", Static).update(Text(empty, style="italic") if not options else "")

    def _highlighted(self) -> NamedFilter | None:
        index = self.query_one(OptionList).highlighted
        return self._filters[index] if index is not None and index < len(self._filters) else None

    @on(OptionList.OptionSelected, "#saved-filters-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = next((named for named in self._filters if str(named.id) == event.option.id), None)
        if chosen is not None:
            self.dismiss(chosen)

    def action_delete(self) -> None:
        named = self._highlighted()
        if named is None:
            return
        user = self.custtui.user
        body = assemble(_("Delete the saved filter “{name}”? The customers stay as they are."), name=named.name)

        def answer(choice: str | None) -> None:
            if choice == "yes":
                self.write(lambda session: filters.delete_filter(session, user, named.id), lambda _done: self._reload())

        self.app.push_screen(ConfirmDialog(_("Delete the saved filter?"), body, _("Delete"), danger=True), answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
