"""The habits of a good command line: version, -h, completion, examples and exit codes in the help,
unknown options that say which exist, tables that fit the terminal, progress on a terminal only."""

from __future__ import annotations

import os
import pty
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from scograph import __version__, errors
from scograph.cli import COMMANDS, app
from scograph.cli.help import EXAMPLES
from scograph.render import Column, char_width, field, to_table, width, wrap

from .conftest import ROOT, read_terminal
from .test_cli import assert_one_line_error, run

SCRIPT = Path(sys.executable).with_name("scograph")
"""The console script the package installs, for what only a real program name shows (completion)."""


def _group():
    return typer.main.get_command(app)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_version_alone(runner, flag):
    assert run(runner, flag) == (0, f"scograph {__version__}\n", "")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_h_is_help_everywhere(runner, command):
    args = [command] if command else []
    short, long = run(runner, *args, "-h"), run(runner, *args, "--help")
    assert short == long and short[0] == 0 and short[1].startswith("Usage: ")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_ends_with_examples_and_every_exit_code(runner, command):
    code, out, err = run(runner, *([command] if command else []), "--help")
    assert code == 0 and err == ""
    examples, exits = out.index("Examples:"), out.index("Exit codes:")
    assert examples < exits
    for number, meaning in errors.EXIT_CODES.items():
        assert f"  {number}  {meaning}\n" in out[exits:]
    assert f"scograph {command or ''}".strip() in out[examples:exits]


@pytest.mark.parametrize("command,line", [(c, line) for c, pairs in EXAMPLES.items() for line, _ in pairs])
def test_every_example_in_the_help_is_a_valid_command_line(command, line):
    words = shlex.split(line)
    assert words[:2] == ["scograph", command]
    click_command = _group().get_command(None, command)
    click_command.make_context(command, words[2:])  # parses every option and argument, runs nothing


def test_exit_codes_cover_every_error_and_the_readme_table():
    codes = {cls.exit_code for cls in vars(errors).values() if isinstance(cls, type) and hasattr(cls, "exit_code")}
    assert codes <= set(errors.EXIT_CODES) and set(errors.EXIT_CODES) == {0, *codes}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Errors and exit codes"):]
    assert {int(n) for n in re.findall(r"^\| (\d) \|", table, re.M)} == set(errors.EXIT_CODES)


def test_a_lookup_reads_neither_the_help_texts_nor_the_filters_nor_rich(private_cache):
    command = [sys.executable, "-X", "importtime", "-c", "from scograph.cli import main; main()", "demands", "-c", "TJ"]
    for _ in range(2):  # the first call prepares the store
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "scograph.cli.lookups" in modules
    assert "scograph.cli.help" not in modules and "scograph.filters" not in modules  # read only when asked for
    assert not {m for m in modules if m.split(".")[0] == "rich"}


# ------------------------------------------------------------------ unknown options


def test_an_unknown_option_lists_the_options_that_exist(runner):
    assert_one_line_error(run(runner, "drivers", "--levle", "regional"), 2,
                          "No such option: --levle (did you mean --level?); options: --level, --theme, --speaker,",
                          " --sort, --limit, --format/-f, --wide/-w, --data, --endpoint, --help/-h",
                          "(see: scograph drivers --help)")


def test_an_unknown_option_of_the_group_lists_its_options(runner):
    assert_one_line_error(run(runner, "--colour"), 2, "No such option: --colour; options: --version/-V,",
                          "--install-completion, --show-completion, --help/-h (see: scograph --help)")


def test_an_option_a_listing_does_not_take_is_unknown_there(runner):
    assert_one_line_error(run(runner, "actors", "--speaker", "rahmon"), 2, "No such option: --speaker; options: --kind,")


# ------------------------------------------------------------------ completion


needs_script = pytest.mark.skipif(not SCRIPT.exists(), reason="no scograph console script beside this Python")


def _complete(words: str, tmp_path) -> list[str]:
    env = {**os.environ, "_SCOGRAPH_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1), "HOME": str(tmp_path)}
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.split()


@needs_script
def test_bash_completes_commands_and_their_options(tmp_path):
    assert _complete("scograph dem", tmp_path) == ["demands"]
    assert _complete("scograph demands --co", tmp_path) == ["--country"]
    assert "--theme" in _complete("scograph responses --", tmp_path)


def test_show_completion_prints_the_script_for_a_shell(runner):
    code, out, err = run(runner, "--show-completion", "bash")
    assert code == 0 and err == ""
    assert "_SCOGRAPH_COMPLETE=complete_bash" in out and "complete -o default -F _scograph_completion scograph" in out


@needs_script
def test_install_completion_writes_the_script_where_the_shell_reads_it(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    result = subprocess.run([str(SCRIPT), "--install-completion", "bash"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_SCOGRAPH_COMPLETE" in (tmp_path / ".bash_completions" / "scograph.sh").read_text()
    assert "scograph.sh" in (tmp_path / ".bashrc").read_text()


# ------------------------------------------------------------------ tables


def test_width_counts_wide_characters_twice_and_marks_none():
    assert width("abc") == 3 and width("塔吉克斯坦") == 10 and width("ｆｕｌｌ") == 8
    assert width("e\u0301") == 1 and width("a\u200db") == 2  # a combining accent, a zero-width joiner
    for text in ("plain ASCII", "mixed 中文 text", "–—“”…", "①②"):
        assert width(text) == sum(map(char_width, text))  # the ASCII fast path counts as the slow one


COLUMNS = [field("id", max_width=12), field("label", max_width=20, flex=True)]
RECORDS = [{"id": "a", "label": "An English label that is rather long indeed"},
           {"id": "b", "label": "迫切需要落实塔方提出的在杜尚别设立上合组织禁毒中心的建议"}]


def test_without_a_terminal_a_table_cuts_at_fixed_widths():
    lines = to_table(RECORDS, COLUMNS).splitlines()
    assert lines[2] == "a   An English label th…" and lines[3] == "b   迫切需要落实塔方提…"


@pytest.mark.parametrize("terminal", [24, 30, 41, 80])
def test_on_a_terminal_labels_fill_its_width_cut_by_display_width(terminal):
    lines = to_table(RECORDS, COLUMNS, terminal=terminal).splitlines()
    assert all(width(line) <= terminal for line in lines), lines
    if terminal >= 4 + width(RECORDS[1]["label"]):
        assert lines[3].endswith("的建议")  # the whole label fits: nothing cut
    else:
        assert lines[2].endswith("…") and lines[3].endswith("…")


def test_wide_cuts_nothing():
    lines = to_table(RECORDS, COLUMNS, terminal=20, wide=True).splitlines()
    assert lines[2].endswith("rather long indeed") and lines[3].endswith("禁毒中心的建议")


def test_a_wrapped_column_goes_on_over_lines_by_display_width():
    columns = [field("field", max_width=8), Column("value", lambda r: r["value"], 1000, flex=True, wrap=True)]
    records = [{"field": "quote", "value": "p. 99: " + "塔吉克斯坦还认为迫切需要落实塔方提出的建议" * 2}]
    lines = to_table(records, columns, terminal=30).splitlines()
    assert len(lines) > 3 and all(width(line) <= 30 for line in lines)
    assert "".join(line[7:] for line in lines[2:]).replace(" ", "") == records[0]["value"].replace(" ", "")
    assert wrap("one two three", 7) == ["one two", "three"] and wrap("一二三四五", 4) == ["一二", "三四", "五"]


def _on_a_terminal(args: list[str], columns: int, stream: str = "stdout") -> str:
    """What the CLI writes to a pseudo-terminal as ``stream`` (the other stream goes to a pipe)."""
    primary, secondary = pty.openpty()
    command = [sys.executable, "-c", "from scograph.cli import main; main()", *args]
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm"}
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: secondary}
    process = subprocess.Popen(command, cwd=ROOT, env=env, **streams)
    os.close(secondary)
    written = read_terminal(primary)
    process.communicate(timeout=300)
    os.close(primary)
    assert process.returncode == 0
    return written.decode("utf-8").replace("\r\n", "\n")


@pytest.mark.slow
@pytest.mark.parametrize("columns", [120, 260])  # ids are never cut: narrower, the lines of UZ cannot fit
def test_a_listing_on_a_terminal_fits_its_width(private_cache, runner, columns):
    shown = _on_a_terminal(["demands", "--country", "UZ"], columns).splitlines()
    assert all(width(line) <= columns for line in shown), max(shown, key=width)
    piped = run(runner, "demands", "--country", "UZ")[1].splitlines()
    assert len(shown) == len(piped) and shown != piped  # the same rows, other widths
    assert (max(map(width, shown)) > max(map(width, piped))) == (columns == 260)  # wider than a pipe's when there is room


@pytest.mark.slow
def test_show_on_a_terminal_wraps_chinese_quotes_within_its_width(private_cache):
    shown = _on_a_terminal(["show", "exp-tj-anti-drug-centre"], 70).splitlines()
    assert all(width(line) <= 70 for line in shown) and len(shown) > 25
    assert "以协调这方面的行动。" in "".join(line.strip() for line in shown)


def test_wide_prints_whole_labels_to_a_pipe(runner):
    cut = run(runner, "demands", "--country", "TJ", "--domain", "security")[1]
    whole = run(runner, "demands", "--country", "TJ", "--domain", "security", "--wide")[1]
    assert "It is urgently necessary to implement Tajikistan's proposal…" in cut
    assert "set up an SCO anti-drug centre in Dushanbe" in whole and "…" not in whole


# ------------------------------------------------------------------ progress


@pytest.mark.slow
def test_indexing_a_large_file_shows_percentages_on_a_terminal_and_nothing_on_a_pipe(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus.ttl"
    subprocess.run([sys.executable, "-c", "from scograph.cli import main; main()", "synth", "--papers", "12",
                    "-o", str(corpus)], cwd=ROOT, check=True, capture_output=True)
    from scograph.store import prepared

    assert corpus.stat().st_size > prepared.LARGE_FILE_BYTES
    monkeypatch.setenv("SCOGRAPH_CACHE", str(tmp_path / "terminal-cache"))
    drawn = _on_a_terminal(["demands", "--data", str(corpus)], 100, stream="stderr")
    assert "indexing corpus.ttl" in drawn and "checking and compacting the index of corpus.ttl" in drawn
    assert "100%" in drawn and re.search(r"\b\d+/\d+\b", drawn)
    monkeypatch.setenv("SCOGRAPH_CACHE", str(tmp_path / "pipe-cache"))
    piped = subprocess.run([sys.executable, "-c", "from scograph.cli import main; main()", "demands", "--data",
                            str(corpus)], cwd=ROOT, capture_output=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == b"" and piped.stdout.startswith(b"id ")


def test_a_parse_read_from_a_counted_file_reports_bytes_and_the_same_errors(tmp_path):
    import pyoxigraph as ox

    from scograph.errors import DataFileError
    from scograph.store.oxigraph import bulk_load_turtle

    claims = ROOT / "data" / "claims.ttl"
    heard: list[int] = []
    store = ox.Store()
    bulk_load_turtle(store, claims, claims, progress=heard.append)
    assert heard == sorted(heard) and heard[-1] == claims.stat().st_size and len(heard) > 1
    assert len(store) == len(_loaded(claims))  # the same triples as read from the path
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(b"@prefix s: <https://example.org/> .\ns:a s:b s:c .\ns:a s:b .\n")
    with pytest.raises(DataFileError, match="line 3: malformed Turtle"):
        bulk_load_turtle(ox.Store(), bad, bad, progress=heard.append)


def _loaded(path: Path):
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store
