"""The packaged SHACL shapes (``resources/shapes.ttl``) run by pySHACL over a claims graph."""

from __future__ import annotations

from ..terms import entity_id, local_name, resource_text


def _owner(node) -> str:
    """The entity a node of the data belongs to (its evidence, links and sections belong to it)."""
    return entity_id(str(node)).split("/", 1)[0]


def shacl_problems(rdf) -> list[tuple[str, str, str]]:
    """(entity id, message, rule) for each SHACL violation of the packaged shapes."""
    from pyshacl import validate
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    shapes = Graph().parse(data=resource_text("shapes.ttl"), format="turtle")
    vocabulary = Graph().parse(data=resource_text("vocab.ttl"), format="turtle")
    conforms, report, _ = validate(rdf, shacl_graph=shapes, ont_graph=vocabulary, inference="none",
                                   allow_warnings=True)
    found = []
    if conforms:
        return found
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        component = report.value(result, SH.sourceConstraintComponent)
        path_name = local_name(str(path)) if path is not None else ""
        rule = "shacl:" + str(component).rsplit("#", 1)[-1] if component is not None else "shacl"
        found.append((_owner(focus), f"{entity_id(str(focus))}: {path_name + ': ' if path_name else ''}{message}", rule))
    return sorted(found)
