"""scograph: a knowledge graph of policy claims about the SCO and Central Asia, with provenance.

The public API is :class:`ClaimsGraph`; the CLI (``scograph``) is a thin layer over it.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["ClaimsGraph", "__version__"]


def __getattr__(name: str):
    # Imported on first use, so that ``import scograph`` stays cheap for the CLI.
    if name == "ClaimsGraph":
        from .graph import ClaimsGraph

        return ClaimsGraph
    raise AttributeError(name)
