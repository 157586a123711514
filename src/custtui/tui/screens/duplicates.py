"""D: clusters of probable duplicates, side by side; merge one, or mark "not a duplicate"."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from custtui.errors import DomainError, user_message
from custtui.i18n import N_, _, format_number, format_percent, ngettext, pgettext
from custtui.services import customers, locations, merge
from custtui.services.addresses import address_line
from custtui.services.auth import Permission
from custtui.services.duplicates import SCAN_STAGES, find_duplicates
from custtui.services.merge import dismissed_pairs
from custtui.services.normalise import customer_country
from custtui.tui.base import Screen
from custtui.tui.faults import report
from custtui.tui.messages import CustomersChanged, Destination
from custtui.tui.text import assemble, customer_line, plain, shown_value
from custtui.tui.widgets.context_menu import ContextMenu, MenuItem
from custtui.tui.widgets.stock import Header

_POSSIBLE_HEADING = "possible"  # the option heading the clusters to check


class _ScanReplaced(Exception):
    """A newer scan replaced this one."""


def comparison_titles() -> dict[str, str]:
    """The rows of the side-by-side comparison, titled as the form and the detail title the fields."""
    return {
        "name": _("Name"),
        "internal_name": _("Internal name"),
        "customer_number": pgettext("customer number", "Number"),
        "vat_number": _("VAT"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "address": _("Address"),
        "linked": _("Linked"),
    }


def linked_counts(installations: int, missions: int) -> str:
    """What is linked to a record, each count with its plural: "3 installations · 12 missions"."""
    return _("{installations} · {missions}").format(
        installations=ngettext("{n} installation", "{n} installations", installations).format(n=format_number(installations)),
        missions=ngettext("{n} mission", "{n} missions", missions).format(n=format_number(missions)),
    )


def pair_title(pair: Any) -> str:
    """Two records that look alike and how much: "#12 ~ #40  93%"."""
    return _("#{a} ~ #{b}  {score}").format(a=pair.a, b=pair.b, score=format_percent(pair.score))


class DuplicatesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="duplicates.back"),
        Binding("g,enter", "merge", N_("Merge…"), id="duplicates.merge"),
        Binding("x", "dismiss_pair", N_("Not a duplicate"), id="duplicates.dismiss"),
        Binding("r", "rescan", N_("Rescan"), id="duplicates.rescan"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.clusters: list[Any] = []
        self._scan_number = 0


    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="dup-status")
        yield OptionList(id="dup-clusters")
        with VerticalScroll(id="dup-compare"):
            yield Static(id="dup-members")
            yield Static(id="dup-reasons")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Duplicates")
        self.query_one("#dup-clusters", OptionList).focus()
        self.action_rescan()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("merge", "dismiss_pair"):
            if not self.custtui.can(Permission.MERGE):
                return None
            return True if self.current() is not None else None
        return True

    # --- scanning ------------------------------------------------------

    def action_rescan(self) -> None:

        self.query_one("#dup-status", Static).update(Text(_("Looking for duplicates…"), style="italic"))
        self._scan_number += 1
        scan_number = self._scan_number
        stages = {stage: _(label) for stage, label in SCAN_STAGES.items()}

        def progress(stage: str, done: int, total: int) -> None:
            if scan_number != self._scan_number:
                raise _ScanReplaced  # ends the older scan's thread; its answer is dropped anyway
            name = stages.get(stage, stage)
            if total:
                status = _("Looking for duplicates: {stage} {share}").format(stage=name, share=format_percent(done / total))
            else:
                status = _("Looking for duplicates: {stage}").format(stage=name)
            self.from_thread(self._show_status, status)

        def scan(session: Any) -> tuple[list[Any], dict[int, Any]]:
            clusters = find_duplicates(session, dismissed=dismissed_pairs(session), progress=progress)
            ids = sorted({cid for cluster in clusters for cid in cluster.customer_ids})
            return clusters, customers.customer_rows(session, ids)

        self.fetch(scan, lambda found: self._show(*found), on_error=self._scan_failed, group="scan")

    def _show_status(self, status: str) -> None:
        self.query_one("#dup-status", Static).update(Text(status, style="italic"))

    def _scan_failed(self, error: DomainError) -> None:
        """The database is away: say so where the count goes; the clusters shown stay."""
        report(self.custtui, error, reading=True)
        self.query_one("#dup-status", Static).update(Text(user_message(error, reading=True), style="italic"))

    def _show(self, clusters: list[Any], rows: dict[int, Any]) -> None:
        self.clusters = [c for c in clusters if all(cid in rows for cid in c.customer_ids)]
        self._rows = rows
        listing = self.query_one("#dup-clusters", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        scores = [format_percent(cluster.score) for cluster in self.clusters]
        score_width = max((cell_len(score) for score in scores), default=0)
        for index, cluster in enumerate(self.clusters):
            if cluster.confidence == "possible" and (index == 0 or self.clusters[index - 1].confidence != "possible"):
                heading = Text(_("Possible duplicates — check"), style="bold italic")
                listing.add_option(Option(heading, id=_POSSIBLE_HEADING, disabled=True))
            names = [rows[cid].name for cid in cluster.customer_ids]
            first = rows[cluster.customer_ids[0]]
            prompt = Text.assemble((scores[index].rjust(score_width) + "  ", "bold"))
            prompt.append_text(customer_line(first.name, first.customer_number, first.postal_code, first.city))
            if len(names) > 1:
                others = len(names) - 1
                prompt.append("  " + ngettext("+ {n} more", "+ {n} more", others).format(n=format_number(others)), style="italic")
            listing.add_option(Option(prompt, id=str(index)))
        status = self.query_one("#dup-status", Static)
        if not self.clusters:
            status.update(Text(_("No probable duplicates found."), style="italic"))
            self.query_one("#dup-members", Static).update("")
            self.query_one("#dup-reasons", Static).update("")
        else:
            certain = sum(1 for cluster in self.clusters if cluster.confidence == "certain")
            possible = len(self.clusters) - certain
            probable = ngettext(
                "{n} group of probable duplicates", "{n} groups of probable duplicates", certain
            ).format(n=format_number(certain))
            to_check = ngettext("{n} possible group to check", "{n} possible groups to check", possible).format(
                n=format_number(possible)
            )
            status.update(Text(_("{probable}, {to_check}").format(probable=probable, to_check=to_check)))
            listing.highlighted = min(highlighted or 0, listing.option_count - 1)
            if listing.highlighted_option is not None and listing.highlighted_option.disabled:
                listing.action_cursor_down()
        self.refresh_bindings()

    def current(self) -> Any | None:
        listing = self.query_one("#dup-clusters", OptionList)
        option = listing.highlighted_option
        if option is None or option.id is None or not option.id.isdigit() or not self.clusters:
            return None
        return self.clusters[int(option.id)]

    @on(OptionList.OptionHighlighted, "#dup-clusters")
    def _highlighted(self) -> None:
        cluster = self.current()
        if cluster is None:
            return
        self._compare(cluster)
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#dup-clusters")
    def _selected(self) -> None:
        self.action_merge()

    def _compare(self, cluster: Any) -> None:
        # A fault leaves the comparison shown as it was.
        self.fetch(
            lambda session: (
                {cid: customers.get_customer(session, cid) for cid in cluster.customer_ids},
                {cid: locations.locations_of(session, cid) for cid in cluster.customer_ids},
            ),
            lambda found: self._show_comparison(cluster, *found),
            group="compare",
        )

    def _show_comparison(self, cluster: Any, records: dict[int, Any], sites: dict[int, Any]) -> None:
        titles = comparison_titles()
        table = Table(expand=True, show_edge=False, pad_edge=False, box=None, padding=(0, 1))
        # The titles' column as wide as its longest title in the UI language: none is cut ("Gekoppe…").
        table.add_column("", style="bold", no_wrap=True, width=max(cell_len(title) for title in titles.values()))
        for cid in cluster.customer_ids:
            table.add_column(Text(f"#{cid}", style="bold"), overflow="fold", ratio=1)
        rows = self._rows

        def line(title: str, values: list[Text]) -> None:
            table.add_row(titles[title], *values)

        line("name", [plain(records[c].name, style="bold") for c in cluster.customer_ids])
        line("internal_name", [plain(records[c].internal_name) for c in cluster.customer_ids])
        line("customer_number", [plain(records[c].customer_number) for c in cluster.customer_ids])
        line("vat_number", [Text(shown_value("vat_number", records[c].vat_number)) for c in cluster.customer_ids])
        line(
            "phone",
            [
                Text(shown_value("phone", records[c].phone, customer_country(records[c].region_code)))
                for c in cluster.customer_ids
            ],
        )
        line("email", [plain(records[c].email) for c in cluster.customer_ids])
        line("address", [plain("\n".join(address_line(s) for s in sites[c][:2])) for c in cluster.customer_ids])
        line("linked", [Text(linked_counts(rows[c].installations, rows[c].missions)) for c in cluster.customer_ids])
        self.query_one("#dup-members", Static).update(table)
        reasons = Text()
        for pair in cluster.pairs:
            reasons.append_text(
                assemble(
                    _("{pair}: {reasons}"),
                    pair=Text(pair_title(pair), style="bold"),
                    reasons=", ".join(reason.with_weight for reason in pair.reasons),
                )
            )
            reasons.append("\n")
        self.query_one("#dup-reasons", Static).update(reasons)

    # --- actions -------------------------------------------------------

    def action_merge(self) -> None:
        cluster = self.current()
        if cluster is None:
            return
        self.navigate(Destination.MERGE_WIZARD, customer_ids=list(cluster.customer_ids))

    def action_dismiss_pair(self) -> None:
        cluster = self.current()
        if cluster is None:
            return

        def dismiss(pair_key: str | None) -> None:
            if not pair_key:
                return
            a, b = (int(part) for part in pair_key.split("-"))
            self.write(lambda session: merge.dismiss_pair(session, self.custtui.user, a, b), self._pair_dismissed)

        if len(cluster.pairs) == 1:
            pair = cluster.pairs[0]
            dismiss(f"{pair.a}-{pair.b}")
            return
        items = [MenuItem(f"{pair.a}-{pair.b}", pair_title(pair)) for pair in cluster.pairs]
        self.app.push_screen(ContextMenu(items, self.query_one("#dup-compare").region.offset), dismiss)

    def _pair_dismissed(self, _nothing: None) -> None:
        self.notify(_("Marked as not a duplicate; this pair is not shown again."))
        self.action_rescan()

    def on_customers_changed(self, message: CustomersChanged) -> None:
        if self.is_attached:
            self.action_rescan()

    def action_back(self) -> None:
        self.dismiss()
