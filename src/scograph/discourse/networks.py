"""Two-mode and one-mode discourse networks, computed as DNA (Leifeld's Discourse Network Analyzer) computes them.

Statements (:mod:`.statements`) are first selected (filters, exclusions), then duplicates are
dropped, then nodes with fewer than ``min_statements`` statements; what is left is counted into
an array ``A[i][k][q]``: how many statements actor ``i`` makes on concept ``k`` with stance ``q``
(for a concept × concept network the roles swap: concepts are the rows, actors what links them).

**Two-mode** (actor × concept), cell ``(i, k)``, qualifier aggregation:

- ``ignore``: ``Σ_q A[i][k][q]``, the number of statements;
- ``subtract``: supporting minus opposing statements, ``A[i][k][supports] − A[i][k][opposes]``
  (``concerned`` counts for neither);
- ``combine``: which stances occur, as a code: 1 supports only, 2 opposes only, 3 both
  (DNA's 1 positive, 2 negative, 3 mixed), plus 4 when ``concerned`` occurs.

Normalisation: ``activity`` divides row ``i`` by actor ``i``'s statements (for ``ignore`` the
row's sum; for ``subtract`` ``Σ_kq A[i][k][q]``; for ``combine`` the number of its non-zero cells,
which DNA warns means little); ``prominence`` divides column ``k`` likewise by the concept's.

**One-mode** (actor × actor through shared concepts), weight of ``(i, j)``:

- ``ignore``: ``Σ_k (Σ_q A[i][k][q]) · (Σ_q A[j][k][q])``;
- ``congruence``: ``Σ_k Σ_q A[i][k][q] · A[j][k][q]``: statements on the same concept with the same stance;
- ``conflict``: ``Σ_k Σ_{q≠r} A[i][k][q] · A[j][k][r]``: the same concept, different stances;
- ``subtract``: congruence − conflict.

DNA weighs a pair of qualifier values by ``1 − |q − r| / range``; a stance is a category, so two
stances are either the same (proximity 1) or not (0), which is DNA's binary-qualifier case.
Normalisation divides the weight, with ``n_i = Σ_kq A[i][k][q]`` (actor ``i``'s statements):

- ``average`` (average activity): by ``(n_i + n_j) / 2``;
- ``jaccard``: by ``m10 + m01 + m11``, where ``m11 = Σ_kq A[i][k][q] · A[j][k][q]`` over the cells
  both use, ``m10 = Σ_kq A[i][k][q]`` over the cells ``j`` leaves empty, ``m01`` the converse;
- ``cosine``: by ``sqrt(Σ_kq A[i][k][q]²) · sqrt(Σ_kq A[j][k][q]²)``, the cosine of the two
  actors' count vectors (DNA 3's Java divides by ``n_i · n_j`` instead, which is the cosine only
  when every cell is 0 or 1).

On binary theme sets (``duplicates="range"``), ``ignore`` with ``jaccard`` or ``cosine`` is the
``actor-congruence`` network of :mod:`scograph.exports`.

**Duplicates** (DNA's option of that name): a statement is a duplicate of an earlier one with the
same actor, concept and stance (``ignore`` compares no stance) in the same source document
(``document``), calendar week, month or year (``week``, ``month``, ``year``), or anywhere
(``range``, DNA's "across date range"); ``all`` keeps them all. An undated statement is its own
period. **Isolates**: ``isolates=True`` keeps every node of the unselected statements (DNA's
``isolates = TRUE``, so that every window of a series has the same nodes); otherwise the nodes are
those of the selected statements.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..errors import UsageError
from .statements import ACTOR_LEVELS, STANCES, Statement

TWO_MODE_QUALIFIERS = ("ignore", "subtract", "combine")
ONE_MODE_QUALIFIERS = ("ignore", "congruence", "conflict", "subtract")
TWO_MODE_NORMALIZATIONS = ("none", "activity", "prominence")
ONE_MODE_NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
DUPLICATES = ("all", "document", "week", "month", "year", "range")
MODES = ("two-mode", "actors", "concepts")
"""actor × concept, actor × actor, concept × concept."""
_COMBINE_CODES = {"supports": 1, "opposes": 2, "concerned": 4}
_SIGN = {"supports": 1, "opposes": -1, "concerned": 0}


def _check(value: str, valid: Iterable[str], what: str) -> str:
    valid = tuple(valid)
    if value not in valid:
        raise UsageError(f"unknown {what} {value!r}; valid: {', '.join(valid)}")
    return value


@dataclass(frozen=True)
class Selection:
    """Which statements a network is built from, and how they are counted (DNA's export options).

    ``country``, ``domain``, ``since``, ``until`` and ``group_demands`` mean what they mean for
    ``scograph export``; the ``exclude_*`` tuples drop statements by actor (at any level: person,
    organisation or state id), concept, stance or source document.
    """

    actor_level: str = "state"
    country: str | None = None
    domain: str | None = None
    since: str | None = None
    until: str | None = None
    group_demands: bool = True
    duplicates: str = "all"
    exclude_actors: tuple[str, ...] = ()
    exclude_concepts: tuple[str, ...] = ()
    exclude_stances: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    min_statements: int = 0
    isolates: bool = False

    def __post_init__(self):
        _check(self.actor_level, ACTOR_LEVELS, "actor level")
        _check(self.duplicates, DUPLICATES, "duplicates rule")
        for stance in self.exclude_stances:
            _check(stance, STANCES, "stance")
        if self.min_statements < 0:
            raise UsageError(f"--min-statements must be 0 or more, not {self.min_statements}")


@dataclass
class Matrix:
    """A network as DNA returns it: row and column labels (ids) and a dense matrix of weights."""

    rows: list[str]
    columns: list[str]
    values: list[list[float]]
    one_mode: bool
    relation: str
    """What a weight means: the qualifier aggregation (``congruence``, ``subtract`` …)."""
    integer: bool = False
    """Every weight a whole number (no normalisation): written without decimals."""
    statements: int = 0
    """How many statements (after duplicates) the matrix is built from."""
    counts: dict[str, int] = field(default_factory=dict)
    """Each node's number of statements."""
    start: date | None = None
    end: date | None = None

    def weight(self, row: str, column: str) -> float:
        return self.values[self.rows.index(row)][self.columns.index(column)]

    def edges(self) -> list[tuple[str, str, float]]:
        """The non-zero cells; for a one-mode matrix each pair once (row before column)."""
        found = []
        for r, row in enumerate(self.rows):
            for c, column in enumerate(self.columns):
                if self.one_mode and c <= r:
                    continue
                if self.values[r][c] != 0:
                    found.append((row, column, self.values[r][c]))
        return found

    def to_pandas(self):
        """A pandas DataFrame, rows × columns (``pip install 'scograph[pandas]'``)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the extra
            raise UsageError("pandas is not installed: pip install 'scograph[pandas]'") from None
        return pd.DataFrame(self.values, index=self.rows, columns=self.columns)


# --------------------------------------------------------------------- selecting and counting


def _first_day(text: str | None) -> date | None:
    from ..exports import _statement_span

    return _statement_span(text)[0] if text else None


def select(graph, statements: list[Statement], selection: Selection, *, compare_stance: bool = True) -> list[Statement]:
    """The statements that pass ``selection``'s filters and exclusions, duplicates dropped (two
    statements that differ in stance only are duplicates unless ``compare_stance``), attributed at its
    actor level (a statement without a person drops out at ``person``)."""
    from ..exports import Filters, _Selector

    selector = _Selector(graph, Filters(country=None, domain=selection.domain, since=selection.since,
                                        until=selection.until, group_demands=selection.group_demands))
    state = graph.country(selection.country).id if selection.country else None
    excluded_actors = set(selection.exclude_actors)
    excluded_concepts = set(selection.exclude_concepts)
    excluded_stances = set(selection.exclude_stances)
    excluded_sources = set(selection.exclude_sources)
    kept = []
    for s in statements:
        if s.actor(selection.actor_level) is None:
            continue
        if state is not None and s.state != state:
            continue
        if excluded_actors & {s.speaker, s.organisation, s.state} or s.concept in excluded_concepts:
            continue
        if s.stance in excluded_stances or s.source in excluded_sources:
            continue
        if not selector.keeps(s.domain, s.holder == s.state, lambda state=s.state: [state], s.date):
            continue
        kept.append(s)
    return drop_duplicates(kept, selection.duplicates, selection.actor_level, compare_stance=compare_stance)


def _period(s: Statement, rule: str):
    when = _first_day(s.date)
    if rule == "document":
        return s.source
    if rule == "range" or when is None:
        return None if rule == "range" else ("undated", s.entity)
    if rule == "year":
        return when.year
    if rule == "month":
        return when.year, when.month
    return tuple(when.isocalendar())[:2]  # ISO weeks run Monday to Sunday, as DNA's UK weeks do


def drop_duplicates(statements: list[Statement], rule: str, level: str, *, compare_stance: bool = True) -> list[Statement]:
    """The first of each group of statements with the same actor, concept (and stance) in one period."""
    _check(rule, DUPLICATES, "duplicates rule")
    if rule == "all":
        return list(statements)
    seen = set()
    kept = []
    for s in statements:
        key = (s.actor(level), s.concept, s.stance if compare_stance else None, _period(s, rule))
        if key not in seen:
            seen.add(key)
            kept.append(s)
    return kept


def _array(statements: list[Statement], level: str, mode: str) -> dict[str, dict[str, Counter]]:
    """``A[row][linked][stance]``: rows are actors (two-mode, actors) or concepts (concepts)."""
    array: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for s in statements:
        actor = s.actor(level)
        row, linked = (s.concept, actor) if mode == "concepts" else (actor, s.concept)
        array[row][linked][s.stance] += 1
    return array


def _min_statements(statements: list[Statement], level: str, minimum: int, mode: str) -> list[Statement]:
    """Drop the statements of nodes with fewer than ``minimum`` statements: actors (``actors``), concepts
    (``concepts``), or for a two-mode network actors and then concepts."""
    if minimum <= 1:
        return statements
    if mode != "concepts":
        actors = Counter(s.actor(level) for s in statements)
        statements = [s for s in statements if actors[s.actor(level)] >= minimum]
    if mode != "actors":
        concepts = Counter(s.concept for s in statements)
        statements = [s for s in statements if concepts[s.concept] >= minimum]
    return statements


# --------------------------------------------------------------------- the matrices


def two_mode(array: dict[str, dict[str, Counter]], rows: list[str], columns: list[str],
             qualifier: str = "ignore", normalize: str = "none") -> list[list[float]]:
    """The actor × concept matrix of ``array`` (see the module docstring for the formulas)."""
    _check(qualifier, TWO_MODE_QUALIFIERS, "two-mode qualifier aggregation")
    _check(normalize, TWO_MODE_NORMALIZATIONS, "two-mode normalisation")
    index = {c: n for n, c in enumerate(columns)}
    values = [[0.0] * len(columns) for _ in rows]
    totals = [[0.0] * len(columns) for _ in rows]  # Σ_q A[i][k][q], for subtract's denominators
    for r, row in enumerate(rows):
        for column, stances in array.get(row, {}).items():
            c = index[column]
            totals[r][c] = float(sum(stances.values()))
            if qualifier == "ignore":
                values[r][c] = totals[r][c]
            elif qualifier == "subtract":
                values[r][c] = float(sum(_SIGN[q] * n for q, n in stances.items()))
            else:
                values[r][c] = float(sum(_COMBINE_CODES[q] for q, n in stances.items() if n > 0))
    if normalize == "none":
        return values
    source = {"ignore": values, "subtract": totals,
              "combine": [[1.0 if v else 0.0 for v in row] for row in values]}[qualifier]
    if normalize == "activity":
        for r in range(len(rows)):
            denominator = sum(source[r])
            values[r] = [v / denominator if denominator else 0.0 for v in values[r]]
    else:
        for c in range(len(columns)):
            denominator = sum(source[r][c] for r in range(len(rows)))
            for r in range(len(rows)):
                values[r][c] = values[r][c] / denominator if denominator else 0.0
    return values


def one_mode(array: dict[str, dict[str, Counter]], rows: list[str], qualifier: str = "congruence",
             normalize: str = "none") -> list[list[float]]:
    """The row × row matrix of ``array``, linked through shared columns (formulas in the module docstring).

    Sparse: only pairs that share a column are visited, so the cost is ``Σ_k deg(k)²`` rather than
    ``rows² × columns``."""
    _check(qualifier, ONE_MODE_QUALIFIERS, "one-mode qualifier aggregation")
    _check(normalize, ONE_MODE_NORMALIZATIONS, "one-mode normalisation")
    index = {r: n for n, r in enumerate(rows)}
    by_column: dict[str, list[tuple[int, Counter]]] = defaultdict(list)
    activity = [0.0] * len(rows)
    squares = [0.0] * len(rows)
    for row in rows:
        i = index[row]
        for column, stances in array.get(row, {}).items():
            by_column[column].append((i, stances))
            activity[i] += sum(stances.values())
            squares[i] += sum(n * n for n in stances.values())
    same: dict[tuple[int, int], float] = defaultdict(float)
    other: dict[tuple[int, int], float] = defaultdict(float)
    covered: dict[tuple[int, int], float] = defaultdict(float)  # Σ A[i][k][q] where A[j][k][q] > 0
    for users in by_column.values():
        for a in range(len(users)):
            i, si = users[a]
            for b in range(a + 1, len(users)):
                j, sj = users[b]
                pair = (i, j) if i < j else (j, i)
                for q, n in si.items():
                    for r, m in sj.items():
                        if q == r:
                            same[pair] += n * m
                        else:
                            other[pair] += n * m
                if normalize == "jaccard":
                    first, second = (si, sj) if i < j else (sj, si)
                    covered[pair] += sum(n for q, n in first.items() if second.get(q))
                    covered[(pair[1], pair[0])] += sum(n for q, n in second.items() if first.get(q))
    values = [[0.0] * len(rows) for _ in rows]
    for pair in set(same) | set(other):
        i, j = pair
        if qualifier == "ignore":
            weight = same[pair] + other[pair]
        elif qualifier == "congruence":
            weight = same[pair]
        elif qualifier == "conflict":
            weight = other[pair]
        else:
            weight = same[pair] - other[pair]
        if normalize == "average":
            norm = (activity[i] + activity[j]) / 2
        elif normalize == "jaccard":
            # m11 is the product of the cells both use: with stances kept apart, that is ``same``.
            m11 = same[pair]
            norm = (activity[i] - covered[pair]) + (activity[j] - covered[(j, i)]) + m11
        elif normalize == "cosine":
            norm = math.sqrt(squares[i]) * math.sqrt(squares[j])
        else:
            norm = 1.0
        weight = weight / norm if norm else 0.0
        values[i][j] = values[j][i] = weight
    return values


@dataclass(frozen=True)
class Spec:
    """What to build: the mode, the qualifier aggregation and the normalisation, and the concept kind."""

    mode: str = "two-mode"
    qualifier: str = "ignore"
    normalize: str = "none"
    concept: str = "theme"

    def __post_init__(self):
        _check(self.mode, MODES, "network mode")
        if self.mode == "two-mode":
            _check(self.qualifier, TWO_MODE_QUALIFIERS, "two-mode qualifier aggregation")
            _check(self.normalize, TWO_MODE_NORMALIZATIONS, "two-mode normalisation")
        else:
            _check(self.qualifier, ONE_MODE_QUALIFIERS, "one-mode qualifier aggregation")
            _check(self.normalize, ONE_MODE_NORMALIZATIONS, "one-mode normalisation")


def matrix(graph, spec: Spec = Spec(), selection: Selection = Selection(), *,
           statements: list[Statement] | None = None, universe: list[Statement] | None = None,
           start: date | None = None, end: date | None = None) -> Matrix:
    """The network ``spec`` of the statements ``selection`` keeps, as a :class:`Matrix`.

    ``statements`` defaults to every statement of ``graph`` (:func:`.statements.statements`);
    ``universe`` is where ``isolates=True`` takes its nodes from (default: ``statements``)."""
    from .statements import statements as read_statements

    if statements is None:
        statements = read_statements(graph, concept=spec.concept)
    level = selection.actor_level
    # DNA compares the qualifier when it tells duplicates apart, unless the qualifier is ignored.
    kept = select(graph, statements, selection, compare_stance=spec.qualifier != "ignore")
    kept = _min_statements(kept, level, selection.min_statements, spec.mode)
    array = _array(kept, level, spec.mode)
    nodes_from = kept
    if selection.isolates:
        nodes_from = [s for s in (universe if universe is not None else statements) if s.actor(level) is not None]
    actors = sorted({s.actor(level) for s in nodes_from} - set(selection.exclude_actors))
    concepts = sorted({s.concept for s in nodes_from} - set(selection.exclude_concepts))
    if spec.mode == "two-mode":
        rows, columns = actors, concepts
        values = two_mode(array, rows, columns, spec.qualifier, spec.normalize)
    else:
        rows = columns = concepts if spec.mode == "concepts" else actors
        values = one_mode(array, rows, spec.qualifier, spec.normalize)
    counts = Counter()
    for s in kept:
        counts[s.actor(level)] += 1
        counts[s.concept] += 1
    return Matrix(rows, columns, values, spec.mode != "two-mode", spec.qualifier, spec.normalize == "none", len(kept),
                  dict(counts), start, end)
