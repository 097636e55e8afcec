"""The text of a SPARQL query, read by one lexer, so that what is checked is what the engines run.

Two parsers read every query the server answers: rdflib's, which decides whether the
query may run (no update, no ``SERVICE``, no graph the store does not hold), and
Oxigraph's, which runs it. They disagree on a few lexical points, and each disagreement
is a way to show the check one query and the engine another: Oxigraph ends a ``#``
comment at a carriage return and rdflib only at a line feed (so a ``SERVICE`` after
``# x\\r`` is a comment to the check and a federated call to the engine); rdflib
expands ``\\uXXXX`` escapes anywhere in the text, Oxigraph only inside strings and IRIs.
pyoxigraph 0.5 exposes no query parser (so the engine's own reading cannot be checked)
and no switch to turn federation off.

So :func:`read` lexes the query once, exactly by the SPARQL 1.1 grammar's terminals
(IRIREF, the four string forms, prefixed names, blank node labels, variables, numbers,
language tags, keywords and punctuation, with ``#`` comments and white space between
them), refuses what it does not fully understand (an unterminated string, an invalid
escape, a codepoint escape, a character that is not SPARQL white space outside strings
and IRIs: U+0085, U+2028, U+2029, NBSP, form feed …), and writes out the text both
parsers then read: comments dropped, every line end a ``\\n`` (a raw carriage return
inside a long string becomes the escape ``\\r``, which means the same character). That
text holds none of the characters the two parsers read differently, so they read the
same tokens. (Serialising rdflib's checked algebra back into a query was the other way;
rdflib's algebra-to-text translation is partial and renames variables, and the named
queries must run as written.)

The same tokens give the facts the checks need without a parser: whether a keyword
such as ``SERVICE`` occurs (a second, independent check, see :attr:`QueryText.remote_words`),
the dataset clauses, where the query's WHERE group opens (for a ``VALUES`` block of
bound parameters), and the sizes that crash an engine before it answers (:data:`LIMITS`).

Line and column numbers stay those of the text as written: a comment is dropped where it
stands (the line end after it stays) and each line end stays one line end.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right

# --------------------------------------------------------------------- the terminals (SPARQL 1.1, section 19.8)

_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"
_ECHAR = r"""\\[tbnrf\\"']"""
_EXPONENT = "[eE][+-]?[0-9]+"

_TOKEN_PATTERN = "|".join((
    r"(?P<ws>[ \t\r\n]+)",
    r"(?P<comment>\#[^\r\n]*)",
    r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)""",
    # The long forms first: ''' opens a long string, not an empty string and a quote.
    rf"""(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*+'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*+\"\"\""""
    # A short string is not followed by its quote: '' then ' is the start of a long string.
    rf"""|'(?:[^'\\\n\r]|{_ECHAR})*+'(?!')|"(?:[^"\\\n\r]|{_ECHAR})*+"(?!"))""",
    rf"(?P<var>[?$]{_VARNAME})",
    rf"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
    rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
    rf"(?P<number>[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+)",
    r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
    r"(?P<word>[A-Za-z][A-Za-z0-9_]*)",
    r"(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;=<>!+\-*/^|?])",
))


@functools.cache
def _compiled(pattern: str) -> re.Pattern:
    """A pattern compiled on first use: the lexer's Unicode classes take 30 ms to compile, which
    a lookup that binds nothing should not pay at start-up."""
    return re.compile(pattern)

_CODEPOINT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_OPENERS, _CLOSERS = "{([", "})]"
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

# --------------------------------------------------------------------- limits

MAX_QUERY_BYTES = 1_048_576
"""The longest query text (UTF-8 bytes) the lexer reads at all."""
MAX_DEPTH = 24
"""How deeply groups ``{}``, parentheses and brackets may nest, counted together."""
MAX_TOKENS = 2_000
"""How many tokens a query may have, not counting the data of its ``VALUES`` blocks."""
# Measured with pyoxigraph 0.5.13 (each query run in a subprocess, which a stack overflow
# kills with SIGSEGV). On an 8 MiB stack (a main thread's usual size, where the CLI and
# the server's query workers run queries) Oxigraph crashes at 3,000 nested {} (2,000 run),
# 8,000 nested parentheses (4,000 run) and a chain of 8,000 '+' terms (4,000 run); on a
# 1 MiB stack already at 400 {}, 200 nested collections, 400 [] and 800 parentheses, and
# at chains of about 1,000 '+' or '&&' terms, 1,000 UNIONs, 400 OPTIONALs or a 400-step
# property path. rdflib's parser stops with a RecursionError (a clean 400 here) near 30
# nested parentheses and 40 nested {}. VALUES data is flat for both: 160,000 IRIs in one
# block run on a 1 MiB stack. At these limits every shape tried runs on an 8 MiB stack,
# and all but a 1,000-step property path on a 2 MiB one (tests/test_sparql_text.py runs
# the largest of each); the named queries have at most 112 tokens and nest 4 deep.
# What the limits let through can still take long to plan (100 triple patterns in one
# group: 10 s; a 200-step path: 5 s): the server's per-query timeout stops that.
LIMITS = {"bytes": MAX_QUERY_BYTES, "depth": MAX_DEPTH, "tokens": MAX_TOKENS}

_REMOTE_KEYWORDS = ("SERVICE",)
_DATASET_KEYWORDS = ("FROM", "NAMED")


class QueryTextError(ValueError):
    """A query text the lexer refuses: ``kind`` is ``syntax`` or ``limit``; line and column count from 1."""

    def __init__(self, message: str, kind: str = "syntax", line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.line = line
        self.column = column


class Token:
    """One terminal: its kind (``iri``, ``string``, ``var``, ``bnode``, ``pname``, ``number``,
    ``langtag``, ``word``, ``punct``), its text as the engines read it, and where it starts in
    the written text (``start``) and in the text the engines read (``at``)."""

    __slots__ = ("kind", "text", "start", "at")

    def __init__(self, kind: str, text: str, start: int, at: int):
        self.kind, self.text, self.start, self.at = kind, text, start, at

    @property
    def keyword(self) -> str:
        """A word in upper case (keywords are case-insensitive); '' for any other token."""
        return self.text.upper() if self.kind == "word" else ""

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r})"


class QueryText:
    """A query as the lexer read it: the text as written (``source``), the text every parser
    and engine is given (``text``) and its tokens."""

    __slots__ = ("source", "text", "tokens", "depth", "counted", "_lines")

    def __init__(self, source: str, text: str, tokens: list[Token], depth: int, counted: int, lines: list[int]):
        self.source, self.text, self.tokens = source, text, tokens
        self.depth = depth
        """The deepest nesting of groups, parentheses and brackets."""
        self.counted = counted
        """The tokens that count against :data:`MAX_TOKENS` (those outside VALUES data)."""
        self._lines = lines

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of an offset of ``source``, counted from 1."""
        line = bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    # ------------------------------------------------------------------ facts for the checks

    @property
    def form(self) -> str | None:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside any bracket."""
        form = _form_at(self.tokens)
        return self.tokens[form].keyword if form is not None else None

    def words(self) -> set[str]:
        """Every keyword and function name of the query, in upper case."""
        return {token.text.upper() for token in self.tokens if token.kind == "word"}

    def remote_words(self) -> list[Token]:
        """Tokens that could read as ``SERVICE``: the keyword, a word containing it (Oxigraph
        reads a keyword at the start of a longer word: ``SERVICESILENT``), or a prefix that
        contains it (``service:x`` could read as ``SERVICE :x``). A prefixed name whose local
        part is ``SERVICE`` (``ex:SERVICE``) is a name, not the keyword."""
        return _containing(self.tokens, _REMOTE_KEYWORDS)

    def dataset_words(self) -> list[Token]:
        """Tokens that could read as ``FROM`` or ``NAMED`` without being exactly that keyword."""
        return [token for token in _containing(self.tokens, _DATASET_KEYWORDS)
                if token.keyword not in _DATASET_KEYWORDS]

    def dataset_clauses(self) -> list[tuple[str, Token]]:
        """(``default`` or ``named``, the IRI or prefixed name token) of each FROM clause, in order."""
        found, tokens = [], self.tokens
        for index, token in enumerate(tokens):
            if token.keyword != "FROM":
                continue
            named = index + 1 < len(tokens) and tokens[index + 1].keyword == "NAMED"
            target = tokens[index + 2] if named else tokens[index + 1] if index + 1 < len(tokens) else None
            if target is not None and target.kind in ("iri", "pname"):
                found.append(("named" if named else "default", target))
        return found

    def declared_prefixes(self) -> set[str]:
        """The prefixes the query's prologue declares (``PREFIX sco: <…>`` gives ``sco``)."""
        declared, tokens = set(), self.tokens
        end = _form_at(tokens)
        for index, token in enumerate(tokens[:end] if end is not None else tokens):
            if token.keyword == "PREFIX" and index + 1 < len(tokens) and tokens[index + 1].kind == "pname":
                declared.add(tokens[index + 1].text.partition(":")[0])
        return declared

    def variables(self) -> set[str]:
        """The names of the query's variables (``?x`` and ``$x`` are both ``x``)."""
        return {token.text[1:] for token in self.tokens if token.kind == "var"}

    def projection(self) -> list[str] | None:
        """The variables a SELECT projects by name (``SELECT ?a (… AS ?b)``); None for ``*`` or another form."""
        form = _form_at(self.tokens)
        if form is None or self.tokens[form].keyword != "SELECT":
            return None
        names, depth, previous_was_as = [], 0, False
        for token in self.tokens[form + 1:]:
            if token.text == "*" and depth == 0:
                return None
            if token.kind == "punct" and token.text in "([":
                depth += 1
            elif token.kind == "punct" and token.text in ")]":
                depth -= 1
            elif token.kind == "var" and (depth == 0 or previous_was_as):
                names.append(token.text[1:])
            elif depth == 0 and (token.text == "{" or token.keyword in ("WHERE", "FROM")):
                break
            previous_was_as = token.keyword == "AS"
        return names

    def where_group(self) -> Token | None:
        """The ``{`` that opens the query's WHERE group, or None (``DESCRIBE <x>``, ``CONSTRUCT WHERE {…}``).

        It is the first ``{`` outside any bracket after the query form's keyword (and after a
        CONSTRUCT's template), with or without ``WHERE`` before it, wherever the lines break.
        """
        tokens = self.tokens
        form = _form_at(tokens)
        if form is None:
            return None
        index = form + 1
        if tokens[form].keyword == "CONSTRUCT":
            if index < len(tokens) and tokens[index].keyword == "WHERE":
                return None  # CONSTRUCT WHERE { triples }: a template of triples only, no room for VALUES
            if index < len(tokens) and tokens[index].text == "{":
                index = _matching(tokens, index) + 1
        depth = 0
        for token in tokens[index:]:
            if token.kind != "punct":
                continue
            if token.text == "{" and depth == 0:
                return token
            if token.text in "([{":
                depth += 1
            elif token.text in ")]}":
                depth -= 1
        return None

    def with_values(self, block: str, written: bool = False) -> str:
        """The text (or, with ``written``, the text as written) with ``block`` opening its WHERE group."""
        group = self.where_group()
        if group is None:
            raise QueryTextError("a query with bound variables needs a WHERE group { … } to bind them in")
        text, at = (self.source, group.start) if written else (self.text, group.at)
        return f"{text[:at + 1]}{block}{text[at + 1:]}"


def _containing(tokens: list[Token], keywords: tuple[str, ...]) -> list[Token]:
    found = []
    for token in tokens:
        if token.kind == "word":
            name = token.text.upper()
        elif token.kind == "pname":
            name = token.text.partition(":")[0].upper()
        else:
            continue
        if any(keyword in name for keyword in keywords):
            found.append(token)
    return found


def _form_at(tokens: list[Token]) -> int | None:
    depth = 0
    for index, token in enumerate(tokens):
        if token.kind == "punct" and token.text in _OPENERS:
            depth += 1
        elif token.kind == "punct" and token.text in _CLOSERS:
            depth -= 1
        elif depth == 0 and token.kind == "word" and token.text.upper() in FORMS:
            return index
    return None


def _matching(tokens: list[Token], index: int) -> int:
    """The index of the bracket that closes the one at ``index`` (the last token if none does)."""
    depth = 0
    for at in range(index, len(tokens)):
        text = tokens[at].text if tokens[at].kind == "punct" else ""
        if text and text in _OPENERS:
            depth += 1
        elif text and text in _CLOSERS:
            depth -= 1
            if depth == 0:
                return at
    return len(tokens) - 1


# --------------------------------------------------------------------- reading a query


def read(source: str) -> QueryText:
    """Lex a query, check the limits, and write out the text the parsers and engines are given.

    A :class:`QueryTextError` says what was not understood or which limit was passed,
    and where.
    """
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryTextError(f"the query is {size:,} bytes long; a query may be at most {MAX_QUERY_BYTES:,} bytes",
                             "limit")
    lines = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", source)]
    where = _Where(lines)
    surrogate = _SURROGATE.search(source)
    if surrogate:
        raise where.error(surrogate.start(), "the query is not valid Unicode text (a lone surrogate)")
    tokens: list[Token] = []
    out: list[str] = []
    length = 0  # of the text written out so far
    depth = shadow = deepest = counted = 0
    values_state, data_depth = 0, None  # 1: after VALUES, before its data block; then the block's depth
    position, end = 0, len(source)
    match = _compiled(_TOKEN_PATTERN).match
    while position < end:
        found = match(source, position)
        if found is None:
            raise _not_understood(source, position, where)
        kind, text = found.lastgroup, found.group()
        position = found.end()
        if kind == "comment":
            continue
        if kind == "ws":
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            out.append(text)
            length += len(text)
            continue
        start = found.start()
        if kind == "string":
            if _CODEPOINT_ESCAPE.search(text):
                raise _codepoint(where, start + _CODEPOINT_ESCAPE.search(text).start())
            if "\r" in text:  # only a long string holds one: the escape \r is the same character
                text = text.replace("\r", "\\r")
        elif kind == "iri":
            # Where an engine reads this '<' as "less than", the brackets inside are its own:
            # count them too, so that no nesting hides from the limit.
            for char in text:
                if char in "([":
                    shadow += 1
                    deepest = max(deepest, shadow)
                elif char in ")]" and shadow > 0:
                    shadow -= 1
        tokens.append(Token(kind, text, start, length))
        out.append(text)
        length += len(text)
        if kind == "punct" and text in _OPENERS:
            depth += 1
            shadow += 1
            deepest = max(deepest, depth, shadow)
            if text == "{" and values_state == 1:
                values_state, data_depth = 2, depth
        elif kind == "punct" and text in _CLOSERS:
            if values_state == 2 and text == "}" and depth == data_depth:
                values_state, data_depth = 0, None
            depth = max(depth - 1, 0)
            shadow = max(shadow - 1, 0)
        elif kind == "word" and text.upper() == "VALUES":
            values_state = 1
        if values_state != 2:
            counted += 1
        if deepest > MAX_DEPTH:
            raise where.error(start, f"the query nests groups, parentheses and brackets more than {MAX_DEPTH} deep; "
                                     f"a query may nest them at most {MAX_DEPTH} deep", "limit")
        if counted > MAX_TOKENS:
            raise where.error(start, f"the query has more than {MAX_TOKENS:,} tokens (terms, keywords and "
                                     f"punctuation, outside VALUES data); a query may have at most {MAX_TOKENS:,}",
                              "limit")
    text = "".join(out)
    escape = _CODEPOINT_ESCAPE.search(text)
    if escape:  # rdflib expands these anywhere, even after an escaped backslash: refuse them everywhere
        raise _codepoint(where, escape.start())
    return QueryText(source, text, tokens, deepest, counted, lines)


class _Where:
    """Offsets of the written text as (line, column), for messages."""

    def __init__(self, lines: list[int]):
        self.lines = lines

    def __call__(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.lines, offset)
        return line, offset - self.lines[line - 1] + 1

    def error(self, offset: int, message: str, kind: str = "syntax") -> QueryTextError:
        line, column = self(offset)
        return QueryTextError(f"{message} (line {line}, column {column})", kind, line, column)


def _codepoint(where: _Where, offset: int) -> QueryTextError:
    return where.error(offset, "codepoint escapes (\\uXXXX, \\UXXXXXXXX) are not accepted, because parsers "
                               "disagree on where they apply; write the characters themselves")


def _not_understood(source: str, position: int, where: _Where) -> QueryTextError:
    """Why no terminal starts at ``position``: the message for the first thing the lexer cannot read."""
    import unicodedata

    char = source[position]
    if char in "'\"":
        quote = source[position:position + 3] if source.startswith(char * 3, position) else char
        body = position + len(quote)
        while body < len(source):
            if source.startswith(quote, body):
                break
            if source[body] == "\\":
                escape = source[body:body + 2]
                if escape[1:] in ("u", "U"):
                    return _codepoint(where, body)
                if not re.fullmatch(_ECHAR, escape):
                    return where.error(body, f"{escape!r} is not an escape SPARQL knows in a string; "
                                             "valid: \\t \\b \\n \\r \\f \\\\ \\\" \\'")
                body += 2
                continue
            if len(quote) == 1 and source[body] in "\r\n":
                break
            body += 1
        kind = "long string" if len(quote) == 3 else "string"
        return where.error(position, f"the {kind} that starts here is not closed by {quote}"
                                     + (" on its line" if len(quote) == 1 else ""))
    if char == "\\":
        if _CODEPOINT_ESCAPE.match(source, position):
            return _codepoint(where, position)
        return where.error(position, "a backslash outside a string is not valid SPARQL here")
    name = unicodedata.name(char, "")
    shown = f"U+{ord(char):04X}" + (f" ({name})" if name else "")
    if char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc", "Cf"):
        return where.error(position, f"{shown} is not SPARQL white space; outside strings and IRIs separate "
                                     "tokens with spaces, tabs and line ends only")
    return where.error(position, f"{shown} cannot start a SPARQL token here")


# --------------------------------------------------------------------- variables


def variable(name: str) -> str:
    """``?name``, for a name that is a SPARQL variable name (anything else raises ValueError)."""
    if name.isascii():  # the ASCII names are [A-Za-z0-9_]+: no need to compile the Unicode classes (8 ms)
        if not name or not name.replace("_", "a").isalnum():
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    elif not _compiled(_VARNAME).fullmatch(name):
        raise ValueError(f"not a SPARQL variable name: {name!r}")
    return "?" + name



@functools.lru_cache(maxsize=128)
def lexed(text: str):
    """The query as :func:`read` reads it (cached by text); a refusal is a SparqlSyntaxError."""
    from ..errors import SparqlSyntaxError

    try:
        return read(text)
    except QueryTextError as error:
        raise SparqlSyntaxError(error.message if error.kind == "limit" else f"SPARQL syntax error: {error.message}",
                                error.line, error.column) from None
