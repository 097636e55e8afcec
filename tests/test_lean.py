"""The lookups stay lean: a `demands` call loads the engine and the CLI, nothing heavier.

rdflib, pydantic and networkx are the library's own dependencies, but a lookup reads the prepared
store and writes records; none of them is needed on that path, and each costs tens of
milliseconds of a start-up budget of about 0.1 s (README "Performance").
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

# Heavy or optional packages a lookup must never import.
NOT_ON_THE_LOOKUP_PATH = {
    "rdflib", "pydantic", "pydantic_core", "networkx", "pyshacl",
    "starlette", "uvicorn", "jinja2", "h11", "anyio", "cachetools",
    "matplotlib", "pandas", "numpy", "plotly",
}


def _imported(args: list[str]) -> tuple[set[str], str]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "from scograph.cli import main; main()",
                             *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in result.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    return imported, result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("output", ["table", "json"])
def test_demands_imports_neither_rdflib_nor_pydantic(private_cache, output):
    _imported(["demands", "--country", "TJ"])  # the first call prepares the store; the lookups after it are what users repeat
    imported, stdout = _imported(["demands", "--country", "TJ", "--format", output])
    assert "scograph" in imported and "pyoxigraph" in imported
    if output == "json":
        assert json.loads(stdout)
    assert not imported & NOT_ON_THE_LOOKUP_PATH, sorted(imported & NOT_ON_THE_LOOKUP_PATH)


@pytest.mark.slow
@pytest.mark.parametrize("output", ["table", "json"])
def test_paths_walks_the_chains_without_networkx(private_cache, output):
    _imported(["paths", "--country", "TJ"])
    imported, stdout = _imported(["paths", "--country", "TJ", "--format", output])
    if output == "json":
        assert json.loads(stdout)[0]["driver"]["type"] == "driver"
    assert not imported & NOT_ON_THE_LOOKUP_PATH, sorted(imported & NOT_ON_THE_LOOKUP_PATH)
