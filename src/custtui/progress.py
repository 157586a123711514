"""Progress of a long command on stderr: rows done, rate and time left (rich, which comes with Textual).

Shown only when stderr is a terminal and the user did not ask for quiet: a
pipe, a log file or cron get nothing but the command's own summary. The bar
is transient (gone when the command ends), so what stays on the screen is
the summary the command prints.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from custtui.i18n import _, format_number, format_percent, ngettext

# What a bar counts, as one sentence per count: (done, total or None) -> "41,500 / 100,000 rows".
Counter = Callable[[int, int | None], str]


class ProgressSink(Protocol):
    def __call__(self, done: int, total: int | None, stage: str | None = None) -> None: ...


def _quiet_sink(done: int, total: int | None, stage: str | None = None) -> None:
    return None


def shows_progress(quiet: bool) -> bool:
    """Whether a bar would be shown: stderr is a terminal, not --quiet, and TERM is not dumb."""
    try:
        terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return terminal and not quiet and os.environ.get("TERM") != "dumb"


def count_rows(done: int, total: int | None) -> str:
    if total is None:
        return ngettext("{done} row", "{done} rows", done).format(done=format_number(done))
    return ngettext("{done} / {total} row", "{done} / {total} rows", total).format(
        done=format_number(done), total=format_number(total)
    )


def count_customers(done: int, total: int | None) -> str:
    if total is None:
        return ngettext("{done} customer", "{done} customers", done).format(done=format_number(done))
    return ngettext("{done} / {total} customer", "{done} / {total} customers", total).format(
        done=format_number(done), total=format_number(total)
    )


def count_steps(done: int, total: int | None) -> str:
    """Bare numbers, for a bar whose stage says what is counted."""
    if total is None:
        return format_number(done)
    return _("{done} / {total}").format(done=format_number(done), total=format_number(total))


@contextmanager
def progress_bar(description: str, counter: Counter, *, quiet: bool = False) -> Iterator[ProgressSink]:
    """A callable `(done, total, stage=None)` that moves the bar; does nothing when no bar is shown.

    `counter` writes the count, what is counted and all ("41,500 / 100,000
    rows": count_rows, count_customers, count_steps); `stage`, when given,
    replaces the description (a scan's blocking, then its scoring).
    """
    if not shows_progress(quiet):
        yield _quiet_sink
        return
    # rich loads only when a bar is shown: a command in a pipe or cron starts without it.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import (  # noqa: PLC0415
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text  # noqa: PLC0415

    class Counts(ProgressColumn):
        """'41,500 / 100,000 rows · 3,120/s', numbers in the user's locale."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            counted = counter(int(task.completed), None if task.total is None else int(task.total))
            if speed:
                counted = _("{counted} · {rate}/s").format(counted=counted, rate=format_number(round(speed)))
            return Text(counted, no_wrap=True)

    class Percent(ProgressColumn):
        """'42 %' in French and German, '42%' in Dutch and English."""

        def render(self, task: Task) -> Text:
            if task.total is None:
                return Text("")
            return Text(format_percent(task.percentage / 100), style="progress.percentage", justify="right")

    console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
    # At 80 columns, rich's 40-wide bar pushed the rate onto a second line.
    columns = (
        TextColumn("{task.description}"), BarColumn(bar_width=20), Percent(), Counts(), TimeRemainingColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int | None, stage: str | None = None) -> None:
            if stage is not None:
                bar.update(task, description=stage)
            bar.update(task, completed=done, total=total)

        yield advance
