"""What every engine's measurement shares: the corpus's names, timing and memory, answer checks.

``engines.py`` (scograph) and ``peers.py`` (raw pyoxigraph, plain rdflib, networkx) time their
operations with :class:`Run`; ``run.py`` compares the :func:`digest` of their answers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

COUNTRY = "TJ"
ENTITY = "https://w3id.org/scograph/id/"
SCO = "https://w3id.org/scograph/vocab#"
COUNTRY_IRI = ENTITY + "tj"
ROOT = Path(__file__).resolve().parents[1]
CHAINS_QUERY_FILE = ROOT / "queries" / "chains.rq"

PREFIXES = """PREFIX sco: <https://w3id.org/scograph/vocab#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def chains_query() -> str:
    """The project's named query ``chains`` (queries/chains.rq), parameter ``country`` left to bind."""
    return CHAINS_QUERY_FILE.read_text(encoding="utf-8")


def _proc_kb(field_name: str) -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field_name}:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else None


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux), so that the peak read later is the operation's own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Run:
    """One operation's measurement: seconds per repeat, memory around the first timed run, a check.

    ``first`` is set in the first process of a size's pairs: it also takes the untimed figures
    (the writer alone, Python's heap peak) that need an extra run.
    """

    corpus: Path
    workdir: Path
    repeat: int
    first: bool = True
    seconds: list[float] = field(default_factory=list)
    rss_before_mb: float | None = None
    op_peak_mb: float | None = None
    extra: dict = field(default_factory=dict)
    check: dict = field(default_factory=dict)

    def repeats(self) -> range:
        return range(self.repeat)

    @contextlib.contextmanager
    def timed(self) -> Iterator[None]:
        first = not self.seconds
        if first:
            rss = _proc_kb("VmRSS")
            self.rss_before_mb = rss / 1024 if rss is not None else None
            reset = _reset_peak()
        start = time.perf_counter()
        yield
        self.seconds.append(time.perf_counter() - start)
        if first and reset:
            peak = _proc_kb("VmHWM")
            self.op_peak_mb = peak / 1024 if peak is not None else None

    def scratch(self, name: str) -> Path:
        """A fresh directory under the work directory (removed by the caller)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.workdir, prefix=f"{name}."))

    def as_dict(self) -> dict:
        return {"seconds": self.seconds, "rss_before_mb": self.rss_before_mb, "op_peak_mb": self.op_peak_mb,
                "check": self.check, **self.extra}


class TimeLimit(Exception):
    """A query ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimit` in this (main) thread after ``seconds``: plain rdflib evaluates
    SPARQL in Python, so the signal's handler interrupts it between two steps."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise TimeLimit(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def digest(items: Iterable) -> dict:
    """A check of an answer: how many distinct items, and a digest of them sorted."""
    unique = sorted({"|".join(map(str, item)) if isinstance(item, tuple) else str(item) for item in items})
    return {"count": len(unique), "digest": hashlib.sha1("\n".join(unique).encode()).hexdigest()[:12]}


def local(iri) -> str:
    text = iri if isinstance(iri, str) else iri.value if hasattr(iri, "value") else str(iri)
    return text[len(ENTITY):] if text.startswith(ENTITY) else text


@contextlib.contextmanager
def scograph_cache(directory: Path) -> Iterator[None]:
    """Point scograph's prepared-store cache at ``directory`` for the duration."""
    previous = os.environ.get("SCOGRAPH_CACHE")
    os.environ["SCOGRAPH_CACHE"] = str(directory)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SCOGRAPH_CACHE", None)
        else:
            os.environ["SCOGRAPH_CACHE"] = previous


@contextlib.contextmanager
def records_passes_held(cache: Path) -> Iterator[None]:
    """Hold the lock of every records pass in scograph's ``cache`` directory for the duration: a
    pass started meanwhile (scograph starts one when it creates a records file) finds it taken
    and stops, so a lookup timed with its records made makes them alone, with no pass beside it."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with contextlib.ExitStack() as stack:
        for lock in sorted(cache.glob("*.records-*.pass")):
            fcntl.flock(stack.enter_context(open(lock, "a")), fcntl.LOCK_EX)
        yield


def prepared_dir(workdir: Path, engine: str) -> Path:
    return workdir / f"{engine}-prepared"


def directory_mb(path: Path) -> float:
    """Disk used by the files under ``path`` (what ``du`` counts, in MB)."""
    total = 0
    for entry in path.rglob("*"):
        try:
            if entry.is_file() and not entry.is_symlink():
                total += entry.stat().st_blocks * 512
        except OSError:
            pass
    return total / 2**20


# --------------------------------------------------------------------- SPARQL results as TSV


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def with_values(query: str, bindings: dict[str, str] | None, group: int = 0) -> str:
    """``query`` with its variables bound to IRIs by a VALUES block opening its ``group``-th WHERE
    group (a subquery's, where the variable is used there).

    (pyoxigraph's ``substitutions`` only binds variables the query projects.)
    """
    if not bindings:
        return query
    where = list(_WHERE.finditer(query))[group]
    block = " ".join(f"VALUES ?{name} {{ <{iri}> }}" for name, iri in bindings.items())
    return f"{query[:where.end()]} {block}{query[where.end():]}"


def term(cell: str) -> tuple[str | None, str | None]:
    """A TSV cell (an N-Triples term, or empty when unbound) as (text, language tag)."""
    if not cell:
        return None, None
    if cell[0] == "<":
        return cell[1:-1], None
    if cell[0] == '"':
        end = cell.rindex('"')
        text = cell[1:end]
        if "\\" in text:
            text = json.loads(f'"{text}"')  # N-Triples escapes are JSON's (\" \\ \n \t \uXXXX)
        rest = cell[end + 1:]
        return text, rest[1:] if rest.startswith("@") else None
    return cell, None  # integers and booleans are written bare


def tsv(store, query: str) -> list[list[str]]:
    """The rows of a SELECT query as pyoxigraph's TSV writer spells them (no Python term objects:
    the fastest way out of pyoxigraph for a user who wants text)."""
    import pyoxigraph as ox

    text = store.query(query).serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
    return [line.split("\t") for line in text.split("\n")[1:] if line]
