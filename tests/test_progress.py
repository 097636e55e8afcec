"""Progress goes to stderr on a terminal only; piped output stays clean."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from .conftest import ROOT, read_terminal


def _run(args, tty: bool, cwd) -> bytes:
    """Run the CLI with stderr on a pseudo-terminal (tty) or a pipe; return what stderr got."""
    command = [sys.executable, "-c", "from scograph.cli import main; main()", *args]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    if not tty:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True).stderr
    primary, secondary = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    written = read_terminal(primary)
    assert process.wait(timeout=120) == 0
    os.close(primary)
    return written


@pytest.mark.slow
def test_synth_shows_a_bar_on_a_terminal_and_nothing_extra_on_a_pipe(tmp_path):
    target = tmp_path / "corpus.ttl"
    on_terminal = _run(["synth", "--papers", "30", "-o", str(target)], tty=True, cwd=ROOT)
    piped = _run(["synth", "--papers", "30", "-o", str(target)], tty=False, cwd=ROOT)
    assert b"\x1b[" in on_terminal  # the bar is drawn with terminal control sequences
    assert b"\x1b[" not in piped and piped.decode().count("\n") == 1 and piped.startswith(b"wrote 30 papers")
