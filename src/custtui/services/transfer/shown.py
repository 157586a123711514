"""Export what the customer list shows: its filter or search, its columns, every matching row."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from custtui.i18n import _
from custtui.models import User
from custtui.services import customers, marks
from custtui.services.auth import Permission, require
from custtui.services.filters import CustomerFilter
from custtui.services.transfer.exporting import EXPORT_PAGE_SIZE, _export_csv, _export_xlsx, _exported_phone


@dataclass(frozen=True)
class ShownSpec:
    """What the list queries: its sort and filters, and the search hits in their order when searching."""

    sort: str = "name"
    descending: bool = False
    filter: CustomerFilter = field(default_factory=CustomerFilter)
    ids: tuple[int, ...] | None = None  # the search hits (already within the filters), None: the whole filtered list


def format_of(path: str | os.PathLike[str]) -> str:
    """The format, "xlsx" or "csv", from the file's extension (xlsx unless it ends in .csv)."""
    return "csv" if os.fspath(path).lower().endswith(".csv") else "xlsx"


def _shown_ids(session: Session, spec: ShownSpec) -> list[int]:
    if spec.ids is not None:
        return list(spec.ids)
    return customers.ordered_customer_ids(session, spec.sort, spec.descending, spec.filter)


def _value(row: marks.MarkedRow, key: str) -> Any:
    if key == "name":
        return row.shown_name
    if key == "labels":
        return ", ".join(tag.name for tag in row.labels)
    if key == "phone":
        return _exported_phone(row.phone, row.region_code) if row.phone else None
    if key == "created_at":
        return row.created_at.date() if row.created_at else None
    return getattr(row, key)


def _rows(session: Session, ids: list[int], keys: tuple[str, ...]) -> Iterator[list[Any]]:
    """The rows of `ids`, in order, read EXPORT_PAGE_SIZE at a time."""
    for start in range(0, len(ids), EXPORT_PAGE_SIZE):
        page = ids[start : start + EXPORT_PAGE_SIZE]
        found = marks.marked_rows(session, page)
        for cid in page:
            row = found.get(cid)
            if row is not None:  # deleted meanwhile
                yield [_value(row, key) for key in keys]


def export_shown(
    session: Session,
    actor: User,
    spec: ShownSpec,
    columns: Sequence[tuple[str, str]],
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    overwrite: bool = False,
    excel: bool = True,
) -> int:
    """Write the customers `spec` selects to `path`, the `columns` (key, header title) in that order; returns the count.

    `fmt` "xlsx" or "csv" (None: from the extension); CSV is Excel's (UTF-8 with a BOM, `;`) unless `excel` is
    False. Written to a temporary file beside `path`, then renamed: never half a file. An existing `path`
    is refused (FileExistsError) unless `overwrite`."""
    require(actor, Permission.VIEW)
    fmt = fmt or format_of(path)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(_("Unknown export format: {format} (csv or xlsx).").format(format=fmt))
    target = Path(path).expanduser()
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    keys = tuple(key for key, _title in columns)
    header = tuple(title for _key, title in columns)
    rows = _rows(session, _shown_ids(session, spec), keys)
    handle, temporary = tempfile.mkstemp(prefix=".custtui-export-", suffix="." + fmt, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            if fmt == "csv":
                written = _export_csv(rows, out, excel=excel, columns=keys, header=header)
            else:
                written = _export_xlsx(rows, out, titles=header)
        if overwrite:
            os.replace(temporary, target)
        else:
            try:
                os.link(temporary, target)  # fails if the file appeared meanwhile
            except FileExistsError:
                raise
            except OSError:  # no hard links here (a FAT stick): check, then rename
                if target.exists():
                    raise FileExistsError(str(target)) from None
                os.replace(temporary, target)
            else:
                os.unlink(temporary)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return written
