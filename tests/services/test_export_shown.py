"""Exporting what the list shows: the same query, the shown columns, safe cells."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from helpers import make_customer
from sqlmodel import Session

from custtui.models import User
from custtui.services import labels
from custtui.services.filters import CustomerFilter
from custtui.services.transfer import shown
from custtui.services.transfer.shown import ShownSpec, export_shown

COLUMNS = [("name", "Nom"), ("region_code", "Région"), ("internal_name", "Nom interne")]


def _some(session: Session, technician: User) -> dict[str, int]:
    ids = {}
    for name, region, internal in [
        ("Alpha", "BE-VLG", "=HYPERLINK(1)"),
        ("Bravo", "BE-WAL", "+cmd"),
        ("Charlie", "BE-WAL", "plain"),
        ("Delta", "BE-BRU", None),
    ]:
        ids[name] = make_customer(session, technician, name, region_code=region, internal_name=internal).id
    return ids


def _csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


def test_region_filter_exports_exactly_those_rows_with_the_given_columns(
    session: Session, technician: User, tmp_path: Path
) -> None:
    _some(session, technician)
    target = tmp_path / "out.csv"
    count = export_shown(session, technician, ShownSpec(filter=CustomerFilter(regions=("BE-WAL",))), COLUMNS, target)
    assert count == 2
    rows = _csv(target)
    assert rows[0] == ["Nom", "Région", "Nom interne"]
    assert rows[1:] == [["Bravo", "BE-WAL", "'+cmd"], ["Charlie", "BE-WAL", "plain"]]


def test_label_filter_and_search_ids(session: Session, technician: User, tmp_path: Path) -> None:
    ids = _some(session, technician)
    label = labels.create_label(session, technician, "VIP")
    assert label.id is not None
    labels.assign_label(session, technician, ids["Delta"], label.id)
    labels.assign_label(session, technician, ids["Alpha"], label.id)
    session.commit()
    target = tmp_path / "labelled.csv"
    spec = ShownSpec(filter=CustomerFilter(label_ids=(label.id,)))
    assert export_shown(session, technician, spec, [("name", "Name"), ("labels", "L")], target) == 2
    assert _csv(target)[1:] == [["Alpha", "VIP"], ["Delta", "VIP"]]
    # A search: its hits in their ranked order.
    hits = tmp_path / "hits.csv"
    spec = ShownSpec(ids=(ids["Charlie"], ids["Alpha"]))
    assert export_shown(session, technician, spec, [("internal_name", "I"), ("name", "N")], hits) == 2
    assert _csv(hits)[1:] == [["plain", "Charlie"], ["'=HYPERLINK(1)", "Alpha"]]


def test_xlsx_is_readable_and_keeps_formulas_as_text(session: Session, technician: User, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _some(session, technician)
    target = tmp_path / "out.xlsx"
    assert export_shown(session, technician, ShownSpec(), COLUMNS, target) == 4
    sheet = load_workbook(target).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Nom", "Région", "Nom interne"]
    assert [row[0] for row in values[1:]] == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert values[1][2] == "=HYPERLINK(1)"
    assert sheet["C2"].data_type == "s"  # text, not a formula


def test_refuses_to_overwrite_unless_told(session: Session, technician: User, tmp_path: Path) -> None:
    _some(session, technician)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "there.csv"
    target.write_text("keep")
    with pytest.raises(FileExistsError):
        export_shown(session, technician, ShownSpec(), COLUMNS, target)
    assert target.read_text() == "keep"
    assert export_shown(session, technician, ShownSpec(), COLUMNS, target, overwrite=True) == 4
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["there.csv"]  # no temporary file left


def test_missing_directory_raises_and_pages_are_streamed(
    session: Session, technician: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _some(session, technician)
    with pytest.raises(FileNotFoundError):
        export_shown(session, technician, ShownSpec(), COLUMNS, tmp_path / "nowhere" / "x.xlsx")
    monkeypatch.setattr(shown, "EXPORT_PAGE_SIZE", 3)
    target = tmp_path / "paged.csv"
    assert export_shown(session, technician, ShownSpec(), COLUMNS, target) == 4
    assert len(_csv(target)) == 5
