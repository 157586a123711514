"""A customer's missions, most recent first, dates in the UI language."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from custtui.i18n import _, format_date, pgettext
from custtui.models import MISSION_KIND_NAMES, MISSION_STATUS_NAMES, MissionKind, MissionStatus
from custtui.services import customers, missions
from custtui.services.addresses import address_line
from custtui.tui.sublist_screen import CustomerSubScreen, fitted
from custtui.tui.text import plain

_STATUS_STYLES = {"planned": "bold", "in_progress": "bold yellow", "done": "", "cancelled": "dim strike"}


class MissionsScreen(CustomerSubScreen):
    def title_text(self) -> str:
        return _("Missions")

    def setup_columns(self, table: DataTable[Any]) -> None:
        table.add_column(_("Date"), key="date", width=10)
        table.add_column(_("Status"), key="status", width=11)
        table.add_column(pgettext("mission", "Kind"), key="kind", width=12)
        table.add_column(_("Technician"), key="technician", width=15)
        table.add_column(pgettext("column: report language", "Rep."), key="report", width=4)
        table.add_column(_("Location"), key="location", width=13)

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
                    Text(_(MISSION_STATUS_NAMES[MissionStatus(mission.status)]), style=_STATUS_STYLES.get(mission.status, "")),
                    _(MISSION_KIND_NAMES[MissionKind(mission.kind)]),
                    plain(mission.technician),
                    report,
                    plain(location.name or address_line(location)),
                ),
                key=str(mission.id),
            )
        return len(rows)

    def empty_text(self) -> str:
        return _("No missions for this customer.")
