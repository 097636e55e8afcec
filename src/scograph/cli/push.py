"""The `scograph push` command: the claims file, checked, streamed to a remote Graph Store in batches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import DataOption, checked_url


def push(endpoint: Annotated[str, typer.Option("--endpoint", help="SPARQL 1.1 Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store.", metavar="URL")],
         graph: Annotated[Optional[str], typer.Option("--graph", help="Named graph IRI to replace; default: the default graph. With --by-source or a .trig/.nq file: where the default graph's triples go.", metavar="IRI")] = None,
         by_source: Annotated[bool, typer.Option("--by-source", help="One named graph per cited source and paper, as `export --format trig` splits them.")] = False,
         batch: Annotated[int, typer.Option("--batch", min=1, help="Triples per request.", metavar="N")] = 50_000,
         skip: Annotated[int, typer.Option("--skip", min=0, help="Resume a push that stopped: leave out the first N triples it sent, keep what the store holds.", metavar="N")] = 0,
         retry_for: Annotated[float, typer.Option("--retry-for", min=0, help="Seconds to retry a request whose connection dropped.", metavar="SECONDS")] = 60.0,
         data: DataOption = None) -> None:
    """Upload the claims graph to a remote triple store (replacing the graph it writes to), in batches.

    A TriG or N-Quads file (export --format trig) replaces each of its named graphs. A dropped
    connection is retried; if the store stays away, the error says how many triples landed and
    the --skip that sends the rest (exit code 4).
    """
    from ..progress import progress_bar
    from ..store import push as pushing

    store_url = checked_url(endpoint, "graph store", "http://127.0.0.1:7878/store")
    if graph is not None:
        pushing.graph_target(store_url, graph)  # a bad IRI is refused before the file is read
    if by_source:
        from ..graph import ClaimsGraph
        from ..rdf.datasets import dataset_parts, source_dataset

        parts = dataset_parts(source_dataset(ClaimsGraph.load(data)), default=graph)
        with progress_bar(sum(len(triples) for _, triples in parts), "pushing") as bar:
            report = pushing.push_graphs(store_url, parts, batch=batch, skip=skip, retry_for=retry_for, progress=bar)
    else:
        path = _checked(data)
        with progress_bar(path.stat().st_size, f"pushing {path.name}", unit="bytes") as bar:
            report = pushing.push_file(store_url, path, graph, batch=batch, skip=skip, retry_for=retry_for,
                                       progress=bar)
    where = report.targets[0] if len(report.targets) == 1 else f"{len(report.targets)} graphs at {store_url}"
    typer.echo(f"pushed {report.triples} triples to {where}", err=True)


def _checked(data: Path | None) -> Path:
    """The claims file, checked before anything leaves the machine; once checked, not read whole again.

    A file whose content passed the load checks before (its stamp in the cache, by a streamed
    digest) is not loaded; any other is loaded as every command loads it. A TriG or N-Quads
    file (an export) is only parsed, as it is sent.
    """
    import hashlib

    from ..fileio import open_regular
    from ..graph import ClaimsGraph
    from ..store import default_data_path
    from ..store import prepared as cache
    from ..store.push import DATASET_SUFFIXES

    path = Path(data) if data is not None else default_data_path()
    dataset = path.suffix.lower() in DATASET_SUFFIXES
    # A regular file only (a FIFO or /dev/zero is refused, not read), its errors named as every command names them.
    with open_regular(path, "TriG or N-Quads file" if dataset else "Turtle file") as stream:
        if dataset:
            return path  # an export of a checked claims file (export --format trig): parsed as it streams, not loaded
        try:
            key = hashlib.file_digest(stream, "sha256").hexdigest()  # cache.content_key, without the whole file
        except OSError:
            key = None  # the load names what is wrong with the file
    if key is None or not cache.is_validated(key):
        ClaimsGraph.load(path)
    return path
