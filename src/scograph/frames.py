"""RecordList for notebooks: the lists ClaimsGraph returns, one call away from pandas.

A :class:`RecordList` is a plain list of JSON-typed dicts (``pandas.DataFrame(records)`` and
``json.dumps(records)`` take it as it is) with two conversions: :meth:`RecordList.to_pandas`, one
row per record with nested records flattened (``driver.id`` …), and
:meth:`RecordList.evidence_frame`, the evidence normalised into its own table keyed by the id of
the record it backs. pandas is imported only inside them: it is the optional ``pandas`` extra,
and a lookup never needs it (tests/test_lean.py).
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from .errors import NotInstalled

# The parts of a path record that are records themselves (ClaimsGraph.paths).
_NESTED = ("driver", "expectation", "response")


def _pandas():
    try:
        import pandas
    except ImportError:
        raise NotInstalled("pandas is not installed: pip install 'scograph[pandas]'") from None
    return pandas


class RecordList(list):
    """A list of records (dicts) that converts to pandas in one call."""

    __slots__ = ()

    def _backed(self) -> list[dict]:
        """Every record that carries evidence, once each: the records, or the parts of path records."""
        seen: dict[str, dict] = {}
        for record in self:
            for part in (record.get(name) for name in _NESTED) if "id" not in record else (record,):
                if isinstance(part, dict) and "id" in part:
                    seen.setdefault(part["id"], part)
        return list(seen.values())

    def to_pandas(self):
        """A DataFrame, one row per record, in the list's order; evidence is left to :meth:`evidence_frame`.

        Lists (``themes``, ``drivers`` …) stay lists in their cells; a path's driver, expectation
        and response become columns ``driver.id``, ``driver.label`` … (``pandas.json_normalize``).
        """
        pandas = _pandas()
        rows = [_without_evidence(record) for record in self]
        if rows and any(isinstance(rows[0].get(name), dict) for name in _NESTED):
            return pandas.json_normalize(rows)
        return pandas.DataFrame(rows, columns=_columns(rows))

    def evidence_frame(self):
        """The evidence as a DataFrame: one row per quote, ``id`` (the record it backs) and ``position`` first.

        ``records.to_pandas().merge(records.evidence_frame(), on="id")`` puts each quote beside
        its record. For path records, the evidence of each driver, expectation and response, once per entity.
        """
        pandas = _pandas()
        rows = [{"id": record["id"], "position": position, **evidence}
                for record in self._backed() for position, evidence in enumerate(record.get("evidence") or [])]
        return pandas.DataFrame(rows, columns=_columns(rows) or ["id", "position"])


def _without_evidence(record: dict[str, Any]) -> dict[str, Any]:
    kept = {key: value for key, value in record.items() if key != "evidence"}
    for name in _NESTED:
        if isinstance(kept.get(name), dict):
            kept[name] = _without_evidence(kept[name])
    return kept


def _columns(rows: list[dict]) -> list[str]:
    """Every key of the rows, in the order they first appear (records of one type share their keys)."""
    return list(dict.fromkeys(key for row in rows for key in row))


def as_records(method):
    """A ClaimsGraph listing that returns its list as :class:`RecordList`."""
    @wraps(method)
    def listing(*args, **kwargs) -> RecordList:
        return RecordList(method(*args, **kwargs))

    return listing
