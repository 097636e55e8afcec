"""The prepared store: work done once per content of a claims file, kept in the user cache.

Keyed by the SHA-256 of the file's bytes, so an edited file is never answered from a
stale cache. Three things are kept:

- ``<key>.valid-<code>``: a stamp saying the file passed the load checks
  (``scograph.checks.integrity``), so that later calls need not check it again; ``<code>`` is a
  digest of the checks, so a file checked by other rules is checked again;
- ``<key>.oxigraph/``: for a large file, an on-disk Oxigraph index, opened read-only
  instead of parsing the Turtle again;
- ``<key>.records-<code>.sqlite``: beside that index, the JSON record of each entity, made
  by a process of its own started when the file is created, right after the index is built
  (:func:`start_records_pass`; its lock is ``<key>.records-<code>.pass``), and by any lookup
  that finds one missing, so that lookups read records instead of evaluating the queries
  that make them. ``<code>`` is a digest of the modules that build records, so records made
  by another version of scograph are never read.

The stamp and the index are written to a temporary name and renamed into place, so two
processes building at once never see half of one; the loser of the race discards its
copy. The records are written in SQLite transactions (write-ahead log), so readers and
writers in several processes see whole records or none.

An index is opened only after it is checked against what it looked like when it was built
(the size and times of every file RocksDB reads, kept in its ``COMPLETE`` stamp): a file
missing, truncated, rewritten or added since means damage, and a damaged index is set
aside and built again, once, with a note on stderr. The check matters: RocksDB notices some
damage only in the middle of a query, and a garbled block has made a lookup allocate until
the system killed it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from contextlib import contextmanager
from pathlib import Path

LARGE_FILE_BYTES = 256 * 1024
"""Above this size opening a prepared on-disk index beats parsing the Turtle on every call
(the paper's 0.6 MB: 7 ms to open against 12 ms to parse; a million triples: 10 ms against 3 s)."""


def cache_dir() -> Path | None:
    """``$SCOGRAPH_CACHE``, else ``$XDG_CACHE_HOME/scograph``, else ``~/.cache/scograph``; None if unusable."""
    configured = os.environ.get("SCOGRAPH_CACHE")
    if configured == "":
        return None  # caching switched off
    if configured:
        base = Path(configured)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "scograph"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError):
        return None
    return base if os.access(base, os.W_OK) else None


def note(message: str) -> None:
    """One line on stderr about something the cache did that the user may want to know of."""
    from ..errors import printable

    print(f"note: {printable(message)}", file=sys.stderr, flush=True)


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_key(handle) -> str:
    """:func:`content_key` of an open file's bytes, read in chunks: a large file is never held whole."""
    return hashlib.file_digest(handle, "sha256").hexdigest()


def file_signature(info: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is written or replaced: its inode, size, and modification and status-change times."""
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


_PROBLEMS: dict[str, str] = {}
"""{content key: the load check it breaks} of the files indexed in this process that broke one."""


def known_problem(key: str) -> str | None:
    """The problem the load checks found while ``key`` was indexed in this process, if they found one."""
    return _PROBLEMS.get(key)


def code_digest(names: tuple[str, ...]) -> str:
    """A digest of these modules of scograph: what a cache entry made by their code is named by."""
    here = Path(__file__).resolve().parents[1]  # scograph/
    digest = hashlib.sha256()
    for name in names:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


CHECK_CODE = ("checks/integrity.py", "terms.py")
"""The modules whose code decides what a validation stamp vouches for: the load checks and the id grammar."""


def _stamp(directory: Path, key: str) -> Path:
    return directory / f"{key}.valid-{code_digest(CHECK_CODE)}"


def is_validated(key: str) -> bool:
    directory = cache_dir()
    return directory is not None and _stamp(directory, key).is_file()


def mark_validated(key: str) -> None:
    directory = cache_dir()
    if directory is None:
        return
    import tempfile

    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{key}.", suffix=".tmp")
        os.close(fd)
        os.replace(temporary, _stamp(directory, key))
    except OSError:
        pass  # a cache: without the stamp the file is only checked again next time


def prepared_store_path(key: str) -> Path | None:
    directory = cache_dir()
    return directory / f"{key}.oxigraph" if directory is not None else None


def prepared_index(key: str, path: Path, check=None, signature: tuple[int, ...] | None = None):
    """The prepared index of a large claims file, opened read-only: the one kept, or one built now.

    A damaged index is built again, once; None when there is no usable cache directory (the
    caller loads the file in memory). Malformed Turtle is a DataFileError naming file and line.
    ``check`` (the load checks, of a store) runs on an index built now, as it is compacted;
    ``signature`` is :func:`file_signature` of the file when ``key`` was computed.
    """
    target = prepared_store_path(key)
    if target is None:
        return None
    store, may_build = _open_or_set_aside(target, path)
    if store is None and may_build:
        from ..progress import progress_bar

        size = os.stat(path).st_size
        with progress_bar(size, f"indexing {path.name} once, for later calls", unit="bytes") as advance:
            store = build_prepared(key, path, check, signature, advance)
    return store


def open_prepared(key: str):
    """The prepared index for ``key`` opened read-only, or None if there is none yet or it is damaged."""
    target = prepared_store_path(key)
    return _open_or_set_aside(target, None)[0] if target is not None else None


def _open_or_set_aside(target: Path, source: Path | None):
    """(the index at ``target``, opened) or (None, whether to build one): a damaged index is moved out of the way."""
    store, damage = _open_checked(target)
    if damage is None:
        return store, True
    what = source.name if source is not None else "the claims file"
    moved = _set_aside(target)
    if moved is not True:
        note(f"the prepared index {target} cannot be used ({damage}) nor replaced ({moved}); reading {what} instead")
        return None, False
    note(f"the prepared index {target} cannot be used ({damage}); indexing {what} again")
    return None, True


_UNCHECKED = ("COMPLETE", "LOCK", "LOG")
"""Files of an index left out of its fingerprint: its stamp, RocksDB's lock, and RocksDB's
information logs (``LOG``, ``LOG.old.*``), which say what it did and are never read back."""


def _fingerprint(directory: Path) -> dict[str, list[int]]:
    """{file: [size, mtime, ctime]} of every file RocksDB reads in the index ``directory``.

    Writing a file changes its modification and status-change times, and no program can
    set the status-change time back; on Windows, which has no status-change time, the
    modification time and the size remain. A read-only open changes none of them.
    """
    found = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            if not entry.name.startswith(_UNCHECKED):
                info = entry.stat(follow_symlinks=False)
                found[entry.name] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns]
    return found


def _open_checked(target: Path):
    """(store, None) for a sound index, (None, None) when there is none, (None, what is wrong) when damaged."""
    import json

    import pyoxigraph as ox

    try:
        stamp = (target / "COMPLETE").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None, None  # none yet, or a partial copy that building replaces
    except (OSError, UnicodeDecodeError) as error:
        return None, f"its COMPLETE stamp cannot be read: {getattr(error, 'strerror', None) or error}"
    try:
        recorded = json.loads(stamp)["files"]
        found = _fingerprint(target)
    except OSError as error:
        return None, f"its files cannot be listed: {error.strerror or error}"
    except (ValueError, KeyError, TypeError):
        return None, "its COMPLETE stamp is not one this version of scograph writes"
    for name in sorted(recorded.keys() | found.keys()):
        if name not in found:
            return None, f"{name} is missing"
        if name not in recorded:
            return None, f"{name} was added after it was built"
        if found[name] != recorded[name]:
            return None, f"{name} was changed after it was built"
    try:
        return ox.Store.read_only(str(target)), None
    except (OSError, RuntimeError) as error:  # RocksDB's own checks: a bad checksum, an unreadable file
        return None, (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _set_aside(target: Path) -> bool | str:
    """Move a damaged index out of the way and delete it: True, or why it cannot be moved.

    A rename is atomic, so of several processes that meet the same damage one moves it and
    the others find it gone; each then builds, and the race is settled as for any build.
    """
    import shutil

    try:
        inode = os.stat(target).st_ino
        aside = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.damaged")
        os.rename(target, aside)
    except FileNotFoundError:
        return True  # another process moved it first
    except OSError as error:
        return error.strerror or str(error)
    if os.stat(aside).st_ino != inode:
        # Between the check and the rename another process put a new index in place: give it back.
        try:
            os.rename(aside, target)
            return True
        except OSError:
            pass
    shutil.rmtree(aside, ignore_errors=True)
    return True


def build_prepared(key: str, path: Path, check=None, signature: tuple[int, ...] | None = None, progress=None):
    """Bulk-load the file at ``path`` into a new on-disk index for ``key``; return it opened read-only.
    ``progress`` hears how many bytes are parsed, then that the index is being checked and compacted.

    The loader reads the file itself, never held whole in Python; a file written or replaced
    since its ``signature`` was taken (with ``key``) is a DataFileError, as what was loaded may
    not be what ``key`` names. ``check`` runs as in :func:`prepared_index`; the content is
    stamped valid when it finds nothing.
    Returns None when the cache cannot be written (the caller loads in memory). An index that
    is damaged right after it was built is a DataFileError: rebuilding again would loop.
    """
    import json
    import shutil
    import tempfile

    import pyoxigraph as ox

    from ..errors import DataFileError
    from .oxigraph import bulk_load_turtle

    target = prepared_store_path(key)
    if target is None:
        return None
    building = None
    try:
        building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{key}.", suffix=".building"))
        store = ox.Store(str(building))
        bulk_load_turtle(store, path, path, progress=progress)
        if signature is not None and file_signature(os.stat(path)) != signature:
            raise DataFileError(f"{path} changed while it was being indexed; run the command again")
        if progress is not None:
            progress(os.stat(path).st_size, f"checking and compacting the index of {path.name}")
        store.flush()
        problem = _optimize_checking(store, check)
        if check is not None:
            if problem is None:
                mark_validated(key)
            else:
                _PROBLEMS[key] = problem
        del store  # closes the database before it is fingerprinted and moved
        stamp = json.dumps({"key": key, "files": _fingerprint(building)})
        (building / "COMPLETE").write_text(stamp, encoding="utf-8")
        try:
            os.rename(building, target)
        except OSError:
            # Another process finished first (its index is used), or a stale partial copy is in the way:
            # moved aside rather than deleted in place, so that a copy renamed there meanwhile is never half-deleted.
            if not (target / "COMPLETE").is_file():
                _set_aside(target)
                try:
                    os.rename(building, target)
                except OSError:
                    pass  # another process's index got there first
    except OSError as error:  # a full disk, a cache directory gone or not writable after all
        note(f"cannot build a prepared index in {target.parent} ({error.strerror or error}); reading {path.name} instead")
        return None
    finally:
        if building is not None:
            shutil.rmtree(building, ignore_errors=True)
    store, damage = _open_checked(target)
    if store is None:
        raise DataFileError(
            f"the prepared index {target} cannot be used right after it was built ({damage or 'it is gone'});"
            f" delete it, or set SCOGRAPH_CACHE= (empty) to read {path.name} without a cache")
    return store


def _optimize_checking(store, check) -> str | None:
    """Compact a freshly loaded index (``optimize``) while ``check`` reads it; what ``check`` found.

    RocksDB compacts in threads of its own and pyoxigraph releases the interpreter meanwhile,
    so the checks' queries run beside it: at a million triples compacting takes 0.95 s and the
    checks 1.0 s one after the other, 1.2 s side by side.
    """
    if check is None:
        store.optimize()
        return None
    import threading

    from .oxigraph import OxigraphStore

    failed: list[BaseException] = []

    def optimize() -> None:
        try:
            store.optimize()
        except BaseException as error:  # raised in the caller's thread, below
            failed.append(error)

    worker = threading.Thread(target=optimize, name="scograph-optimize")
    worker.start()
    try:
        problem = check(OxigraphStore(store))
    finally:
        worker.join()
    if failed:
        raise failed[0]
    return problem


RECORD_CODE = ("records.py", "terms.py", "store/__init__.py", "store/oxigraph.py")
"""The modules whose code decides what a record holds: their digest names the records file."""


def records_code_digest() -> str:
    return code_digest(RECORD_CODE)


_PASSES: list = []
"""The records passes this process started (kept, so that none is reported as left running when it is collected)."""


def start_records_pass(key: str) -> None:
    """Make every record of the index ``key`` in a process of its own (``python -m scograph.records``), started now:
    when its records file is created (after indexing, or for a new version of scograph).

    Making them in the indexing pass itself would cost the index goal: at a million triples the
    27,000 records take 5.3 s (engine 40%, the rest Python) against 6.5 s for loading and
    compacting the index. In a process of their own, at a lower priority, they are ready a few
    seconds after the index; a lookup that comes sooner makes the records it lacks, as it
    always has, and the pass skips those.
    """
    import subprocess

    try:
        _PASSES.append(subprocess.Popen(
            [sys.executable, "-m", "scograph.records", key], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True))
    except OSError:
        pass  # no process to spare: lookups make their records, as they did before


def wait_for_records_passes() -> None:
    """Wait for the records passes this process started (tests and benchmarks that want them done)."""
    while _PASSES:
        _PASSES.pop().wait()


@contextmanager
def records_pass_lock(key: str):
    """True while this process holds the records pass of ``key`` (False: another process does); True without locks (Windows)."""
    directory = cache_dir()
    try:
        import fcntl
    except ImportError:
        yield directory is not None
        return
    if directory is None:
        yield False
        return
    try:
        handle = open(directory / f"{key}.records-{records_code_digest()}.pass", "a")
    except OSError:
        yield False
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True


class RecordCache:
    """Entity records (JSON text) by IRI for one content key, in a SQLite file; a cache, so
    any failure to read or write it only means the records are made again."""

    def __init__(self, path: Path):
        import sqlite3
        import threading

        self.path = path
        self._error = sqlite3.Error
        self._lock = threading.Lock()  # one connection, shared by a server's threads: one statement at a time
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS records (iri TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID")

    @classmethod
    def open(cls, key: str) -> "RecordCache | None":
        """The records file for ``key`` and this code, created if needed; None when caching is off or fails."""
        import sqlite3

        directory = cache_dir()
        if directory is None:
            return None
        path = directory / f"{key}.records-{records_code_digest()}.sqlite"
        fresh = not path.exists()  # a new index, a new version of scograph, or a deleted file: all records to make
        try:
            records = cls(path)
        except sqlite3.DatabaseError:  # not a database (damaged): start it again
            try:
                for damaged in (path, *path.parent.glob(path.name + "-*")):
                    damaged.unlink(missing_ok=True)
                records, fresh = cls(path), True
            except (sqlite3.Error, OSError):
                return None
        except (sqlite3.Error, OSError):
            return None
        if fresh:
            start_records_pass(key)
        return records

    def get_many(self, iris: list[str]) -> dict[str, str]:
        """{IRI: record JSON} of the IRIs that have a record here."""
        import json

        if not iris:
            return {}
        try:
            with self._lock:
                rows = self._db.execute(
                    "SELECT iri, record FROM records WHERE iri IN (SELECT value FROM json_each(?))", (json.dumps(iris),))
                return dict(rows.fetchall())
        except self._error:
            return {}

    def put_many(self, records: dict[str, str], replace: bool = False) -> None:
        """Keep these records; ``replace`` overwrites the ones already kept (damaged ones), else they stay."""
        if not records:
            return
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(f"{verb} INTO records (iri, record) VALUES (?, ?)", records.items())
                self._db.execute("COMMIT")
            except self._error:  # read-only or full disk: the records are made again next time
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
