"""A query's answer (:class:`Result`, in pyoxigraph terms) and how ``scograph sparql`` prints it.

A table for people (:func:`display` writes each term as a person reads it); every other
format is written by pyoxigraph through :mod:`.formats`, the writer set the server uses too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from .. import terms
from ..errors import UsageError
from ..terms import PREFIXES


class Result:
    """A query's answer, in pyoxigraph terms.

    ``form`` is SELECT, ASK, CONSTRUCT or DESCRIBE. A SELECT has ``variables`` and ``rows``
    (tuples in the order of the variables, ``None`` where unbound); an ASK its ``answer``;
    a CONSTRUCT or DESCRIBE its ``triples``.
    """

    __slots__ = ("form", "variables", "rows", "answer", "triples")

    def __init__(self, form: str, variables: Sequence[str] = (), rows: Sequence[tuple] = (),
                 answer: bool | None = None, triples: Sequence = ()):
        self.form = form
        self.variables = list(variables)
        self.rows = list(rows)
        self.answer = answer
        self.triples = list(triples)

    def __iter__(self):
        """Rows (by position or by name: ``row.demand``), the ASK answer, or triples, as rdflib's results iterate."""
        if self.form == "SELECT":
            names = {name: index for index, name in enumerate(self.variables)}
            return (Row(names, row) for row in self.rows)
        return iter([self.answer] if self.form == "ASK" else self.triples)

    def __len__(self) -> int:
        return 1 if self.form == "ASK" else len(self.rows) if self.form == "SELECT" else len(self.triples)

    def __bool__(self) -> bool:
        return bool(self.answer) if self.form == "ASK" else len(self) > 0

    def records(self):
        """The rows as plain Python values (:func:`plain`), one dict per row by variable: a
        :class:`~scograph.frames.RecordList`, so ``.to_pandas()`` gives a DataFrame. An ASK gives
        ``[{"answer": True}]``; a CONSTRUCT or DESCRIBE its triples as ``subject``, ``predicate``, ``object``."""
        from ..frames import RecordList

        if self.form == "ASK":
            return RecordList([{"answer": bool(self.answer)}])
        if self.form != "SELECT":
            return RecordList({"subject": plain(t.subject), "predicate": plain(t.predicate), "object": plain(t.object)}
                           for t in self.triples)
        return RecordList({name: plain(term) for name, term in zip(self.variables, row)} for row in self.rows)

    def __repr__(self) -> str:
        size = self.answer if self.form == "ASK" else f"{len(self)} {'rows' if self.form == 'SELECT' else 'triples'}"
        return f"<Result {self.form}: {size}>"


class Row:
    """A SELECT solution: its terms in the order of the variables, also by name (``row.demand``, ``row["demand"]``)."""

    __slots__ = ("_names", "_terms")

    def __init__(self, names: Mapping[str, int], terms_: tuple):
        self._names = names
        self._terms = terms_

    def __getitem__(self, key: int | str):
        return self._terms[self._names[key] if isinstance(key, str) else key]

    def __getattr__(self, name: str):
        try:
            return self._terms[self._names[name]]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def asdict(self) -> dict[str, Any]:
        """{variable: term}, unbound variables left out."""
        return {name: self._terms[i] for name, i in self._names.items() if self._terms[i] is not None}

    def __repr__(self) -> str:
        return f"Row({', '.join(f'{name}={self._terms[i]}' for name, i in self._names.items())})"


class ResultFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    turtle = "turtle"
    nt = "nt"
    jsonld = "jsonld"


SOLUTION_FORMATS = (ResultFormat.table, ResultFormat.json, ResultFormat.csv, ResultFormat.tsv)
GRAPH_FORMATS = (ResultFormat.turtle, ResultFormat.nt, ResultFormat.jsonld)


def check_format(form: str, fmt: ResultFormat | None) -> ResultFormat:
    """The format to print a query form in: the default for the form, or the one asked for if it fits."""
    valid = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS
    if fmt is None:
        return valid[0]
    if fmt not in valid:
        names = [f.value for f in valid]
        raise UsageError(f"a {form} query prints as {', '.join(names[:-1])} or {names[-1]}, not {fmt.value}")
    return fmt


_DISPLAY_PREFIXES = [(prefix, namespace) for prefix, namespace in PREFIXES.items() if prefix != "scoid"]


def _kind(term) -> str:
    """``uri``, ``bnode`` or ``literal`` (a quoted triple counts as a literal: it is shown as written)."""
    from pyoxigraph import BlankNode, NamedNode

    if isinstance(term, NamedNode):
        return "uri"
    if isinstance(term, BlankNode):
        return "bnode"
    return "literal"


def _lexical(term) -> str:
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def display(term) -> str:
    """A term as a person reads it in a table: entity ids bare, vocabulary terms prefixed."""
    if term is None:
        return ""
    kind = _kind(term)
    if kind == "uri":
        text = term.value
        if text.startswith(terms.ENTITY):
            return text[len(terms.ENTITY):]
        for prefix, namespace in _DISPLAY_PREFIXES:
            local = text[len(namespace):]
            if text.startswith(namespace) and re.fullmatch(r"[A-Za-z_][\w.-]*", local or "-"):
                return f"{prefix}:{local}"
        return f"<{text}>"
    if kind == "bnode":
        return f"_:{term.value}"
    return _lexical(term)


_XSD_INTEGERS = {terms.XSD + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
    "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def plain(term) -> Any:
    """A term as a plain Python value, as the records give it.

    Entity IRIs become their ids and the vocabulary's concepts their short names (``security``,
    ``stated``), other IRIs their text and blank nodes ``_:label``; literals by datatype: integers
    ``int``, ``xsd:decimal`` ``decimal.Decimal`` (exact), ``xsd:double``/``float`` ``float``,
    ``xsd:boolean`` ``bool``, ``xsd:date`` ``datetime.date``, ``xsd:dateTime`` ``datetime.datetime``;
    everything else (text in any language, ``xsd:gYear`` …) its lexical form as ``str``. A literal
    that is not valid for its datatype stays ``str``. Unbound is ``None``.
    """
    if term is None:
        return None
    kind = _kind(term)
    if kind == "uri":
        text = term.value
        return text[len(terms.ENTITY):] if text.startswith(terms.ENTITY) else terms.CONCEPT_NAMES.get(text, text)
    if kind == "bnode":
        return f"_:{term.value}"
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    text = _lexical(term)
    try:
        if datatype in _XSD_INTEGERS:
            return int(text)
        if datatype == terms.XSD + "decimal":
            from decimal import Decimal

            return Decimal(text)
        if datatype in (terms.XSD + "double", terms.XSD + "float"):
            return float(text)
        if datatype == terms.XSD + "boolean":
            return text.strip() in ("true", "1")
        if datatype == terms.XSD + "date":
            from datetime import date

            return date.fromisoformat(text)
        if datatype == terms.XSD + "dateTime":
            from datetime import datetime

            return datetime.fromisoformat(text)
    except ArithmeticError:  # decimal.InvalidOperation
        return text
    except ValueError:
        return text
    return text


def _rows(result: Result) -> tuple[list[str], list[dict]]:
    names = result.variables
    return names, [dict(zip(names, row)) for row in result.rows]


def _written(result: Result, fmt: ResultFormat, stream) -> None:
    """The result in a SPARQL results or RDF format, written by pyoxigraph (:mod:`scograph.queries.formats`)
    into ``stream``; a document that does not end in a line end gets one, for a terminal."""
    from . import formats as sparql_results

    if fmt in GRAPH_FORMATS:
        # A graph is a set: each triple once, in the order of its N-Triples line, so that
        # the output is the same whichever engine (or endpoint) built it.
        unique = sorted({str(triple): triple for triple in result.triples}.items())
        prefixes = None if fmt is ResultFormat.nt else terms.DATA_PREFIXES
        tail = _EndsLine(stream)
        sparql_results.triples([t for _, t in unique], fmt.value, max_bytes=None, prefixes=prefixes, stream=tail)
        tail.close_line()
        return
    tail = _EndsLine(stream)
    if result.form == "ASK":
        tail.write(sparql_results.boolean(bool(result.answer), fmt.value))
    else:
        sparql_results.solutions(result.variables, result.rows, fmt.value, max_bytes=None, stream=tail)
    tail.close_line()


class _EndsLine:
    """A byte stream that remembers its last byte, to end the output with a line end."""

    def __init__(self, stream):
        self.stream, self.last = stream, b"\n"

    def write(self, data) -> int:
        if data:
            self.stream.write(data)
            self.last = bytes(data[-1:])
        return len(data)

    def flush(self) -> None:
        self.stream.flush()

    def close_line(self) -> None:
        if self.last != b"\n":
            self.stream.write(b"\n")


def _text(result: Result, fmt: ResultFormat) -> str:
    buffer = io.BytesIO()
    _written(result, fmt, buffer)
    return buffer.getvalue().decode("utf-8")


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON (pyoxigraph's, UTF-8, one line)."""
    return _text(result, ResultFormat.json)


def to_csv(result: Result) -> str:
    """SPARQL 1.1 CSV (pyoxigraph's): a header of variable names, then lexical forms; CRLF line ends."""
    return _text(result, ResultFormat.csv)


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV (pyoxigraph's): a header of ``?variables``, then terms in SPARQL syntax."""
    return _text(result, ResultFormat.tsv)


_WIDE_COLUMNS = {"quote": 60, "label": 60, "title": 60, "name": 28, "office": 40, "theme_label": 40}


def to_table(result: Result) -> str:
    from ..render import Column, to_table as render_table

    names, rows = _rows(result)
    columns = [Column(n, (lambda row, n=n: display(row.get(n))), _WIDE_COLUMNS.get(n, 44)) for n in names]
    return render_table(rows, columns)


def to_rdf(result: Result, fmt: ResultFormat) -> str:
    """A graph as Turtle (with the default prefixes), N-Triples (sorted) or JSON-LD (expanded), by pyoxigraph."""
    return _text(result, fmt)


def write(result: Result, fmt: ResultFormat | None, stream) -> None:
    """Write a result to a binary stream as :func:`serialize` gives it, without holding the text whole."""
    fmt = check_format(result.form, fmt)
    if fmt is ResultFormat.table:
        stream.write((("true" if result.answer else "false") + "\n" if result.form == "ASK" else to_table(result))
                     .encode("utf-8"))
        return
    if result.form == "ASK" and fmt is not ResultFormat.json:
        stream.write(b"true\n" if result.answer else b"false\n")
        return
    _written(result, fmt, stream)


def serialize(result: Result, fmt: ResultFormat | None = None) -> str:
    """A result as text: table, json, csv or tsv for SELECT and ASK; turtle, nt or jsonld for graphs."""
    buffer = io.BytesIO()
    write(result, fmt, buffer)
    return buffer.getvalue().decode("utf-8")
