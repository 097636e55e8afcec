"""Writing a corpus as Turtle or N-Triples through the RDF mapping, one paper at a time, in a stable order."""

from __future__ import annotations

import re

from .. import model as m
from ..render import RdfSyntax


class _TripleList:
    """The part of an rdflib Graph that :func:`scograph.rdf.mapping.add_entity` writes through.

    ``add``, and the reads rdflib's ``Collection`` makes while it builds an author
    list, over a plain list: insertion order is kept, and nothing is indexed.
    """

    def __init__(self) -> None:
        self.triples: list[tuple] = []

    def add(self, triple: tuple) -> "_TripleList":
        self.triples.append(triple)
        return self

    @staticmethod
    def _matches(triple: tuple, pattern: tuple) -> bool:
        return all(want is None or want == have for have, want in zip(triple, pattern))

    def __contains__(self, pattern: tuple) -> bool:
        return any(self._matches(t, pattern) for t in self.triples)

    def remove(self, pattern: tuple) -> "_TripleList":
        self.triples = [t for t in self.triples if not self._matches(t, pattern)]
        return self

    def set(self, triple: tuple) -> "_TripleList":
        return self.remove((triple[0], triple[1], None)).add(triple)

    def value(self, subject=None, predicate=None, object=None, default=None, any=True):
        for s, p, o in self.triples:
            if s == subject and p == predicate:
                return o
        return default


def _triples_of(entity: m.Entity) -> list[tuple]:
    from ..rdf.mapping import add_entity

    sink = _TripleList()
    add_entity(sink, entity)
    return sink.triples


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


class _Writer:
    """Formats triples as N-Triples lines or Turtle blocks; blank nodes get file-wide labels in order."""

    def __init__(self, syntax: RdfSyntax):
        from rdflib import BNode, Literal
        from rdflib.namespace import RDF, XSD

        from ..terms import ENTITY, PREFIXES

        self.syntax = syntax
        self.BNode, self.Literal, self.rdf_type = BNode, Literal, RDF.type
        self.xsd_integer = XSD.integer
        self.entity_ns = str(ENTITY)
        self.prefixes = sorted(PREFIXES.items(), key=lambda p: -len(p[1]))
        self.vocabulary: dict = {}
        self.blanks = 0

    def header(self) -> str:
        if self.syntax is RdfSyntax.nt:
            return ""
        return "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in sorted(self.prefixes)) + "\n"

    def _term(self, term, blanks: dict) -> str:
        if isinstance(term, self.Literal):
            text = '"' + str(term).translate(_ESCAPES) + '"'
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype is None:
                return text
            if self.syntax is RdfSyntax.ttl and term.datatype == self.xsd_integer:
                return str(term)
            return f"{text}^^{self._iri(term.datatype)}"
        if isinstance(term, self.BNode):
            if term not in blanks:
                self.blanks += 1
                blanks[term] = f"_:b{self.blanks}"
            return blanks[term]
        return self._iri(term)

    def _iri(self, iri) -> str:
        text = str(iri)
        if self.syntax is RdfSyntax.nt:
            return f"<{text}>"
        found = self.vocabulary.get(text)
        if found is None:
            found = f"<{text}>"
            for prefix, ns in self.prefixes:
                if text.startswith(ns) and _LOCAL_NAME.match(text[len(ns):]):
                    found = f"{prefix}:{text[len(ns):]}"
                    break
            if not text.startswith(self.entity_ns):  # vocabulary terms recur; entity IRIs mostly do not
                self.vocabulary[text] = found
        return found

    def entities(self, claims: m.Claims) -> tuple[str, int]:
        """The text of every entity of ``claims``, and the number of triples in it."""
        chunks, count = [], 0
        for entity in claims.entities():
            triples = _triples_of(entity)
            count += len(triples)
            chunks.append(self._format(triples))
        return "".join(chunks), count

    def _format(self, triples: list[tuple]) -> str:
        blanks: dict = {}
        if self.syntax is RdfSyntax.nt:
            term = self._term
            return "".join(f"{term(s, blanks)} {term(p, blanks)} {term(o, blanks)} .\n" for s, p, o in triples)
        by_subject: dict = {}
        for s, p, o in triples:
            by_subject.setdefault(s, {}).setdefault(p, []).append(o)
        lines = []
        for subject, predicates in by_subject.items():
            lines.append(self._term(subject, blanks) + "\n")
            for predicate, objects in predicates.items():
                verb = "a" if predicate == self.rdf_type else self._term(predicate, blanks)
                lines.append(f"    {verb} {' , '.join(self._term(o, blanks) for o in objects)} ;\n")
            lines.append(".\n\n")
        return "".join(lines)
