"""The prepared store: checked once per content, never stale, safe when processes race."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scograph.errors import DataFileError
from scograph.graph import ClaimsGraph
from scograph.records import Records
from scograph.store import prepared as cache
from scograph.terms import entity_iri

from .conftest import CLI, DATA, limited_memory


@pytest.fixture(autouse=True)
def no_records_pass(monkeypatch):
    """The records pass started in these tests' own process only where a test asks for it (see
    ``records_pass``): one running meanwhile would make records these tests count the making of."""
    monkeypatch.setattr(cache, "start_records_pass", lambda key: None)


@pytest.fixture
def records_pass(monkeypatch):
    monkeypatch.undo()


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
    assert (own_cache / f"{key}.valid-{cache.code_digest(cache.CHECK_CODE)}").is_file()
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


def processes_at_once(claims, own_cache, answer: str, processes: int = 4) -> list[subprocess.CompletedProcess]:
    """Processes started together, each opening ``claims`` as a large file and printing ``answer``
    (Python, of ``claims``, a ClaimsGraph) as JSON; every process must succeed."""
    script = (
        "import json, sys; from scograph.store import prepared as cache; cache.LARGE_FILE_BYTES = 0; "
        "from scograph.graph import ClaimsGraph; claims = ClaimsGraph.load(sys.argv[1]); "
        f"print(json.dumps({answer}, sort_keys=True))"
    )
    env = {**os.environ, "SCOGRAPH_CACHE": str(own_cache)}

    def run(_):
        return subprocess.run([sys.executable, "-c", script, str(claims)], capture_output=True, text=True, env=env,
                              preexec_fn=limited_memory)

    with ThreadPoolExecutor(max_workers=processes) as pool:
        results = list(pool.map(run, range(processes)))
    assert all(r.returncode == 0 for r in results), [r.stderr[-500:] for r in results]
    return results


def answers_of_processes_at_once(claims, own_cache, answer: str, processes: int = 4) -> set[str]:
    """What ``answer`` prints in :func:`processes_at_once`: one answer when they agree."""
    return {r.stdout for r in processes_at_once(claims, own_cache, answer, processes)}


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
    monkeypatch.setattr(Records, "make", lambda self, iris: pytest.fail(f"made {len(iris)} records"))
    assert second.paths(country="TJ") == made
    monkeypatch.undo()
    monkeypatch.setenv("SCOGRAPH_CACHE", "")  # no cache at all: records made from the store every time
    assert ClaimsGraph.load(DATA).paths(country="TJ") == made


def test_a_lookup_makes_only_the_records_it_lacks(prepared, monkeypatch):
    ClaimsGraph.load(prepared).demands(country="TJ")
    asked: list[int] = []
    make = Records.make
    monkeypatch.setattr(Records, "make", lambda self, iris: asked.append(len(iris)) or make(self, iris))
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


@pytest.mark.slow
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


# --------------------------------------------------------------------- damage: found, repaired once, answered right


def _garble_the_largest_table(index):
    table = max(index.glob("*.sst"), key=lambda p: p.stat().st_size)
    data = bytearray(table.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    table.write_bytes(bytes(data))


def _truncate_the_manifest(index):
    [manifest] = index.glob("MANIFEST-*")
    os.truncate(manifest, manifest.stat().st_size // 2)


DAMAGES = {
    "CURRENT deleted": lambda index: (index / "CURRENT").unlink(),
    "a table garbled": _garble_the_largest_table,
    "the MANIFEST truncated": _truncate_the_manifest,  # RocksDB opens this one as an empty store, without a word
    "the stamp garbled": lambda index: (index / "COMPLETE").write_text("{not json"),
}


def scograph(cache_dir, *args, **options):
    """The CLI in a process of its own, on ``cache_dir``; its memory capped, since a damaged index can make RocksDB allocate."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, preexec_fn=limited_memory,
                          env={**os.environ, "SCOGRAPH_CACHE": str(cache_dir)}, **options)


def wait_for_records_pass(key: str, seconds: float = 120) -> None:
    """Wait until no records pass of the index ``key`` runs (one that ``scograph`` started in a process of its
    own after indexing): a pass still reading the index would meet, and mend, the damage a test makes."""
    import time

    proc = Path("/proc")
    if not proc.is_dir():
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = False
        for cmdline in proc.glob("[0-9]*/cmdline"):
            try:
                words = cmdline.read_bytes().split(b"\0")
            except OSError:
                continue
            running = running or (b"scograph.records" in words and key.encode() in words)
        if not running:
            return
        time.sleep(0.1)


@pytest.fixture
def large(tmp_path):
    """The paper's claims (over 256 KiB: the prepared-store path, as is) in a file of their own."""
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    assert claims.stat().st_size > cache.LARGE_FILE_BYTES
    return claims


def _leftovers(directory):
    return [p.name for p in directory.iterdir() if p.name.endswith((".damaged", ".building", ".tmp"))]


@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_index_is_built_again_once_with_a_note_and_answers_right(own_cache, large, damage):
    expected = scograph(own_cache, "demands", "--country", "TJ", "--format", "json", "--data", large)
    expected_stats = scograph(own_cache, "stats", "--format", "json", "--data", large)
    assert (expected.returncode, expected.stderr, expected_stats.stderr) == (0, "", "")
    [index] = own_cache.glob("*.oxigraph")
    wait_for_records_pass(index.name.removesuffix(".oxigraph"))
    DAMAGES[damage](index)

    repaired = scograph(own_cache, "demands", "--country", "TJ", "--format", "json", "--data", large)
    assert repaired.returncode == 0, repaired.stderr
    assert repaired.stdout == expected.stdout
    [note] = repaired.stderr.splitlines()
    assert note.startswith(f"note: the prepared index {index} cannot be used (") and note.endswith(
        "; indexing claims.ttl again"), note
    # Rebuilt once: the next call opens the new index without a word, and it holds the whole graph.
    again = scograph(own_cache, "stats", "--format", "json", "--data", large)
    assert (again.returncode, again.stderr, again.stdout) == (0, "", expected_stats.stdout)
    assert _leftovers(own_cache) == [] and list(own_cache.glob("*.oxigraph")) == [index]


@pytest.mark.slow
def test_an_index_without_its_stamp_is_built_again_in_its_place(own_cache, large):
    """No COMPLETE stamp is what a copy cut short looks like: the index is made afresh, as on a first call."""
    expected = scograph(own_cache, "demands", "--country", "TJ", "--format", "json", "--data", large)
    [index] = own_cache.glob("*.oxigraph")
    wait_for_records_pass(index.name.removesuffix(".oxigraph"))
    (index / "COMPLETE").unlink()
    (index / "CURRENT").unlink()
    again = scograph(own_cache, "demands", "--country", "TJ", "--format", "json", "--data", large)
    assert (again.returncode, again.stderr, again.stdout) == (0, "", expected.stdout)
    assert (index / "COMPLETE").is_file() and (index / "CURRENT").is_file() and _leftovers(own_cache) == []


@pytest.mark.slow
def test_serve_starts_on_a_damaged_index_and_answers(own_cache, large):
    import re
    import urllib.request

    assert scograph(own_cache, "stats", "--data", large).returncode == 0
    [index] = own_cache.glob("*.oxigraph")
    wait_for_records_pass(index.name.removesuffix(".oxigraph"))
    (index / "CURRENT").unlink()
    process = subprocess.Popen([*CLI, "serve", "--port", "0", "--workers", "1", "--data", str(large)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=limited_memory,
                               env={**os.environ, "SCOGRAPH_CACHE": str(own_cache)})
    try:
        lines = []
        while not (found := re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))):
            line = process.stderr.readline()
            assert line, "".join(lines)  # the server ended before it served
            lines.append(line)
        assert lines[0].startswith(f"note: the prepared index {index} cannot be used (CURRENT is missing)")
        assert "Traceback" not in "".join(lines)
        query = urllib.request.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/scograph/vocab#State> }")
        request = urllib.request.Request(f"{found.group()}sparql?query={query}",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        states = ClaimsGraph.load(large).actors(kind="state")
        assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(states)
    finally:
        process.kill()
        process.wait()


@pytest.mark.slow
def test_processes_meeting_the_same_damage_at_once_all_answer_right(own_cache, large):
    expected = json.dumps([d["id"] for d in ClaimsGraph.load(large).demands(country="TJ")], sort_keys=True) + "\n"
    [index] = own_cache.glob("*.oxigraph")
    wait_for_records_pass(index.name.removesuffix(".oxigraph"))
    (index / "CURRENT").unlink()
    results = processes_at_once(large, own_cache, "[d['id'] for d in claims.demands(country='TJ')]", processes=4)
    assert {r.stdout for r in results} == {expected}
    for result in results:  # each met the damage or the repaired index: a note at most, never a traceback
        assert len(result.stderr.splitlines()) <= 1 and "Traceback" not in result.stderr, result.stderr
    assert any(r.stderr for r in results)
    assert _leftovers(own_cache) == [] and list(own_cache.glob("*.oxigraph")) == [index]
    assert (index / "CURRENT").is_file()


def test_damage_that_persists_after_the_rebuild_is_one_error_not_a_loop(own_cache, large, monkeypatch, runner):
    from scograph.cli import app

    ClaimsGraph.load(large)
    [index] = own_cache.glob("*.oxigraph")
    wait_for_records_pass(index.name.removesuffix(".oxigraph"))
    (index / "CURRENT").unlink()
    # A disk that does not keep what is written: the index built is not the one read back.
    recorded = cache._fingerprint
    builds = []

    def misrecorded(directory):
        found = recorded(directory)
        if directory.name.endswith(".building"):
            builds.append(directory)
            found["CURRENT"] = [0, 0, 0]
        return found

    monkeypatch.setattr(cache, "_fingerprint", misrecorded)
    result = runner.invoke(app, ["stats", "--data", str(large)])
    assert (result.exit_code, result.stdout) == (3, "")
    note, error = result.stderr.splitlines()
    assert note.startswith(f"note: the prepared index {index} cannot be used (CURRENT is missing)")
    assert error.startswith(f"Error: the prepared index {index} cannot be used right after it was built"
                            " (CURRENT was changed after it was built); delete it, or set SCOGRAPH_CACHE=")
    assert len(builds) == 1  # one retry, no loop


def _as_a_plain_user():
    """``preexec_fn``: as root, give up the powers to write where permissions forbid it (the capabilities that
    override file modes and the sticky bit), so that a read-only or shared cache is what it is for a user."""
    if os.geteuid() == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP: gone from the program run next
                raise OSError(ctypes.get_errno(), "cannot drop a capability")
    limited_memory()


def _cached_then_damaged(tmp_path):
    """The claims file, a cache holding its index, that index (CURRENT deleted), and the sound answer."""
    claims = tmp_path / "claims.ttl"
    claims.write_bytes(DATA.read_bytes())
    cache_dir = tmp_path / "cache"
    expected = scograph(cache_dir, "demands", "--country", "TJ", "--format", "json", "--data", claims)
    assert expected.returncode == 0
    [index] = cache_dir.glob("*.oxigraph")
    wait_for_records_pass(index.name.removesuffix(".oxigraph"))
    (index / "CURRENT").unlink()
    return claims, cache_dir, index, expected.stdout


def _as_a_user(cache_dir, claims):
    return subprocess.run([*CLI, "demands", "--country", "TJ", "--format", "json", "--data", str(claims)],
                          capture_output=True, text=True, timeout=300, preexec_fn=_as_a_plain_user,
                          env={**os.environ, "SCOGRAPH_CACHE": str(cache_dir)})


def test_a_read_only_cache_with_a_damaged_index_still_answers_right(tmp_path):
    """A cache the user cannot write is not used at all: the file is read as a small one is."""
    claims, cache_dir, index, expected = _cached_then_damaged(tmp_path)
    os.chmod(cache_dir, 0o555)
    try:
        done = _as_a_user(cache_dir, claims)
    finally:
        os.chmod(cache_dir, 0o755)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", expected)
    assert not (index / "CURRENT").exists()  # left as it was


def test_a_damaged_index_another_user_owns_is_read_around_not_fought_over(tmp_path):
    """A cache shared like /tmp (sticky): another user's damaged index cannot be moved, so the file is read instead."""
    if os.geteuid() != 0:
        pytest.skip("needs a second user's index: run as root to test a cache shared between users")
    claims, cache_dir, index, expected = _cached_then_damaged(tmp_path)
    for path in (index, cache_dir):  # nobody's, readable by all: only the sticky bit keeps others from moving it
        os.chown(path, 65534, 65534)
        os.chmod(path, 0o755)
    os.chmod(cache_dir, 0o1777)
    done = _as_a_user(cache_dir, claims)
    assert (done.returncode, done.stdout) == (0, expected)
    assert done.stderr == (f"note: the prepared index {index} cannot be used (CURRENT is missing) nor replaced"
                           " (Operation not permitted); reading claims.ttl instead\n")


def test_a_damaged_record_is_made_again_once_with_a_note(prepared, own_cache, capsys):
    import sqlite3

    expected = ClaimsGraph.load(prepared).demands(country="TJ")
    [records_file] = _record_files(own_cache)
    with sqlite3.connect(records_file) as db:  # a row that is not JSON, and one that is JSON but not a record
        for entity, text in (("exp-tj-anti-drug-centre", "{not json"), ("exp-tj-youth-documents", "[1]")):
            assert db.execute("UPDATE records SET record = ? WHERE iri = ?", (text, entity_iri(entity))).rowcount == 1
    capsys.readouterr()
    graph = ClaimsGraph.load(prepared)
    assert graph.demands(country="TJ") == expected
    assert capsys.readouterr().err == f"note: 2 damaged record(s) in {records_file} made again\n"
    # Replaced in the file: asked again, here or in a new process, they are read whole and without a word.
    assert graph.demands(country="TJ") == expected
    assert ClaimsGraph.load(prepared).demands(country="TJ") == expected
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------- the records pass


def _entity_iris(graph) -> list[str]:
    return sorted(entity_iri(i) for i in graph._all_ids())


def _pass_made_every_record_as_a_lookup_would(claims):
    """Index ``claims`` (the pass starts in a process of its own), wait for the pass, and compare every
    record it kept with the record made on demand from a store without any cache."""
    graph = ClaimsGraph.load(claims)
    cache.wait_for_records_passes()
    iris = _entity_iris(graph)
    kept = graph.record_cache.get_many(iris)
    assert kept.keys() == set(iris)  # every entity's record, made before any lookup asked
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCOGRAPH_CACHE", "")
        on_demand = ClaimsGraph.load(claims)
        made = on_demand._records.of(iris)
    assert [json.loads(kept[iri]) for iri in iris] == made
    return graph


def test_records_made_right_after_indexing_equal_records_made_on_demand(prepared, own_cache, records_pass, monkeypatch):
    graph = _pass_made_every_record_as_a_lookup_would(prepared)
    # A lookup after the pass makes nothing.
    monkeypatch.setattr(Records, "make", lambda self, iris: pytest.fail(f"made {len(iris)} records"))
    assert graph.paths(country="TJ") and ClaimsGraph.load(prepared).demands()


def test_records_made_right_after_indexing_a_synthetic_corpus_equal_records_made_on_demand(
        own_cache, tmp_path, records_pass, monkeypatch):
    from scograph.synth import write_corpus_file

    monkeypatch.setattr(cache, "LARGE_FILE_BYTES", 0)
    corpus = tmp_path / "corpus.ttl"
    write_corpus_file(corpus, papers=3, seed=7)
    _pass_made_every_record_as_a_lookup_would(corpus)


def test_the_records_pass_keeps_what_lookups_kept_and_makes_the_rest(prepared, own_cache, monkeypatch):
    from scograph.records import encode

    graph = ClaimsGraph.load(prepared)
    tajik = [entity_iri(d["id"]) for d in graph.demands(country="TJ")]
    asked: list[int] = []
    make = Records.make
    monkeypatch.setattr(Records, "make", lambda self, iris: asked.append(len(iris)) or make(self, iris))
    made = Records(graph.store, graph.record_cache).keep_all(batch=100)
    everything = _entity_iris(graph)
    assert made == len(everything) - len(tajik) == sum(asked)
    assert graph.record_cache.get_many(tajik) == {iri: encode(r) for iri, r in zip(tajik, Records(graph.store).make(tajik))}
    assert Records(graph.store, graph.record_cache).keep_all() == 0


def test_one_records_pass_at_a_time(prepared, own_cache):
    ClaimsGraph.load(prepared)
    key = cache.content_key(prepared.read_bytes())
    with cache.records_pass_lock(key) as first:
        with cache.records_pass_lock(key) as second:
            assert (first, second) == (True, False) or os.name == "nt"


@pytest.mark.parametrize("cached", [True, False])
def test_listings_printed_from_kept_text_are_the_bytes_of_their_records(prepared, monkeypatch, cached):
    from scograph.render import to_json

    if not cached:
        monkeypatch.setenv("SCOGRAPH_CACHE", "")
    graph = ClaimsGraph.load(prepared)
    for filters in ({}, {"country": "TJ"}, {"country": "KZ", "domain": "security"}, {"country": "kg"}):
        assert graph.demands_json(**filters) == to_json(graph.demands(**filters))
        assert graph.demands_json(**filters) == to_json(ClaimsGraph.load(prepared).demands(**filters))
    for filters in ({}, {"country": "UZ"}, {"start": "drv-afghanistan"}, {"domain": "cultural"}):
        assert graph.paths_json(**filters) == to_json(graph.paths(**filters))
    nothing = {"country": "TJ", "domain": "economic", "end": "exp-tj-anti-drug-centre"}
    assert graph.paths_json(**nothing) == to_json(graph.paths(**nothing)) == "[]\n"
