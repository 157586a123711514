"""A customer's missions, most recent first, dates in the UI language."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from custtui.i18n import _, format_date, pgettext
from custtui.services import customers, missions
from custtui.services.addresses import address_line
from custtui.tui.sublist_screen import CustomerSubScreen, fitted
from custtui.tui.text import mission_kind_name, mission_status_name, plain

_STATUS_STYLES = {"planned": "bold", "in_progress": "bold yellow", "done": "", "cancelled": "dim strike"}


# The status and kind columns fit the longest status and kind of every language (tests/tui/test_tui_language.py).
STATUS_WIDTH = 11
KIND_WIDTH = 12


def mission_columns() -> list[tuple[str, str, int]]:
    """The missions table's columns (title, key, width): 77 cells with their padding, within 80."""
    return [
        (_("Date"), "date", 10),
        (_("Status"), "status", STATUS_WIDTH),
        (pgettext("mission", "Kind"), "kind", KIND_WIDTH),
        (_("Technician"), "technician", 15),
        (pgettext("column: report language", "Rep."), "report", 4),
        (_("Location"), "location", 13),
    ]


class MissionsScreen(CustomerSubScreen):
    def title_text(self) -> str:
        return _("Missions")

    def setup_columns(self, table: DataTable[Any]) -> None:
        for title, key, width in mission_columns():
            table.add_column(title, key=key, width=width)

    def read(self, session: Any) -> tuple[list[Any], str | None]:
        rows = missions.missions_of_customer(session, self.customer_id)
        return rows, customers.get_customer(session, self.customer_id).language

    def fill(self, table: DataTable[Any], data: tuple[list[Any], str | None]) -> int:
        rows, customer_language = data
        for mission, location in rows:
            # The report's language: as set on the mission, else the document rule.
            report = mission.report_language or customers.document_language(
                customer_language, self.custtui.user.language
            ).code
            table.add_row(
                *fitted(
                    table,
                    format_date(mission.planned_on, "short"),
                    Text(mission_status_name(mission.status), style=_STATUS_STYLES.get(mission.status, "")),
                    mission_kind_name(mission.kind),
                    plain(mission.technician),
                    report,
                    plain(location.name or address_line(location)),
                ),
                key=str(mission.id),
            )
        return len(rows)

    def empty_text(self) -> str:
        return _("No missions for this customer.")
