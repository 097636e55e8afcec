"""Render docs/actor-congruence.png from the real actor-congruence exports.

matplotlib is not a dependency of scograph; install it to run this script:

    pip install matplotlib
    python docs/render_actor_congruence.py [--data FILE] [-o docs/actor-congruence.png]

It runs the same export as ``scograph export --format graphml --network actor-congruence``
(once as is, once with ``--no-group-demands``), reads each file back with networkx, and
draws the two side by side: edge width and label = the number of themes both states demand,
node size = the number of demands that count for the state.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402

from scograph import ClaimsGraph  # noqa: E402
from scograph.exports import NODE_COLOURS, Filters, export  # noqa: E402
from scograph.fileio import atomic_writer  # noqa: E402

HERE = Path(__file__).resolve().parent
# The four states at the corners, as on a map: Kazakhstan north, Uzbekistan west, Kyrgyzstan
# east, Tajikistan south.
POSITIONS = {"kz": (0.0, 1.0), "uz": (-1.0, 0.0), "kg": (1.0, 0.0), "tj": (0.0, -1.0)}
PANELS = [
    (True, "Group demands (ca-members) count for each member"),
    (False, "Each state's own demands only (--no-group-demands)"),
]


def read_export(claims: ClaimsGraph, group_demands: bool, folder: Path) -> nx.Graph:
    path = folder / f"actor-congruence-{'with' if group_demands else 'without'}-groups.graphml"
    export(claims, "graphml", "actor-congruence", filters=Filters(group_demands=group_demands), output=path)
    return nx.read_graphml(path)


def draw(network: nx.Graph, axis, title: str) -> None:
    positions = {n: POSITIONS.get(n, (0.0, 0.0)) for n in network}
    widest = max((d["weight"] for *_, d in network.edges(data=True)), default=1.0)
    nx.draw_networkx_edges(
        network, positions, ax=axis, edge_color="#8c8c8c",
        width=[1 + 9 * d["weight"] / widest for *_, d in network.edges(data=True)],
    )
    # The two diagonals cross in the middle: their labels go a third of the way along instead.
    crossing = {frozenset(("kz", "tj")), frozenset(("uz", "kg"))}
    for diagonal, position in ((False, 0.5), (True, 0.3)):
        nx.draw_networkx_edge_labels(
            network, positions, ax=axis, font_size=10, label_pos=position,
            edge_labels={(a, b): str(d["shared"]) for a, b, d in network.edges(data=True)
                         if (frozenset((a, b)) in crossing) == diagonal},
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
        )
    colour = tuple(c / 255 for c in NODE_COLOURS["actor"])
    nx.draw_networkx_nodes(
        network, positions, ax=axis, node_color=[colour],
        node_size=[300 + 60 * d["demands"] for _, d in network.nodes(data=True)],
    )
    for node, data in network.nodes(data=True):
        x, y = positions[node]
        # Each name outward from the centre, clear of the edges.
        offset = (40 * (x > 0) - 40 * (x < 0), 32 * (y > 0) - 32 * (y < 0))
        axis.annotate(f"{data['label']} ({data['country']})\n{data['demands']} demands", (x, y),
                      xytext=offset, textcoords="offset points", fontsize=10,
                      ha="left" if x > 0 else "right" if x < 0 else "center",
                      va="bottom" if y > 0 else "top" if y < 0 else "center")
    axis.set_title(title, fontsize=11)
    axis.set_xlim(-2.1, 2.1)
    axis.set_ylim(-1.6, 1.6)
    axis.set_axis_off()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="claims file; default the packaged one")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "actor-congruence.png")
    args = parser.parse_args()
    claims = ClaimsGraph.load(args.data)
    figure, axes = plt.subplots(1, 2, figsize=(12, 6.2))
    with tempfile.TemporaryDirectory() as folder:
        for axis, (group_demands, title) in zip(axes, PANELS):
            draw(read_export(claims, group_demands, Path(folder)), axis, title)
    figure.suptitle("Actor congruence: Central Asian SCO members linked by the themes both demand\n"
                    "(edge label and width = shared themes)", fontsize=12)
    figure.tight_layout()
    with atomic_writer(args.output) as handle:  # the old picture stays whole until the new one is
        figure.savefig(handle, format="png", dpi=110)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
