"""Shared fixtures: the real claims graph, loaded once, and the paper's text where it is present."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scograph.graph import ClaimsGraph

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "claims.ttl"
CURATION = ROOT / "data" / "curation"
PAPER_NAME = "000_10e463779fe21d39.txt"
CLI = [sys.executable, "-c", "from scograph.cli import main; main()"]
"""The console script, as a command for a real process (argv, exit code, stderr as a user gets them)."""


def read_terminal(primary: int) -> bytes:
    """Everything a child process writes to the pseudo-terminal whose primary end is ``primary``, until it closes."""
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def limited_memory() -> None:
    """``preexec_fn`` for a child that might, if broken, read without end: 4 GB of address space, then MemoryError."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def _find_paper() -> Path:
    """The paper's text lives outside the project: $SCOGRAPH_PAPER, or shared/paper/ beside the checkout."""
    if os.environ.get("SCOGRAPH_PAPER"):
        return Path(os.environ["SCOGRAPH_PAPER"])
    for parent in ROOT.parents:
        candidate = parent / "shared" / "paper" / PAPER_NAME
        if candidate.is_file():
            return candidate
    return ROOT.parent / "shared" / "paper" / PAPER_NAME


PAPER_TEXT = _find_paper()


def requires(module: str, install: str):
    """An optional package a test needs: without it the test skips and says how to install it,
    but fails under CI (``CI=true``), which installs every extra (.ci/run)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{module} is not installed ({install})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; CI must run these tests")
        pytest.skip(message, allow_module_level=True)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Tests keep their prepared stores to themselves, never in the user's cache."""
    previous = os.environ.get("SCOGRAPH_CACHE")
    os.environ["SCOGRAPH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield Path(os.environ["SCOGRAPH_CACHE"])
    if previous is None:
        os.environ.pop("SCOGRAPH_CACHE", None)
    else:
        os.environ["SCOGRAPH_CACHE"] = previous


@pytest.fixture(scope="session")
def graph(private_cache) -> ClaimsGraph:
    return ClaimsGraph.load(DATA)


@pytest.fixture(scope="session")
def paper_text() -> str:
    if not PAPER_TEXT.is_file():
        pytest.skip(f"the paper's text is not beside this checkout ({PAPER_TEXT}); quotes cannot be checked here")
    return PAPER_TEXT.read_text(encoding="utf-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
