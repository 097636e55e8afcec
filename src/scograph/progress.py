"""Progress on stderr for steps that can take more than a second; silent when stderr is not a terminal.

rich is imported only when there is a terminal to draw on.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(total: int, description: str, unit: str = "items") -> Iterator[Callable[[int], None] | None]:
    """A bar with a known total, its percentage and time left; yields the callback that sets how much is done
    (and, given a second argument, the step it is at), or None.

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

        def advance(done: int, stage: str | None = None) -> None:
            progress.update(task, completed=done, **({"description": stage} if stage else {}))

        yield advance


class CountingReader(io.RawIOBase):
    """A binary file whose reads tell ``progress`` how many bytes are read so far: a parser that reads a file
    object (pyoxigraph's bulk load) then says how far it is. Reads closer than ``step`` bytes are told once."""

    def __init__(self, file, progress: Callable[[int], None], step: int = 1 << 20):
        super().__init__()
        self._file = file
        self._progress = progress
        self._step = step
        self._read = self._told = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._file.readinto(buffer)
        self._read += count
        if self._read - self._told >= self._step or not count:
            self._told = self._read
            self._progress(self._read)
        return count


@contextlib.contextmanager
def status(description: str) -> Iterator[None]:
    """A spinner for a step whose length is not known in advance (loading, indexing, exporting)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(description):
        yield
