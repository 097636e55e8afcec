"""Progress on stderr for steps that can take more than a second; silent when stderr is not a terminal.

rich is imported only when there is a terminal to draw on.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(total: int, description: str, unit: str = "items") -> Iterator[Callable[[int], None] | None]:
    """A bar with a known total, its percentage and time left; yields the callback that sets how much is done, or None.

    ``unit`` is ``items`` (shown as done/total) or ``bytes`` (shown as MB).
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TaskProgressColumn,
                               TextColumn, TimeElapsedColumn, TimeRemainingColumn)

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), amount, TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda done: progress.update(task, completed=done)


@contextlib.contextmanager
def status(description: str) -> Iterator[None]:
    """A spinner for a step whose length is not known in advance (loading, indexing, exporting)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(description):
        yield
