"""The prepared store: checked once per content, never stale, safe when processes race."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from scograph import cache
from scograph.errors import DataFileError
from scograph.graph import ClaimsGraph
from scograph.terms import entity_iri

from .conftest import DATA


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("SCOGRAPH_CACHE", str(directory))
    return directory


def test_a_file_is_checked_once_per_content(own_cache, tmp_path):
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    key = cache.content_key(claims.read_bytes())
    assert not cache.is_validated(key)
    ClaimsGraph.load(claims)
    assert (own_cache / f"{key}.valid").is_file()
    assert ClaimsGraph.load(claims)._claims is None  # second open: no model check, no pydantic objects


def test_an_edited_file_is_never_answered_from_the_cache(own_cache, tmp_path):
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    ClaimsGraph.load(claims)
    # The edit keeps the Turtle well formed but breaks the model: a state without its codes.
    text = claims.read_text(encoding="utf-8").replace('sco:alpha3 "TJK"', "", 1)
    claims.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="scograph validate"):
        ClaimsGraph.load(claims)


def test_a_large_file_gets_a_prepared_index_that_answers_the_same(own_cache, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "LARGE_FILE_BYTES", 0)
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    key = cache.content_key(claims.read_bytes())
    first = ClaimsGraph.load(claims)
    index = own_cache / f"{key}.oxigraph"
    assert (index / "COMPLETE").is_file()
    built = (index / "COMPLETE").stat().st_mtime_ns
    second = ClaimsGraph.load(claims)
    assert (index / "COMPLETE").stat().st_mtime_ns == built  # opened, not rebuilt
    monkeypatch.setattr(cache, "LARGE_FILE_BYTES", 1 << 40)
    in_memory = ClaimsGraph.load(claims)
    assert first.demands(country="TJ") == second.demands(country="TJ") == in_memory.demands(country="TJ")
    assert not [p for p in own_cache.iterdir() if p.name.endswith(".building")]


def answers_of_processes_at_once(claims, own_cache, answer: str, processes: int = 4) -> set[str]:
    """What ``answer`` (Python, of ``claims``, a ClaimsGraph) prints as JSON in processes started together,
    each opening ``claims`` as a large file; every process must succeed."""
    script = (
        "import json, sys; from scograph import cache; cache.LARGE_FILE_BYTES = 0; "
        "from scograph.graph import ClaimsGraph; claims = ClaimsGraph.load(sys.argv[1]); "
        f"print(json.dumps({answer}, sort_keys=True))"
    )
    env = {**os.environ, "SCOGRAPH_CACHE": str(own_cache)}

    def run(_):
        return subprocess.run([sys.executable, "-c", script, str(claims)], capture_output=True, text=True, env=env)

    with ThreadPoolExecutor(max_workers=processes) as pool:
        results = list(pool.map(run, range(processes)))
    assert all(r.returncode == 0 for r in results), [r.stderr[-500:] for r in results]
    return {r.stdout for r in results}


def test_processes_racing_to_build_the_same_index_all_answer(own_cache, tmp_path):
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    answers = answers_of_processes_at_once(claims, own_cache, "[d['id'] for d in claims.demands(country='TJ')]")
    assert len(answers) == 1 and "exp-tj-anti-drug-centre" in json.loads(answers.pop())
    assert len([p for p in own_cache.iterdir() if p.name.endswith(".oxigraph")]) == 1


def test_caching_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SCOGRAPH_CACHE", "")
    assert cache.cache_dir() is None
    assert ClaimsGraph.load(DATA).demands(country="TJ")


# --------------------------------------------------------------------- the record cache


@pytest.fixture
def prepared(own_cache, tmp_path, monkeypatch):
    """The paper's claims opened from a prepared index (as a large file would be)."""
    monkeypatch.setattr(cache, "LARGE_FILE_BYTES", 0)
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    return claims


def _record_files(directory):
    return sorted(p for p in directory.iterdir() if p.name.endswith(".sqlite"))


def test_records_read_from_the_cache_equal_records_made_afresh(prepared, own_cache, monkeypatch):
    first = ClaimsGraph.load(prepared)
    assert first.record_cache is not None
    made = first.paths(country="TJ")
    [records_file] = _record_files(own_cache)
    key = cache.content_key(prepared.read_bytes())
    assert records_file.name == f"{key}.records-{cache.records_code_digest()}.sqlite"

    second = ClaimsGraph.load(prepared)
    # Had anything been made again, this would fail: the second graph may only read.
    monkeypatch.setattr(ClaimsGraph, "_make_records", lambda self, iris: pytest.fail(f"made {len(iris)} records"))
    assert second.paths(country="TJ") == made
    monkeypatch.undo()
    monkeypatch.setenv("SCOGRAPH_CACHE", "")  # no cache at all: records made from the store every time
    assert ClaimsGraph.load(DATA).paths(country="TJ") == made


def test_a_lookup_makes_only_the_records_it_lacks(prepared, monkeypatch):
    ClaimsGraph.load(prepared).demands(country="TJ")
    asked: list[int] = []
    make = ClaimsGraph._make_records
    monkeypatch.setattr(ClaimsGraph, "_make_records", lambda self, iris: asked.append(len(iris)) or make(self, iris))
    graph = ClaimsGraph.load(prepared)
    tajik = {d["id"] for d in graph.demands(country="TJ")}
    assert asked == []
    kazakh = {d["id"] for d in graph.demands(country="KZ")}
    assert asked == [len(kazakh - tajik)] and kazakh - tajik


def test_records_of_another_content_or_code_are_never_read(prepared, own_cache, monkeypatch):
    ClaimsGraph.load(prepared).demands(country="TJ")
    # Other code: a new records file; the old one is not read.
    monkeypatch.setattr(cache, "records_code_digest", lambda: "0" * 16)
    graph = ClaimsGraph.load(prepared)
    assert graph.record_cache.path.name.endswith(".records-0000000000000000.sqlite")
    assert graph.demands(country="TJ") == ClaimsGraph.load(prepared).demands(country="TJ")
    assert len(_record_files(own_cache)) == 2
    # Other content: another key, so another records file.
    prepared.write_text(prepared.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert ClaimsGraph.load(prepared).record_cache.path != graph.record_cache.path


def test_a_damaged_records_file_only_costs_the_records_again(prepared, own_cache):
    expected = ClaimsGraph.load(prepared).demands(country="TJ")
    [records_file] = _record_files(own_cache)
    for extra in records_file.parent.glob(records_file.name + "-*"):
        extra.unlink()
    records_file.write_bytes(b"this is not a database" * 100)
    graph = ClaimsGraph.load(prepared)
    assert graph.demands(country="TJ") == expected
    assert len(graph.record_cache.get_many([entity_iri(d["id"]) for d in expected])) == len(expected)


def test_processes_filling_the_record_cache_at_once_agree(prepared, own_cache):
    ClaimsGraph.load(prepared)  # the index itself, built once
    answers = answers_of_processes_at_once(prepared, own_cache, "claims.paths()")
    assert len(answers) == 1
    assert json.loads(answers.pop()) == json.loads(json.dumps(ClaimsGraph.load(prepared).paths()))


def test_threads_sharing_one_graph_fill_the_record_cache_safely(prepared):
    """A server's threads share one graph and so one records file: each answer is whole and right."""
    graph = ClaimsGraph.load(prepared)
    ids = [d["id"] for d in ClaimsGraph.load(DATA).demands()] * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        records = list(pool.map(lambda entity: graph.record(entity), ids))
    assert [r["id"] for r in records] == ids
    assert graph.record_cache.get_many([entity_iri(i) for i in set(ids)]).keys() == {entity_iri(i) for i in ids}


def test_a_records_file_shared_by_threads_keeps_every_record(own_cache):
    records = cache.RecordCache.open("k" * 64)
    batches = [{f"https://example.org/{b}/{i}": json.dumps({"n": i}) for i in range(50)} for b in range(200)]

    def fill(batch):
        records.put_many(batch)
        return records.get_many(list(batch))

    with ThreadPoolExecutor(max_workers=8) as pool:
        read_back = list(pool.map(fill, batches))
    assert read_back == batches  # each thread reads what it wrote, whole
    everything = {iri: text for batch in batches for iri, text in batch.items()}
    assert records.get_many(list(everything)) == everything
