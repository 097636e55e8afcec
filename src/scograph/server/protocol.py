"""The SPARQL 1.1 Protocol, read from a request: its URL, parameters and body, strictly.

Everything here raises :class:`scograph.server.answers.Refusal` (status and message) for a request
it will not take; nothing here touches the network or the store.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote

from .answers import READ_ONLY, QueryJob, Refusal, _first_line

MAX_FIELDS = 100
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")


def decode_path(raw_path: bytes) -> str:
    """A request path, percent-decoded as UTF-8; anything else is a 400."""
    try:
        return unquote(raw_path.decode("ascii"), errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise Refusal(400, f"the request path is not valid UTF-8 percent-encoding: {_first_line(error)}") from None


def parse_params(text: bytes | str, where: str = "the request URL") -> list[tuple[str, str]]:
    """``name=value&…`` (a query string or a form body), strictly: valid UTF-8 percent-encoding, at most 100 fields."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as error:
        raise Refusal(400, f"{where} is not valid UTF-8 percent-encoding of at most {MAX_FIELDS} fields: "
                           f"{_first_line(error)}") from None


def single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    return values[0] if values else None


def body_length(headers, limit: int) -> int:
    """The announced length of a POST body (h11 has checked its syntax), or a refusal."""
    if "transfer-encoding" in headers:
        raise Refusal(411, "send the body with a Content-Length; chunked bodies are not accepted")
    length = headers.get("content-length")
    if length is None:
        raise Refusal(411, "a POST needs a Content-Length header")
    length = int(length)
    if length > limit:
        raise Refusal(413, f"the request body ({length} bytes) is larger than this server accepts ({limit} bytes)")
    return length


def post_params(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """The parameters a POST to /sparql carries: its query (``application/sparql-query``) or its form fields."""
    mime, _, parameters = content_type.partition(";")
    mime = mime.strip().lower()
    charset = re.search(r"charset\s*=\s*\"?([\w.-]+)", parameters, re.I)
    if mime == "application/sparql-update":
        raise Refusal(403, f"{READ_ONLY}: SPARQL Update is refused")
    if mime not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise Refusal(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded "
                           f"(query=…), not {mime or 'a body without a Content-Type'}")
    if charset and charset.group(1).lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise Refusal(415, f"send the query as UTF-8, not {charset.group(1)}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refusal(400, f"the request body is not UTF-8 (byte {error.start})") from None
    if mime == "application/sparql-query":
        return [("query", text)]
    return parse_params(text, "the form body")


def sparql_job(method: str, params: list[tuple[str, str]], accept: str | None) -> QueryJob | None:
    """The query a request to /sparql asks for; None when it asks for none (the service description)."""
    if any(name in UPDATE_PARAMETERS for name, _ in params):
        raise Refusal(403, f"{READ_ONLY}: SPARQL Update is refused")
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise Refusal(400, "give one 'query' parameter, not several")
    if not queries:
        if method == "POST":
            raise Refusal(400, "a POST to /sparql needs a query: an application/sparql-query body, "
                               "or a 'query' field in an application/x-www-form-urlencoded one")
        return None
    return QueryJob(
        query=queries[0], accept=accept, format_hints=format_hints(params),
        default_graphs=tuple(v for n, v in params if n == "default-graph-uri"),
        named_graphs=tuple(v for n, v in params if n == "named-graph-uri"),
    )


def format_hints(params: list[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(value for name, value in params if name in ("format", "output", "results"))
