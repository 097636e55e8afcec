"""The ``scograph`` console script: registers only the commands a call can need.

A lookup (``scograph demands …``) is the common call and should start fast, so the
commands that live in modules of their own (export, serve, sparql, synth) are imported
only when one of them, or the full help, is asked for.
"""

from __future__ import annotations

import sys

CORE_COMMANDS = {"demands", "drivers", "responses", "actors", "findings", "show", "paths", "search", "stats",
                 "validate", "build", "push"}
lean = False
"""True while the console script runs a core command: ``cli`` then skips the other modules."""


def main() -> None:
    global lean
    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    lean = command in CORE_COMMANDS
    if command != "serve":
        # One call, then exit: a lookup or an export allocates hundreds of thousands of small acyclic
        # dicts and strings, and the cyclic collector's passes over them cost a quarter of the time;
        # reference counting frees them all. The library never touches the collector (server threads
        # and notebooks call it too); the long-running server keeps it.
        import gc

        gc.disable()
    from .cli import app

    app()
