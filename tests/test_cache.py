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


def test_processes_racing_to_build_the_same_index_all_answer(own_cache, tmp_path):
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    script = (
        "import json, sys; from scograph import cache; cache.LARGE_FILE_BYTES = 0; "
        "from scograph.graph import ClaimsGraph; "
        "print(json.dumps([d['id'] for d in ClaimsGraph.load(sys.argv[1]).demands(country='TJ')]))"
    )
    env = {**os.environ, "SCOGRAPH_CACHE": str(own_cache)}

    def run(_):
        return subprocess.run([sys.executable, "-c", script, str(claims)], capture_output=True, text=True, env=env)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(4)))
    assert all(r.returncode == 0 for r in results), [r.stderr[-500:] for r in results]
    answers = {r.stdout for r in results}
    assert len(answers) == 1 and "exp-tj-anti-drug-centre" in json.loads(answers.pop())
    assert len([p for p in own_cache.iterdir() if p.name.endswith(".oxigraph")]) == 1


def test_caching_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SCOGRAPH_CACHE", "")
    assert cache.cache_dir() is None
    assert ClaimsGraph.load(DATA).demands(country="TJ")
