"""Reading and writing files so that a reader never sees half of one, and only regular files are read or replaced.

Every path the user names is either read whole (a claims file, a curation file, a query,
the paper's text) or replaced whole (an export, a built claims file, a corpus). A device, a
FIFO or a directory at such a path is refused with a DataFileError naming it: reading
``/dev/zero`` would never end, opening a FIFO would wait for a writer, and renaming a
temporary file over ``/dev/full`` would replace the device itself.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


@contextmanager
def atomic_writer(path: Path, text: bool = False) -> Iterator[BinaryIO | TextIO]:
    """A file to stream into; it replaces ``path`` only when the block ends without error.

    Binary by default; ``text=True`` gives UTF-8 text with ``\\n`` line ends. A symbolic
    link is written through: the temporary file goes beside the file the link points to
    and is renamed onto it, so the link stays a link. A path that holds anything but a
    regular file (a directory, a FIFO, a device), or that cannot be written, is a
    DataFileError naming it.
    """
    import tempfile  # imported here: it costs milliseconds that lookups, which only read, need not pay

    from .errors import DataFileError

    path = Path(path)
    target = _write_target(path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except (OSError, ValueError) as error:
        raise DataFileError(f"cannot write {path}: {_reason(error)}") from None
    try:
        os.chmod(temporary, _mode_for(target))
        opened = os.fdopen(fd, "w", encoding="utf-8", newline="\n") if text else os.fdopen(fd, "wb")
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError):
            raise DataFileError(f"cannot write {path}: {_reason(error)}") from None
        raise


def _write_target(path: Path) -> Path:
    """The file that writing ``path`` replaces: ``path``, or what its links lead to; refused unless regular or new."""
    from .errors import DataFileError

    try:
        target = Path(os.path.realpath(path))  # a dangling link leads to the file it would create
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except (OSError, ValueError) as error:
        raise DataFileError(f"cannot write {path}: {_reason(error)}") from None
    if not stat.S_ISREG(mode):
        raise DataFileError(f"cannot write {path}: it is {_kind(mode)}, not a regular file; give a file path")
    return target


def write_atomic(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    with atomic_writer(path) as handle:
        handle.write(data.encode(encoding) if isinstance(data, str) else data)


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the umask's (mkstemp's 0600 would hide it)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read_text(path: Path, what: str = "file") -> str:
    """A UTF-8 file's text; missing, unreadable or undecodable input is a DataFileError naming it."""
    return decode(read_bytes(path, what), Path(path))


def read_bytes(path: Path, what: str = "file") -> bytes:
    """A regular file's bytes; a missing or unreadable one, or anything but a regular file, is a DataFileError naming it."""
    with open_regular(path, what) as handle:
        return read_rest(handle, path)


def open_regular(path: Path, what: str = "file") -> BinaryIO:
    """A regular file opened for reading bytes, for a reader that streams it; errors as :func:`read_bytes`'s."""
    from .errors import DataFileError

    path = Path(path)
    try:
        # Non-blocking, so that opening a FIFO does not wait for a writer before it is refused below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise DataFileError(f"no such {what}: {path}") from None
    except IsADirectoryError:
        raise DataFileError(f"{path} is a directory, expected a {what}") from None
    except (OSError, ValueError) as error:
        raise DataFileError(f"cannot read {path}: {_reason(error)}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise DataFileError(f"{path} is a directory, expected a {what}")
        raise DataFileError(f"{path} is {_kind(mode)}, expected a {what} (a regular file)")
    return open(fd, "rb")


def read_rest(handle: BinaryIO, path: Path) -> bytes:
    """What is left to read of an open file; a failed read is a DataFileError naming it."""
    from .errors import DataFileError

    try:
        return handle.read()
    except OSError as error:
        raise DataFileError(f"cannot read {path}: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    if isinstance(error, ValueError):  # what os functions raise for a path with a NUL character
        return "the path contains a NUL character"
    return getattr(error, "strerror", None) or str(error)


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text, or a DataFileError naming the file and the first bad byte."""
    from .errors import DataFileError

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
