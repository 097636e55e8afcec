"""The README is documentation that runs: every command is in it, and every shown output is real.

Run ``python -m tests.test_docs --update`` to refresh the outputs shown in the README
after the data changes.
"""

from __future__ import annotations

import re
import shlex
import sys

import pytest
from typer.testing import CliRunner

from scograph.cli import app
from scograph.fileio import write_atomic

from .conftest import ROOT

README = ROOT / "README.md"
# A console block whose first line is "$ scograph …" and whose output follows.
BLOCK = re.compile(r"```console\n\$ (scograph [^\n]*)\n(.*?)```", re.S)


def _command_names() -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)


def run_shown(command: str) -> str:
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args)
    return result.stdout + result.stderr


def shown_blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(text)]


def test_every_command_is_documented_with_help():
    text = README.read_text(encoding="utf-8")
    for name in _command_names():
        assert f"scograph {name}" in text, f"README does not show `scograph {name}`"
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0 and len(result.stdout.splitlines()[2].strip()) > 10


def test_quick_start_has_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install . && scograph demands --country TJ" in text
    assert "pip install -e '.[test]' && pytest" in text


@pytest.mark.slow
@pytest.mark.parametrize("command,shown", shown_blocks(README.read_text(encoding="utf-8")))
def test_shown_output_is_real(command, shown):
    assert run_shown(command) == shown, f"README output of `{command}` is stale: python -m tests.test_docs --update"


SESSION = re.compile(r"```pycon\n(.*?)```", re.S)


@pytest.mark.parametrize("number", range(len(SESSION.findall(README.read_text(encoding="utf-8")))))
def test_python_sessions_print_what_they_show(number, private_cache):
    """Each ``pycon`` block of the README runs as a doctest: the calls a notebook makes, with their real output."""
    import doctest

    from .conftest import requires

    text = SESSION.findall(README.read_text(encoding="utf-8"))[number]
    if "import pandas" in text:
        requires("pandas", "pip install 'scograph[pandas]'")
    test = doctest.DocTestParser().get_doctest(text, {}, f"README.md pycon block {number + 1}", "README.md", 0)
    reports: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test, out=reports.append)
    assert test.examples and runner.failures == 0, "".join(reports)


def update() -> None:
    text = README.read_text(encoding="utf-8")
    text = BLOCK.sub(lambda m: f"```console\n$ {m.group(1)}\n{run_shown(m.group(1))}```", text)
    write_atomic(README, text)


if __name__ == "__main__" and "--update" in sys.argv:
    update()
