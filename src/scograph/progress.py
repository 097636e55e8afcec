"""Progress on stderr for steps that can take more than a second; silent when stderr is not a terminal.

rich is imported only when there is a terminal to draw on.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(total: int, description: str, unit: str = "") -> Iterator[Callable[[int], None] | None]:
    """A bar with a known total, its percentage and the time left; yields the callback that sets how much is
    done, or None (no terminal). ``unit="bytes"`` shows the amount as MB, else as ``done/total``."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn,
        TimeRemainingColumn,
    )

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), amount, TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda done: progress.update(task, completed=done)


class CountingReader(io.RawIOBase):
    """``data`` as a binary file whose reads tell ``progress`` how many bytes are read: a parser that reads
    a file object (pyoxigraph's bulk load) then says how far it is. Reads below ``step`` bytes are summed."""

    def __init__(self, data: bytes, progress: Callable[[int], None], step: int = 1 << 20):
        super().__init__()
        self._view = memoryview(data)
        self._position = 0
        self._progress = progress
        self._step = step
        self._told = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), len(self._view) - self._position)
        buffer[:count] = self._view[self._position:self._position + count]
        self._position += count
        if self._position - self._told >= self._step or (count and self._position == len(self._view)):
            self._told = self._position
            self._progress(self._position)
        return count


@contextlib.contextmanager
def status(description: str) -> Iterator[None]:
    """A spinner for a step whose length is not known in advance (exporting, drawing)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(description):
        yield
