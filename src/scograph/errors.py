"""Named errors. The CLI turns each into one line on stderr and its exit code."""

from __future__ import annotations


EXIT_CODES = {
    0: "success",
    1: "the data does not conform, or is out of date (validate, build --check)",
    2: "bad usage: an unknown option, command, country, id or value (the valid ones are named)",
    3: "a data or query file missing, unreadable or malformed; an output not writable",
    4: "a remote endpoint or graph store unreachable, refusing or answering nonsense",
    5: "an optional part not installed (pip install 'scograph[plot]'), or a CJK font",
}
"""What each exit code means, in short (the README's "Errors and exit codes" says it in full); each
error class below carries one of them as its ``exit_code``."""


def printable(text: str) -> str:
    """``text`` for one line of a terminal: each character that is not printable (a line break, a tab, a control
    such as the escape that starts a terminal sequence, a lone surrogate) as its Python escape, ``\\n``, ``\\x1b``."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def suggest(wanted: str, known) -> str:
    """`` (did you mean 'a', 'b'?)`` for the nearest of ``known``, or an empty string."""
    import difflib

    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


class ScographError(Exception):
    """Base of every error a user can cause; ``exit_code`` is what the CLI exits with."""

    exit_code = 2


class ValidationFailed(ScographError):
    """The data does not conform: the model, the references, the shapes or the quotes."""

    exit_code = 1

    def __init__(self, problems: list["Problem"], what: str = "data"):
        self.problems = problems
        super().__init__(f"{what} does not conform: {len(problems)} problem(s); first: {problems[0]}")


class OutOfDate(ScographError):
    """``data/claims.ttl`` differs from what the curation files compile to."""

    exit_code = 1


class UsageError(ScographError):
    """A bad argument: unknown country, domain, id, level, kind or format."""

    exit_code = 2


class SparqlSyntaxError(UsageError):
    """A query that does not parse; ``line`` and ``column`` count from 1 in the query's text."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class DataFileError(ScographError):
    """A data file is missing, unreadable or malformed."""

    exit_code = 3


class EndpointError(ScographError):
    """A remote SPARQL endpoint or graph store cannot be reached, or refused the request."""

    exit_code = 4


class NotInstalled(ScographError):
    """An optional part a command needs is not installed: the ``plot`` extra, or a font with Chinese glyphs."""

    exit_code = 5


class Problem:
    """One thing wrong with the data, located as precisely as the input allows."""

    # A plain class: dataclasses cost every CLI call milliseconds at import.
    __slots__ = ("where", "message", "rule")

    def __init__(self, where: str, message: str, rule: str = ""):
        self.where = where
        """``file:line`` when the input has lines for it, else the entity id."""
        self.message = message
        self.rule = rule

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.where, self.message, self.rule) == (other.where, other.message, other.rule)

    def __hash__(self) -> int:
        return hash((self.where, self.message, self.rule))

    def __repr__(self) -> str:
        return f"Problem({self.where!r}, {self.message!r}, {self.rule!r})"

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.where}: {self.message}{rule}"
