"""Full-text search over labels, descriptions and evidence quotes, ranked by relevance.

One SQLite FTS5 table (Python's own ``sqlite3``, no new dependency) holds one row per text
of an entity: its English and Chinese labels and descriptions and its evidence quotes. English
is matched by words with FTS5's Porter stemmer (``drugs`` finds ``drug``, ``anti drug`` finds
``anti-drug``); Chinese, which has no spaces between words, by overlapping character bigrams
(see :func:`_grams`). Rows are ranked by FTS5's bm25, weighted by field so that a label match
outranks a match in a long quote; an entity counts once, by its best row.

The index is built from the store by one SPARQL query. For a large file it is kept beside the
prepared store (``<key>.search-<code>.sqlite``, named like the record cache, so an index of
other content or other code is never read) and built again when damaged; otherwise (the
packaged file, a remote endpoint) it lives in memory for the life of the graph. Only a search
imports this module, so the other lookups never build it.

User text never reaches SQL or SPARQL as text: values are bound, and the FTS5 query is written
from tokens made here, each quoted, so FTS5 operators (``"``, ``*``, ``NEAR``, ``:``, ``^``) in
what the user typed are only words or spaces.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

from ..errors import UsageError
from ..inputs import fold
from ..terms import ENTITY_CLASSES, SCO, entity_id

FIELD_WEIGHTS = {"label": 3.0, "label_zh": 3.0, "description": 2.0, "description_zh": 2.0}
"""How much a match in each field counts against one in an evidence quote (weight 1)."""

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as FTS5's unicode61 tokenizer splits them
_TABLE = ("CREATE VIRTUAL TABLE texts USING fts5(words, grams, entity UNINDEXED, kind UNINDEXED, field UNINDEXED,"
          " weight UNINDEXED, original UNINDEXED, tokenize='porter unicode61 remove_diacritics 2')")
_TYPE_OF_CLASS = {SCO + local: kind for kind, local in ENTITY_CLASSES.items()}
SEARCH_CODE = ("store/search.py", "terms.py")
"""The modules whose code decides what the index holds: their digest names the index file."""


def _grams(run: str) -> list[str]:
    """A run of CJK characters as its overlapping bigrams, then its last character alone.

    Hand-written because the stdlib's FTS5 has no Chinese tokenizer and a segmenter (jieba) is a
    heavy dependency: a query's bigrams as a phrase match exactly where the query's characters
    stand in a row, and one character matches as the prefix of a bigram (or the lone last one).
    """
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _quoted(tokens: list[str]) -> str:
    return '"' + " ".join(tokens).replace('"', '""') + '"'


def match_expression(text: str) -> str:
    """The FTS5 query for user text: every word (English) and every CJK run (Chinese) must match.

    Built only from tokens of letters and digits, each quoted, so nothing the user typed is
    read as FTS5 syntax. Text with no letter or digit is a UsageError.
    """
    parts = []
    for word in _WORD.findall(fold(text)):
        at = 0
        for run in _CJK.finditer(word):
            if run.start() > at:
                parts.append(f"words : {_quoted([word[at:run.start()]])}")
            chars = run.group()
            parts.append(f"grams : {_quoted([chars])} *" if len(chars) == 1 else f"grams : {_quoted(_grams(chars)[:-1])}")
            at = run.end()
        if at < len(word):
            parts.append(f"words : {_quoted([word[at:]])}")
    if not parts:
        if not fold(text):
            raise UsageError("empty search text; give a word in Chinese or English")
        raise UsageError(f"no word to search for in {text!r}; give a word in Chinese or English")
    return " AND ".join(parts)


def _row(entity: str, kind: str, field: str, text: str) -> tuple:
    normal = unicodedata.normalize("NFKC", text)
    grams = [gram for run in _CJK.findall(normal) for gram in _grams(run)]
    return (_CJK.sub(" ", normal), " ".join(grams), entity, kind, field, FIELD_WEIGHTS.get(field, 1.0), text)


def index_rows(store):
    """The rows of the index, from one SPARQL query of the store: (words, grams, entity, kind, field, weight, text)."""
    classes = " ".join(f"sco:{local}" for local in ENTITY_CLASSES.values())
    texts: dict[str, dict[tuple[str, str], None]] = {}
    kinds: dict[str, str] = {}
    for x, rdf_class, field, text in store.iter_rows(f"""
        SELECT ?x ?class ?field ?text WHERE {{
          VALUES ?class {{ {classes} }} ?x a ?class .
          {{ ?x rdfs:label ?text BIND(IF(lang(?text) = "zh", "label_zh", "label") AS ?field) }}
          UNION {{ ?x dcterms:description ?text BIND(IF(lang(?text) = "zh", "description_zh", "description") AS ?field) }}
          UNION {{ ?x sco:evidence ?ev . ?ev sco:quote ?text ; sco:page ?page BIND(CONCAT("quote p. ", STR(?page)) AS ?field) }}
        }}"""):
        kind = _TYPE_OF_CLASS[rdf_class]
        if kinds.get(x) != "paper":  # a paper is also a source
            kinds[x] = kind
        texts.setdefault(x, {})[(str(field), str(text))] = None
    for x, pairs in texts.items():
        for field, text in pairs:
            yield _row(entity_id(x), kinds[x], field, text)


class SearchIndex:
    """The FTS5 index of one claims graph, in memory or in a file beside the prepared store."""

    def __init__(self, db, path: Path | None = None):
        self._db, self.path = db, path
        self._lock = threading.Lock()  # one connection, shared by a server's threads

    @classmethod
    def build(cls, store, path: Path | None = None) -> SearchIndex:
        """Index the store's texts, in memory, or in ``path`` (written beside it, then renamed into place)."""
        import os
        import sqlite3
        import tempfile

        if path is None:
            db = sqlite3.connect(":memory:", check_same_thread=False)
            cls._fill(db, store)
            return cls(db)
        fd, building = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".building")
        os.close(fd)
        os.chmod(building, 0o644)  # as readable as the other files of the cache (mkstemp makes it private)
        try:
            db = sqlite3.connect(building)
            cls._fill(db, store)
            db.execute("CREATE TABLE complete (done INTEGER)")
            db.execute("INSERT INTO complete VALUES (1)")
            db.commit()
            db.close()
            os.replace(building, path)  # atomic: another process sees the whole index or none
        finally:
            Path(building).unlink(missing_ok=True)
        return cls(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False), path)

    @staticmethod
    def _fill(db, store) -> None:
        # Beside the FTS5 table: each entity's labels by id (a search's page of results reads them
        # by key, where the FTS5 table could only be scanned: 0.17 s at 1M triples), and each row's
        # folded text for the substring search of part words (SQLite's instr, not a Python call per row).
        db.execute(_TABLE)
        db.execute("CREATE TABLE labels (entity TEXT PRIMARY KEY, label TEXT, label_zh TEXT) WITHOUT ROWID")
        db.execute("CREATE TABLE folded (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        labels: dict[str, dict[str, str]] = {}
        for number, row in enumerate(index_rows(store), 1):
            db.execute("INSERT INTO texts(rowid, words, grams, entity, kind, field, weight, original)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (number, *row))
            db.execute("INSERT INTO folded VALUES (?, ?)", (number, fold(row[-1])))
            if row[4] in ("label", "label_zh"):
                labels.setdefault(row[2], {}).setdefault(row[4], row[-1])
        db.executemany("INSERT INTO labels VALUES (?, ?, ?)",
                       ((entity, found.get("label"), found.get("label_zh")) for entity, found in labels.items()))
        db.execute("INSERT INTO texts(texts) VALUES ('optimize')")
        db.commit()

    @classmethod
    def open(cls, path: Path) -> SearchIndex | None:
        """The index kept at ``path``, or None when there is none or it is not whole (damaged, half written)."""
        import sqlite3

        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            if db.execute("SELECT done FROM complete").fetchone() != (1,):
                return None
            db.execute("SELECT count(*) FROM texts WHERE texts MATCH 'words : \"x\"'").fetchone()
            return cls(db, path)
        except sqlite3.DatabaseError:
            return None

    def search(self, text: str, kind: str | None = None, limit: int | None = None) -> list[dict]:
        """Entities matching ``text``, best first: id, type, label, label_zh, field, match (a snippet), score."""
        expression = match_expression(text)
        with self._lock:
            best = self._db.execute("""
                WITH found AS MATERIALIZED (  -- (bm25 is only for the query that matches)
                  SELECT entity, kind, field, original, -bm25(texts) * weight AS score, rowid AS hit
                  FROM texts WHERE texts MATCH ? AND (? IS NULL OR kind = ?))
                SELECT entity, kind, field, original, max(score), hit FROM found GROUP BY entity ORDER BY 5 DESC, entity LIMIT ?""",
                (expression, kind, kind, -1 if limit is None else limit)).fetchall()
            needles = _CJK.findall(fold(text))
            if not best:
                best, needles = self._substring(text, kind, limit), [fold(text)]
            if not best:
                return []
            import json

            hits = json.dumps([row[5] for row in best])
            snippets = dict(self._db.execute(
                "SELECT rowid, snippet(texts, 0, '', '', '…', 16) FROM texts"
                " WHERE texts MATCH ? AND rowid IN (SELECT value FROM json_each(?))", (expression, hits)))
            labels = {entity: (label, label_zh) for entity, label, label_zh in self._db.execute(
                "SELECT entity, label, label_zh FROM labels WHERE entity IN (SELECT value FROM json_each(?))",
                (json.dumps([row[0] for row in best]),))}
        return [
            {"id": entity, "type": kind_, "label": labels.get(entity, (None, None))[0],
             "label_zh": labels.get(entity, (None, None))[1], "field": field,
             "match": _snippet(original, needles, snippets.get(hit)), "score": round(score, 3)}
            for entity, kind_, field, original, score, hit in best
        ]

    def _substring(self, text: str, kind: str | None, limit: int | None) -> list[tuple]:
        """Rows holding the text as it was typed, part words included (``ti-dru``): when no word matched.

        A scan of every row, made only when the words find nothing; these come after any word match (score 0).
        """
        return self._db.execute("""
            SELECT entity, kind, field, original, 0.0, min(rowid) FROM texts
            WHERE rowid IN (SELECT id FROM folded WHERE instr(text, ?)) AND (? IS NULL OR kind = ?)
            GROUP BY entity ORDER BY max(weight) DESC, entity LIMIT ?""",
            (fold(text), kind, kind, -1 if limit is None else limit)).fetchall()


def _snippet(original: str, needles: list[str], fts: str | None, width: int = 30) -> str:
    """The part of a text that matched: FTS5's snippet for English, else a window around the first needle."""
    if fts and not _CJK.search(original):
        return fts
    for text in (original, unicodedata.normalize("NFKC", original), fold(original)):
        at = min((text.find(needle) for needle in needles if needle and needle in text), default=-1)
        if at >= 0:
            break
    else:
        text, at = original, 0
    if len(text) <= 2 * width:
        return text
    start = max(0, min(at - width, len(text) - 2 * width))
    end = start + 2 * width
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def index_of(graph) -> SearchIndex:
    """The search index of a graph: kept beside its prepared store, else built in memory once."""
    found = getattr(graph, "_search_index", None)
    if found is not None:
        return found
    key = getattr(graph, "content_key", None)
    path = _index_path(key) if key else None
    index = None
    if path is not None:
        index = SearchIndex.open(path)
        if index is None:
            index = _build_on_disk(graph.store, path)
    if index is None:
        index = SearchIndex.build(graph.store)
    graph._search_index = index
    return index


def _index_path(key: str) -> Path | None:
    from .prepared import cache_dir, code_digest

    directory = cache_dir()
    return directory / f"{key}.search-{code_digest(SEARCH_CODE)}.sqlite" if directory is not None else None


def _build_on_disk(store, path: Path) -> SearchIndex | None:
    import sqlite3

    from ..progress import status
    from .prepared import note

    if path.exists():
        note(f"the search index {path} cannot be used; building it again")
    try:
        with status("indexing texts for search once, for later calls"):
            return SearchIndex.build(store, path)
    except (OSError, sqlite3.Error) as error:
        note(f"cannot keep a search index in {path.parent} ({error}); searching in memory instead")
        return None


def search(graph, text: str, kind: str | None = None, limit: int | None = None) -> list[dict]:
    """:meth:`scograph.graph.ClaimsGraph.search`: the kind is checked before any index is built."""
    if kind is not None:
        from ..inputs import parse_entity_kind

        kind = parse_entity_kind(kind)
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be a positive number, not {limit}")
    match_expression(text)  # refuse empty text before building anything
    import sqlite3

    index = index_of(graph)
    try:
        return index.search(text, kind, limit)
    except sqlite3.DatabaseError as error:
        if index.path is None:
            raise  # in memory: a bug, not damage
        # Some damage shows only in the middle of a query (a garbled page): build the index again, once.
        from .prepared import note

        note(f"the search index {index.path} cannot be read ({error}); building it again")
        index.path.unlink(missing_ok=True)
        graph._search_index = None
        return index_of(graph).search(text, kind, limit)
