"""Writing discourse networks: what ``scograph export`` delegates to for the DNA-style networks.

Networks (``network``): ``actor-concept`` (two-mode), ``actor-actor`` and ``concept-concept``
(one-mode), ``driver-demand-response`` (three-mode) and ``driver-response`` (its projection).
Formats: ``graphml``, ``gexf``, ``csv`` (PREFIX-nodes.csv and PREFIX-edges.csv) through the export
writers of :mod:`scograph.exports`; ``matrix`` (the adjacency matrix as CSV) and ``dl`` (UCINET).
With a ``window``, a GEXF is one dynamic file; ``per_window`` (or any other format) writes one file
per window, named ``STEM-NN-START.EXT`` (for csv ``PREFIX-NN-START-nodes.csv`` …).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..errors import UsageError
from .networks import Selection, Spec

NETWORKS = {"actor-concept": "two-mode", "actor-actor": "actors", "concept-concept": "concepts",
            "driver-demand-response": None, "driver-response": None}
FORMATS = ("graphml", "gexf", "csv", "matrix", "dl")
THREE_MODE = ("driver-demand-response", "driver-response")


@dataclass(frozen=True)
class Written:
    """What was written: the files (none for stdout), and the nodes and edges of each network."""

    network: str
    paths: tuple[Path, ...]
    networks: int
    nodes: int
    edges: int

    def summary(self) -> str:
        where = ", ".join(str(p) for p in self.paths) if len(self.paths) <= 4 else f"{len(self.paths)} files"
        windows = f"{self.networks} windows, " if self.networks > 1 else ""
        return f"wrote {where} ({self.network} network: {windows}{self.nodes} nodes, {self.edges} edges)"


def _check_format(fmt: str, network: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} for a discourse network; valid: {', '.join(FORMATS)}")
    if network not in NETWORKS:
        raise UsageError(f"unknown discourse network {network!r}; valid: {', '.join(NETWORKS)}")
    if network in THREE_MODE and fmt in ("matrix", "dl"):
        raise UsageError(f"--format {fmt} writes actor-concept, actor-actor and concept-concept, not {network}")


def spec_for(network: str, qualifier: str | None = None, normalize: str | None = None, concept: str = "theme") -> Spec:
    """The :class:`.networks.Spec` of a named network; the qualifier defaults to ``ignore`` (two-mode)
    or ``congruence`` (one-mode), the normalisation to ``none``."""
    mode = NETWORKS[network]
    if mode is None:
        if qualifier is not None or normalize not in (None, "none"):
            raise UsageError(f"--qualifier and --normalize apply to actor-concept, actor-actor and concept-concept, not {network}")
        return Spec("two-mode", concept="demand")
    return Spec(mode, qualifier or ("ignore" if mode == "two-mode" else "congruence"), normalize or "none", concept)


def build(graph, network: str, selection: Selection = Selection(), *, qualifier: str | None = None,
          normalize: str | None = None, concept: str = "theme", basis: tuple[str, ...] | None = None):
    """The network by name: a :class:`.networks.Matrix`, or for the three-mode ones an exports Network."""
    from . import threemode
    from .networks import matrix

    _check_format("graphml", network)
    spec = spec_for(network, qualifier, normalize, concept)
    if network in THREE_MODE:
        return threemode.network(graph, selection, basis or threemode.BASES, projected=network == "driver-response")
    if basis:
        raise UsageError("--basis applies to the driver-demand-response and driver-response networks")
    return matrix(graph, spec, selection)


def _window_path(output: Path, index: int, start, fmt: str) -> Path:
    tag = f"{index + 1:02d}-{start.isoformat()}"
    if fmt == "csv":
        stem = output.name[:-4] if output.name.lower().endswith(".csv") else output.name
        return output.with_name(f"{stem}-{tag}")
    return output.with_name(f"{output.stem}-{tag}{output.suffix}")


def export(graph, fmt: str, network: str, selection: Selection = Selection(), *, qualifier: str | None = None,
           normalize: str | None = None, concept: str = "theme",
           window: str | None = None, step: str | None = None, per_window: bool = False,
           basis: tuple[str, ...] | None = None, output: Path | str | None = None,
           stream: TextIO | None = None) -> Written:
    """Write one discourse network (or a series) to ``output`` (atomically) or the text ``stream``."""
    from ..exports import Network, emitter
    from . import time

    _check_format(fmt, network)
    spec = spec_for(network, qualifier, normalize, concept)
    if output is None and stream is None:
        raise UsageError("give an output path or a stream")
    if step is not None and window is None:
        raise UsageError("--step needs --window (the length of each window)")
    if fmt == "csv" and output is None:
        raise UsageError("csv writes two files, PREFIX-nodes.csv and PREFIX-edges.csv: give -o PREFIX")
    output = Path(output) if output is not None else None

    emit = emitter(stream)
    if window is not None:
        if network in THREE_MODE:
            raise UsageError("--window applies to actor-concept, actor-actor and concept-concept")
        windows = time.series(graph, spec, selection, window, step)
        if fmt == "gexf" and not per_window:
            nodes, edges = emit(output, lambda out: time.write_dynamic_gexf(graph, windows, out, network))
            return Written(network, (output,) if output else (), len(windows), nodes, edges)
        if output is None:
            raise UsageError("one file per window: give -o FILE (each window writes FILE-NN-START)")
        paths, nodes, edges = [], 0, 0
        for w in windows:
            path = _window_path(output, w.index, w.start, fmt)
            n, e, written = _write(graph, fmt, w.matrix, network, path, emit)
            paths += written
            nodes, edges = nodes + n, edges + e
        return Written(network, tuple(paths), len(windows), nodes, edges)
    if per_window:
        raise UsageError("--per-window needs --window")
    built = build(graph, network, selection, qualifier=qualifier, normalize=normalize, concept=concept, basis=basis)
    if isinstance(built, Network):
        n, e, written = _write_network(fmt, built, output, emit)
    else:
        n, e, written = _write(graph, fmt, built, network, output, emit)
    return Written(network, tuple(written), 1, n, e)


def _write(graph, fmt: str, built, network: str, path: Path | None, emit) -> tuple[int, int, list[Path]]:
    from . import formats

    if fmt == "matrix":
        emit(path, lambda out: formats.write_matrix_csv(built, out))
        return len(set(built.rows) | set(built.columns)), len(built.edges()), [path] if path else []
    if fmt == "dl":
        emit(path, lambda out: formats.write_dl(built, out))
        return len(set(built.rows) | set(built.columns)), len(built.edges()), [path] if path else []
    return _write_network(fmt, formats.to_network(graph, built, network), path, emit)


def _write_network(fmt: str, network, path: Path | None, emit) -> tuple[int, int, list[Path]]:
    from ..exports import (
        csv_paths,
        write_edges_csv,
        write_gexf,
        write_graphml,
        write_nodes_csv,
    )

    if fmt == "csv":
        nodes_path, edges_path = csv_paths(path)
        nodes = emit(nodes_path, lambda out: write_nodes_csv(network, out))
        edges = emit(edges_path, lambda out: write_edges_csv(network, out))
        return nodes, edges, [nodes_path, edges_path]
    writer = write_graphml if fmt == "graphml" else write_gexf
    nodes, edges = emit(path, lambda out: writer(network, out))
    return nodes, edges, [path] if path else []
