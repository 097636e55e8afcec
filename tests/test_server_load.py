"""A bounded load test: 20 concurrent clients × 50 mixed requests; every answer right, none lost.

The figures (throughput, latency) come from ``python benchmarks/load.py`` and are reported
in the README; this test asserts correctness only, never timing.
"""

from __future__ import annotations

import pytest

from benchmarks.load import probes, run_load

from .conftest import DATA
from .test_server import running_server

pytestmark = pytest.mark.server


@pytest.mark.slow
def test_twenty_clients_fifty_mixed_requests_each(private_cache):
    mix = probes(DATA)
    assert len({probe.kind for probe in mix}) >= 8
    with running_server(workers=4, max_connections=64, timeout=10.0) as (server, base):
        report = run_load(base, mix, clients=20, requests=50)
        assert server.workers.alive() == 4
    assert report.wrong == [] and report.lost == []
    assert report.requests == report.correct == 1000
    assert set(report.latencies) == {probe.kind for probe in mix}
