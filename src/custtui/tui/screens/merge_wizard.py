"""The merge wizard: keep, fields, locations, moves, preview, apply; and past merges with undo.

The wizard only shows the plan (services.merge.MergePlan) and edits its
choices; the merge itself is one transaction in the service.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from custtui.errors import DomainError, user_message
from custtui.i18n import N_, _, format_datetime, format_number, format_percent, format_relative, ngettext, pgettext
from custtui.models import NP_, stored_id
from custtui.services import installations, marks, merge, missions
from custtui.tui.base import ModalScreen, Screen
from custtui.tui.fields import field_titles
from custtui.tui.text import assemble, customer_line, plain, safe, shown_value
from custtui.tui.widgets.dialogs import ConfirmDialog
from custtui.tui.widgets.search_box import SearchBox
from custtui.tui.widgets.stock import Header
from custtui.tui.widgets.tick_list import TickList

STEPS = ("keep", "fields", "locations", "moves", "preview", "done")


def step_titles() -> dict[str, str]:
    return {
        "keep": _("1/5 The record to keep"),
        "fields": _("2/5 Field values"),
        "locations": _("3/5 Locations"),
        "moves": _("4/5 What moves"),
        "preview": _("5/5 Preview"),
        "done": _("Merged"),
    }


def step_hints() -> dict[str, str]:
    return {
        "keep": _("enter: keep this record · n: next · escape: cancel"),
        "fields": _("enter: take this value · n: next · b: back"),
        "locations": _("enter: choose where this location goes · n: next · b: back"),
        "moves": _("n: next · b: back"),
        "preview": _("a: apply the merge (one transaction) · b: back"),
        "done": _("d: delete the emptied records · u: undo · escape: close"),
    }


class MergeWizardScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "next", N_("Next"), id="wizard.next"),
        Binding("b", "back", NP_("merge wizard: the step before", "Back"), id="wizard.back"),
        Binding("a", "apply", NP_("merge: carry it out", "Apply"), id="wizard.apply"),
        Binding("d", "delete_emptied", N_("Delete emptied"), id="wizard.delete"),
        Binding("u", "undo", N_("Undo"), id="wizard.undo"),
        # Escape leaves: "Cancel" before the merge, "Close" once it is done (as the hint says).
        Binding("escape", "cancel", N_("Cancel"), id="wizard.cancel"),
        Binding("escape", "close", N_("Close"), id="wizard.close"),
    ]

    def __init__(self, customer_ids: list[int]) -> None:
        super().__init__()
        self.customer_ids = customer_ids
        self.plan: Any = None
        self.step = "keep"
        self.merge_id: int | None = None
        self.deleted = False
        self._move_counts: tuple[Counter[int], Counter[int]] | None = None


    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="wizard-step")
        yield OptionList(id="wizard-options")
        yield Static(id="wizard-info")
        yield Static(id="wizard-hint")
        yield Footer(compact=True, show_command_palette=False)

    def capture_state(self) -> dict[str, Any]:
        return {"plan": self.plan, "step": self.step, "merge_id": self.merge_id, "deleted": self.deleted}

    def restore_state(self, state: dict[str, Any]) -> None:
        self.plan, self.step = state["plan"], state["step"]
        self.merge_id, self.deleted = state["merge_id"], state["deleted"]
        self.render_step()

    def on_mount(self) -> None:
        self.sub_title = _("Merge")
        if getattr(self, "_state_to_restore", None) is not None:
            return  # rebuilt after a language switch: the plan comes back as it was
        self.query_one(OptionList).focus()
        user, customer_ids = self.custtui.user, self.customer_ids
        self.fetch(
            lambda session: merge.plan_merge(session, user, customer_ids), self._planned, on_error=self._not_planned, group="plan"
        )

    def _planned(self, plan: Any) -> None:
        self.plan = plan
        self._move_counts = None
        self.render_step()

    def _not_planned(self, error: DomainError) -> None:
        self.notify(user_message(error), severity="error", timeout=10)
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = {
            "next": self.step in ("keep", "fields", "locations", "moves"),
            "back": self.step in ("fields", "locations", "moves", "preview"),
            "apply": self.step == "preview",
            "delete_emptied": self.step == "done" and not self.deleted,
            "undo": self.step == "done",
            "cancel": self.step != "done",
            "close": self.step == "done",
        }
        if action in allowed:
            return True if allowed[action] else False
        return True

    # --- rendering -----------------------------------------------------

    def render_step(self) -> None:
        if self.plan is None:
            return  # still being planned
        self.query_one("#wizard-step", Static).update(Text(step_titles()[self.step], style="bold"))
        self.query_one("#wizard-hint", Static).update(Text(step_hints()[self.step], style="italic"))
        listing = self.query_one(OptionList)
        listing.clear_options()
        info = self.query_one("#wizard-info", Static)
        info.update("")
        getattr(self, f"_render_{self.step}")(listing, info)
        listing.display = listing.option_count > 0
        first = next((i for i in range(listing.option_count) if not listing.get_option_at_index(i).disabled), None)
        listing.highlighted = first
        self.refresh_bindings()

    def _customer_label(self, customer_id: int) -> str:
        return safe(self.plan.shown_name(customer_id))

    def _kept_name(self) -> str:
        """The kept record's name as it will be (or is) after the merge."""
        name = self.plan.chosen_values().get("name", self.plan.names.get(self.plan.keep_id, ""))
        return safe(marks.marked_name(name, self.plan.keep_id in self.plan.marked))  # the kept record keeps its mark

    def _render_keep(self, listing: OptionList, info: Static) -> None:
        for customer_id in [self.plan.keep_id, *self.plan.other_ids]:
            locations_n, installations_n, missions_n = self.plan.counts[customer_id]
            mark = "● " if customer_id == self.plan.keep_id else "○ "
            prompt = Text.assemble((mark, "bold"))
            prompt.append(self._customer_label(customer_id), style="bold" if customer_id == self.plan.keep_id else "")
            prompt.append(f"  #{customer_id}\n    ")
            prompt.append(
                " · ".join(
                    (
                        ngettext("{n} location", "{n} locations", locations_n).format(n=format_number(locations_n)),
                        ngettext("{n} installation", "{n} installations", installations_n).format(
                            n=format_number(installations_n)
                        ),
                        ngettext("{n} mission", "{n} missions", missions_n).format(n=format_number(missions_n)),
                    )
                ),
                style="italic",
            )
            listing.add_option(Option(prompt, id=f"keep:{customer_id}"))
        info.update(Text(_("Preselected: the record with the most installations and missions."), style="dim"))

    def _render_fields(self, listing: OptionList, info: Static) -> None:
        titles = field_titles()
        if not self.plan.fields:
            info.update(Text(_("All records have the same values."), style="italic"))
        for choice in self.plan.fields:
            listing.add_option(Option(Text(titles.get(choice.field, choice.field), style="bold underline"), disabled=True))
            for customer_id, value in choice.values.items():
                chosen = customer_id == choice.chosen_from
                prompt = Text.assemble((("● " if chosen else "○ "), "bold"))
                shown = Text(shown_value(choice.field, value))  # phones and VAT numbers as the detail shows them
                prompt.append(shown if value not in (None, "") else Text(_("(empty)"), style="dim"))
                prompt.append(f"  #{customer_id}", style="dim")
                listing.add_option(Option(prompt, id=f"field:{choice.field}:{customer_id}"))
        labels_added = len(self.plan.labels_added)
        if labels_added:
            info.update(
                Text(
                    ngettext(
                        "{n} label is added to the kept record.", "{n} labels are added to the kept record.", labels_added
                    ).format(n=format_number(labels_added))
                )
            )

    def _render_locations(self, listing: OptionList, info: Static) -> None:
        if not self.plan.locations:
            info.update(Text(_("The other records have no locations."), style="italic"))
        for match in self.plan.locations:
            heading = Text.assemble((safe(match.address), "bold"))
            heading.append("  " + _("of #{id}").format(id=match.customer_id), style="dim")
            listing.add_option(Option(heading, disabled=True))
            for target_id, address, score in match.candidates:
                chosen = match.target_id == target_id
                prompt = Text.assemble((("● " if chosen else "○ ") + "→ ", "bold"))
                prompt.append(safe(address))
                prompt.append("  " + format_percent(score / 100), style="dim")  # the plan scores addresses out of 100
                listing.add_option(Option(prompt, id=f"loc:{match.location_id}:{target_id}"))
            new = Text.assemble((("● " if match.target_id is None else "○ ") + "→ ", "bold"))
            new.append(_("add to the kept record as a new location"), style="italic")
            listing.add_option(Option(new, id=f"loc:{match.location_id}:new"))

    def _render_moves(self, listing: OptionList, info: Static) -> None:
        if self._move_counts is None:
            self._count_moves()
        # Until they are read (or with the database away) the counts show "?":
        # the plan and the next steps do not need them.
        inst, jobs = self._move_counts or (None, None)
        table = Table(expand=True, box=None, show_edge=False, padding=(0, 1))
        table.add_column(_("From"), ratio=1, overflow="fold")
        table.add_column(_("To"), ratio=1, overflow="fold")
        # Titled as the list's columns (the same counts, the same words).
        table.add_column(pgettext("column: installations", "Inst"), justify="right", width=5)
        table.add_column(pgettext("column: missions", "Jobs"), justify="right", width=5)
        addresses = {tid: addr for m in self.plan.locations for tid, addr, _s in m.candidates}
        for match in self.plan.locations:
            target = safe(addresses.get(match.target_id, "")) if match.target_id is not None else _("(new location)")
            table.add_row(
                plain(match.address),
                Text(target),
                format_number(inst.get(match.location_id, 0)) if inst is not None else "?",
                format_number(jobs.get(match.location_id, 0)) if jobs is not None else "?",
            )
        keep = assemble(_("Everything moves to: {name}"), name=Text(self._kept_name(), style="bold"))
        info.update(_GroupRenderable(keep, table))

    def _count_moves(self) -> None:
        other_ids = self.plan.other_ids

        def counted(counts: tuple[Counter[int], Counter[int]]) -> None:
            self._move_counts = counts
            if self.step == "moves":
                self._rerender_keeping(self.query_one(OptionList).highlighted)

        self.fetch(
            lambda session: (
                Counter(
                    stored_id(location)
                    for cid in other_ids
                    for _i, location, _b in installations.installations_of_customer(session, cid)
                ),
                Counter(stored_id(location) for cid in other_ids for _m, location in missions.missions_of_customer(session, cid)),
            ),
            counted,
            group="moves",
        )

    def _render_preview(self, listing: OptionList, info: Static) -> None:
        preview = self.plan.preview()
        p = preview
        lines = [
            ngettext(
                "{n} location added to the kept record", "{n} locations added to the kept record", p.locations_added
            ).format(n=format_number(p.locations_added)),
            ngettext(
                "{n} location matched to a kept location", "{n} locations matched to a kept location", p.locations_mapped
            ).format(n=format_number(p.locations_mapped)),
            ngettext("{n} installation moved", "{n} installations moved", p.installations_moved).format(
                n=format_number(p.installations_moved)
            ),
            ngettext("{n} mission moved", "{n} missions moved", p.missions_moved).format(n=format_number(p.missions_moved)),
            ngettext(
                "{n} field changed on the kept record", "{n} fields changed on the kept record", p.fields_changed
            ).format(n=format_number(p.fields_changed)),
            ngettext("{n} label added", "{n} labels added", p.labels_added).format(n=format_number(p.labels_added)),
            ngettext(
                "{n} record marked ERROR, left empty", "{n} records marked ERROR, left empty", p.records_marked
            ).format(n=format_number(p.records_marked)),
        ]
        head = assemble(_("Keep: {name}"), name=Text(self._kept_name(), style="bold"))
        self.query_one("#wizard-info", Static).update(_GroupRenderable(head, Text("\n".join(lines))))

    def _render_done(self, listing: OptionList, info: Static) -> None:
        text = assemble(_("Merged into {name}."), name=Text(self._kept_name(), style="bold"))
        text.append("\n")
        if self.deleted:
            text.append(_("The emptied records were deleted. Undo still restores them."))
        else:
            text.append(_("The other records are marked ERROR and empty; delete them with d."))
        text.append("\n" + _("Merge number {id}: undo with u here, or later from the merges list.").format(id=self.merge_id))
        info.update(text)

    # --- choices -------------------------------------------------------

    @on(OptionList.OptionSelected, "#wizard-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        kind, _sep, rest = key.partition(":")
        if kind == "keep":
            keep_id = int(rest)
            if keep_id == self.plan.keep_id:
                self.render_step()
                return
            plan, user = self.plan, self.custtui.user
            # Refused, the plan stays as it was.
            self.fetch(lambda session: merge.replan_keep(session, user, plan, keep_id), self._planned, group="plan")
        elif kind == "field":
            field, customer_id = rest.rsplit(":", 1)
            self.plan.choose_field(field, int(customer_id))
            self._rerender_keeping(event.option_index)
        elif kind == "loc":
            location_id, target = rest.split(":")
            self.plan.map_location(int(location_id), None if target == "new" else int(target))
            self._rerender_keeping(event.option_index)

    def _rerender_keeping(self, index: int | None) -> None:
        self.render_step()
        listing = self.query_one(OptionList)
        if index is not None and index < listing.option_count:
            listing.highlighted = index

    # --- navigation ----------------------------------------------------

    def action_next(self) -> None:
        index = STEPS.index(self.step)
        if self.step in ("keep", "fields", "locations", "moves"):
            self.step = STEPS[index + 1]
            self.render_step()

    def action_back(self) -> None:
        index = STEPS.index(self.step)
        if 0 < index < STEPS.index("done"):
            self.step = STEPS[index - 1]
            self.render_step()

    def action_apply(self) -> None:
        if self.step != "preview":
            return
        affected = [self.plan.keep_id, *self.plan.other_ids]
        plan, user = self.plan, self.custtui.user

        def applied(merge_id: int) -> None:
            self.merge_id = merge_id
            self.step = "done"
            self.render_step()
            self.notify(_("Merge applied."))
            self.custtui.customers_changed(affected)

        # Only a committed merge has a number: a fault at commit leaves the wizard at the preview.
        self.write(
            lambda session: merge.apply_merge(session, user, plan),
            applied,
            on_error=lambda error: self.notify(user_message(error), severity="error", timeout=10),
        )

    def action_delete_emptied(self) -> None:
        if self.step != "done" or self.merge_id is None or self.deleted:
            return
        count = len(self.plan.other_ids)
        merge_id = self.merge_id

        def confirmed(choice: str | None) -> None:
            if choice == "yes":
                self.write(lambda session: merge.delete_merged(session, self.custtui.user, merge_id), self._emptied_deleted)

        self.app.push_screen(
            ConfirmDialog(
                _("Delete the emptied records"),
                ngettext("Delete the {n} record marked ERROR?", "Delete the {n} records marked ERROR?", count).format(
                    n=format_number(count)
                ),
                _("Delete"),
                danger=True,
            ),
            confirmed,
        )

    def _emptied_deleted(self, deleted: list[int]) -> None:
        self.deleted = True
        self.notify(ngettext("{n} record deleted.", "{n} records deleted.", len(deleted)).format(n=format_number(len(deleted))))
        self.custtui.customers_changed(list(deleted))
        self.render_step()

    def action_undo(self) -> None:
        if self.merge_id is None:
            return
        merge_id = self.merge_id
        self.write(lambda session: merge.undo_merge(session, self.custtui.user, merge_id), self._undone)

    def _undone(self, _nothing: object) -> None:
        self.notify(_("Merge undone."))
        self.custtui.customers_changed([self.plan.keep_id, *self.plan.other_ids])
        self.dismiss()

    def action_cancel(self) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()


class _GroupRenderable:
    """Two renderables one above the other (a heading and a table)."""

    def __init__(self, *parts: Any) -> None:
        self.parts = parts

    def __rich_console__(self, console: Any, options: Any) -> Any:
        for part in self.parts:
            yield part
            yield Text("")


class MergePickerScreen(ModalScreen[list[int] | None]):
    """"Merge with…": pick the other records by search; returns their ids."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="merge_pick.cancel"),
        Binding("ctrl+s", "done", N_("Continue"), id="merge_pick.done"),
    ]

    def __init__(self, customer_id: int, name: str) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.customer_name = name
        self.picked: dict[int, str] = {}
        self._lines: dict[int, Text] = {}  # what each candidate was shown as


    def compose(self) -> ComposeResult:
        with Vertical(id="merge-pick", classes="dialog"):
            yield Static(
                assemble(_("Merge with {name}"), name=plain(self.customer_name, style="bold")), classes="dialog-title"
            )
            yield SearchBox(
                id="merge-search", compact=True, placeholder=_("type to find the other records"), select_on_focus=False
            )
            yield TickList(id="merge-hits")
            yield Static(_("space: pick · ctrl+s: continue · escape: cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed, "#merge-search")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        index, customer_id = self.custtui.search_index, self.customer_id

        def found(session: Any) -> list[Any]:
            hits = [] if index is None or not query.strip() else index.search(query, limit=10)
            ids = [hit.customer_id for hit in hits if hit.customer_id != customer_id]
            rows = marks.marked_rows(session, ids)
            return [rows[cid] for cid in ids if cid in rows]

        # The database away, the hits shown stay.
        self.fetch(found, self._show, group="search", hold_keys=False)

    def _show(self, hits: list[Any]) -> None:
        listing = self.query_one(SelectionList)
        listing.clear_options()
        shown = set()
        for row in hits:
            line = customer_line(row.shown_name, row.customer_number, row.postal_code, row.city, row.id)
            self._lines[row.id] = line
            listing.add_option(Selection(line, row.id, row.id in self.picked))
            shown.add(row.id)
        for cid in self.picked:
            if cid not in shown:
                listing.add_option(Selection(self._lines[cid], cid, True))
        if listing.option_count:
            listing.highlighted = 0

    @on(Input.Submitted, "#merge-search")
    def _to_list(self) -> None:
        self.query_one(SelectionList).focus()

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        cid = int(event.selection.value)
        if cid in event.selection_list.selected:
            self.picked[cid] = self._lines[cid].plain
        else:
            self.picked.pop(cid, None)

    def action_done(self) -> None:
        if not self.picked:
            self.notify(_("Pick at least one other record (space)."), severity="warning")
            return
        self.dismiss(list(self.picked))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MergesScreen(Screen[None]):
    """Past merges, newest first; u undoes one."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="merges.back"),
        Binding("u", "undo", N_("Undo merge"), id="merges.undo"),
    ]


    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="merges")
        yield Static(id="merges-empty")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Merges")
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        self.fetch(merge.list_merges, self._show)  # a fault leaves the list as it was

    def _show(self, done: list[Any]) -> None:
        listing = self.query_one(OptionList)
        listing.clear_options()
        for item in done:
            prompt = assemble(
                _("#{id}  {when} ({ago})  {user}"),
                style="dim" if item.undone else "",
                id=item.id,
                when=format_datetime(item.at),
                ago=format_relative(item.at),
                user=item.user_login,
            )
            prompt.append("\n  ")
            prompt.append_text(
                assemble(
                    _("kept {kept}  ←  {others}"),
                    kept=Text(safe(item.shown_name(item.keep_id)), style="bold"),
                    others=", ".join(safe(item.shown_name(cid)) for cid in item.other_ids),
                )
            )
            if item.undone:
                prompt.append("  " + _("(undone)"), style="italic")
            listing.add_option(Option(prompt, id=str(item.id), disabled=item.undone))
        self.query_one("#merges-empty", Static).update(
            Text(_("No merges yet."), style="italic") if not done else ""
        )
        first = next((i for i in range(listing.option_count) if not listing.get_option_at_index(i).disabled), None)
        listing.highlighted = first

    def action_undo(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return
        merge_id = int(listing.get_option_at_index(listing.highlighted).id or 0)

        def confirmed(choice: str | None) -> None:
            if choice == "yes":
                self.write(lambda session: merge.undo_merge(session, self.custtui.user, merge_id), self._undone)

        self.app.push_screen(
            ConfirmDialog(
                _("Undo merge"), _("Restore the records exactly as they were before merge {id}?").format(id=merge_id), _("Undo")
            ),
            confirmed,
        )

    def _undone(self, _nothing: object) -> None:
        self.notify(_("Merge undone."))
        self.custtui.customers_changed(None)
        self.reload()

    def action_back(self) -> None:
        self.dismiss()
