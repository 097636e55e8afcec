"""Checking claims: ``validate_file`` (everything) and the checks it runs, one module each.

- :mod:`.integrity`: what every lookup relies on, by SPARQL on the store, when a file is first opened;
- :mod:`.shacl`: the packaged shapes; :mod:`.references`: ids and references across entities;
- :mod:`.quotes`: evidence against the paper's text (pages, footnotes, verbatim quotes);
- :mod:`.validate`: ``validate_file``, all of them on one Turtle file, each problem at its ``file:line``.

Opening a file imports only :mod:`.integrity`; nothing here is imported by this package itself.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name == "validate_file":
        from .validate import validate_file

        return validate_file
    raise AttributeError(name)
