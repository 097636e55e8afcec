"""Named SPARQL queries: found in the query library (``queries/*.rq``), parsed once, bound per call with RDF terms.

- :mod:`.catalogue`: the ``.rq`` files and their headers (title, description, parameters);
- :mod:`.params`: the parameters' kinds, from the text given to an RDF term;
- :mod:`.evaluation`: preparing (syntax errors with their place), binding and running, locally or remotely;
- :mod:`.results`: an answer, and how ``scograph sparql`` prints it;
- :mod:`.formats`: every SPARQL results and RDF format, written and read by pyoxigraph (the CLI's and the server's);
- :mod:`.text`: the one SPARQL lexer, so that what is checked is what the engines run.

The names below are this package's API (``queries.run``, ``queries.named_query`` …), each
imported from its module on first use: every CLI command imports this package.
"""

from __future__ import annotations

from ..errors import SparqlSyntaxError
from ..terms import PREFIXES

__all__ = ["PREFIXES", "SparqlSyntaxError"]

_EXPORTS = {
    **dict.fromkeys(['NamedQuery', 'Parameter', 'PARAM_SYNTAX', 'NAME_PATTERN', 'parse_header', 'query_from_text', 'load_query', 'queries_dir', 'named_queries', 'named_query', 'listing'], "catalogue"),
    **dict.fromkeys(['Term', 'Kind', 'KINDS', 'bind', 'parse_assignments'], "params"),
    **dict.fromkeys(['prepare', 'query_form', 'evaluate', 'run', 'fetch', 'declare_prefixes', 'prefilled_text', '_bound_text'], "evaluation"),
    **dict.fromkeys(['Result', 'Row', 'plain', 'ResultFormat', 'SOLUTION_FORMATS', 'GRAPH_FORMATS', 'check_format', 'display', 'to_json', 'to_csv', 'to_tsv', 'to_table', 'to_rdf', 'write', 'serialize'], "results"),
}
__all__ += [name for name in _EXPORTS if not name.startswith('_')]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
