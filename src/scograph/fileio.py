"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO


@contextmanager
def atomic_writer(path: Path, text: bool = False) -> Iterator[BinaryIO | TextIO]:
    """A file to stream into; it replaces ``path`` only when the block ends without error.

    Binary by default; ``text=True`` gives UTF-8 text with ``\\n`` line ends.

    A file that cannot be written is a DataFileError naming it.
    """
    import tempfile  # imported here: it costs milliseconds that lookups, which only read, need not pay

    from .errors import DataFileError

    path = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except OSError as error:
        raise DataFileError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        os.chmod(temporary, _mode_for(path))
        opened = os.fdopen(fd, "w", encoding="utf-8", newline="\n") if text else os.fdopen(fd, "wb")
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError):
            raise DataFileError(f"cannot write {path}: {error.strerror or error}") from None
        raise


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
    return _decode(read_bytes(path, what), Path(path))


def read_bytes(path: Path, what: str = "file") -> bytes:
    """A file's bytes; a missing or unreadable one is a DataFileError naming it."""
    from .errors import DataFileError

    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(f"no such {what}: {path}") from None
    except IsADirectoryError:
        raise DataFileError(f"{path} is a directory, expected a {what}") from None
    except OSError as error:
        raise DataFileError(f"cannot read {path}: {error.strerror or error}") from None


def _decode(data: bytes, path: Path) -> str:
    from .errors import DataFileError

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
