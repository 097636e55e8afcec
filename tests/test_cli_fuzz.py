"""Every command and option under hostile argv: never a traceback, only the documented exit codes, one line on stderr.

Values are any text (controls, lone surrogates, NUL, right-to-left marks, very long), the
special files a careless or hostile user reaches for, and near-misses of valid values.
Paths written to stay inside a scratch directory; endpoints are loopback ports nobody
listens on. ``serve`` is left out: with valid arguments it serves until stopped (its own
tests start it on port 0).
"""

from __future__ import annotations

import os
import subprocess
import traceback

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scograph.cli import app

from .conftest import CLI, DATA, limited_memory

EXIT_CODES = {0, 1, 2, 3, 4}
"""README, "Errors and exit codes"."""

SPECIAL = ["", " ", "-", "--", "--help", ".", "..", "/", "/dev/zero", "/dev/null", "/dev/full", "/proc/self/mem",
           "\x00", "a\x00b", "\ud800", "\udcff", "\u202etj", "\x1b[31mred", "x" * 5000, "%s%n", "{}", "' OR 1=1 --",
           "TJ\n", " tj ", "ＴＪ", "塔吉克斯坦", "security\t", "2019-02-30", "2019-13", "0000", "99999-01-01",
           "-1", "1e9", "NaN", "exp-tj-anti-drug-centre", "EXP-TJ-ANTI-DRUG-CENTRE", "drv-afghanistan", "tj"]
ODD = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=30), st.text(min_size=200, max_size=3000),
                st.text(alphabet=st.characters(max_codepoint=0x20), max_size=10))
FORMATS = st.one_of(st.sampled_from(["table", "json", "csv", "tsv", "ttl", "nt", "jsonld", "trig", "graphml", "gexf",
                                     "statements", "JSON", ""]), ODD)
DATES = st.one_of(st.sampled_from(["2019", "2019-04", "2019-04-26", "2019-4", "19", "2019-04-31"]), ODD)

# What the query layer owns (issue 10, item 2): an id that is not a valid IRI's last part (a '<', a control, a stray
# '%') reaches the engine's IRI parser there, and its fix and tests are there. Here ids carry every other oddity:
# case, length, Unicode, punctuation an IRI may hold. Widen to any text once both halves are merged.
_ID_CHARACTERS = "abcxyz019-._~'()!*,;=:@+&$ABCXYZ塔吉克斯坦éٹ\u200b"
IDS = st.one_of(st.sampled_from([s for s in SPECIAL if set(s) <= set(_ID_CHARACTERS)]),
                st.text(alphabet=_ID_CHARACTERS, max_size=40), st.text(alphabet=_ID_CHARACTERS, min_size=500, max_size=2000))


def _inside(scratch):
    """A path to write: the text as one file name inside ``scratch`` (or a special place that must be refused)."""
    return st.one_of(
        st.sampled_from(["/dev/null", "/dev/full", "/", "/proc/x.ttl", str(scratch)]),
        st.text(max_size=60).map(lambda text: str(scratch / ("out-" + text.replace("/", "_").replace("\x00", "0")))),
    )


READ_PATHS = st.one_of(st.sampled_from(["/dev/zero", "/dev/null", "/", "/proc/self/environ", str(DATA), "-"]), ODD)
LOOPBACK = st.one_of(st.text(max_size=20).map(lambda text: "http://127.0.0.1:1/" + text),
                     ODD.filter(lambda text: "://" not in text))


# Parameters of kinds other than ids (those are bound by the query layer, see IDS): names known and not.
PARAMS = st.tuples(st.sampled_from(["country", "domain", "lang", "min", "text", "nope", ""]), ODD).map("=".join) | ODD


def _options(pairs):
    """Some of these (option, value strategy) pairs, as argv; a flag's strategy is ``st.none()``."""
    return st.lists(st.sampled_from(range(len(pairs))), unique=True, max_size=len(pairs)).flatmap(
        lambda chosen: st.tuples(*[st.tuples(st.just(pairs[i][0]), pairs[i][1]) for i in chosen])
    ).map(lambda items: [part for option, value in items for part in ((option,) if value is None else (option, value))])


def commands(scratch):
    country, domain = ("--country", ODD), ("--domain", ODD)
    listing = [("--format", FORMATS), ("--data", READ_PATHS)]
    write = _inside(scratch)
    plain = {
        "demands": [country, domain, *listing, ("--endpoint", LOOPBACK)],
        "drivers": [("--level", ODD), *listing],
        "responses": [domain, *listing],
        "actors": [("--kind", ODD), *listing],
        "paths": [country, domain, ("--from", IDS), ("--to", IDS), *listing],
        "stats": listing,
        "export": [("--format", FORMATS), ("--network", ODD), ("--output", write), country, domain,
                   ("--since", DATES), ("--until", DATES), ("--normalize", ODD), ("--data", READ_PATHS)],
        "synth": [("--papers", st.sampled_from(["0", "1", "-3", "x", "", "1.5"])), ("--seed", ODD),
                  ("--output", write), ("--format", FORMATS), ("--data", READ_PATHS)],
        "build": [("--curation", READ_PATHS), ("--output", write)],
        "validate": [("--paper", READ_PATHS), ("--data", READ_PATHS)],
        "push": [("--endpoint", LOOPBACK), ("--graph", ODD), ("--data", READ_PATHS)],
        "sparql": [("--query", ODD), ("--format", FORMATS), ("--data", READ_PATHS), ("--param", PARAMS), ("-p", PARAMS),
                   ("--show", st.none()), ("--list", st.none())],
    }
    named = st.sampled_from(["demands-by-country", "quotes-containing", "shared-demands", "four-models"])
    with_argument = {"show": IDS, "search": ODD, "validate": READ_PATHS, "sparql": st.one_of(ODD, READ_PATHS, named)}
    choices = [st.tuples(st.just([name]), _options(pairs)) for name, pairs in plain.items()]
    choices += [st.tuples(st.tuples(st.just(name), argument).map(list), _options(plain.get(name, listing)))
                for name, argument in with_argument.items()]
    return st.one_of(choices).map(lambda parts: parts[0] + parts[1])


def assert_the_contract(result, argv):
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(f"{argv!r} raised:\n{''.join(traceback.format_exception(result.exception))}")
    assert result.exit_code in EXIT_CODES, (argv, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr, (argv, result.stderr)
    lines = result.stderr.splitlines()
    if result.exit_code == 0:
        assert len(lines) <= 1, (argv, result.stderr)  # "wrote …", "ok: …", a note, or nothing
    elif argv[0] in ("validate", "build") and result.exit_code == 1:
        assert lines and lines[-1].startswith("Error: ")  # each problem on a line, then the error
    else:
        assert len(lines) == 1 and lines[0].startswith("Error: "), (argv, result.stderr)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_command_keeps_the_error_contract_under_hostile_arguments(runner, scratch, data, monkeypatch):
    monkeypatch.chdir(scratch)  # relative paths (--curation's default among them) land here
    argv = data.draw(commands(scratch))
    assert_the_contract(runner.invoke(app, argv), argv)


_ID_ARGUMENTS = (["show"], ["paths", "--to"])


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(argv=st.sampled_from([*_ID_ARGUMENTS, ["search"], ["demands", "--country"], ["export", "-f", "ttl", "-o"],
                             ["demands", "--data"]]),
       value=st.binary(min_size=1, max_size=40).filter(lambda b: b"\x00" not in b), data=st.data())
def test_real_processes_keep_the_error_contract_with_any_bytes_in_argv(tmp_path_factory, argv, value, data):
    """The bytes a shell passes (a real argv: no NUL), as Python decodes them, in a process of its own."""
    if argv in _ID_ARGUMENTS:  # ids that are UTF-8 but no IRI's last part are the query layer's (see IDS)
        value = data.draw(st.sampled_from([value + b"\xff", b"\xfe" + value]))
    scratch = tmp_path_factory.mktemp("bytes")
    done = subprocess.run([*CLI, *argv, value], capture_output=True, timeout=120, cwd=scratch, preexec_fn=limited_memory,
                          env={**os.environ, "COLUMNS": "100"})
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode in EXIT_CODES and "Traceback" not in stderr, (argv, value, stderr)
    lines = stderr.splitlines()
    assert len(lines) <= 1 if done.returncode == 0 else (len(lines) == 1 and lines[0].startswith("Error: ")), stderr


@pytest.mark.parametrize("argv", [["export", "-f", "ttl", "-o"], ["build", "--curation", str(DATA.parent / "curation"), "-o"]])
def test_a_file_name_with_a_line_end_is_written_and_said_on_one_line(tmp_path, argv):
    """Found by the property above: a file named with a line end made the summary two lines."""
    done = subprocess.run([*CLI, *argv, "new\nline.ttl"], capture_output=True, timeout=120, cwd=tmp_path,
                          preexec_fn=limited_memory, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new\nline.ttl").stat().st_size > 0
    assert len(done.stderr.splitlines()) == 1 and "new\\nline.ttl" in done.stderr, done.stderr
