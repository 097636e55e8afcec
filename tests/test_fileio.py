"""Files are read and replaced whole: through links, never onto devices, FIFOs or directories, never half-written."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time

import pytest

from scograph.cli import app
from scograph.errors import DataFileError
from scograph.fileio import atomic_writer, read_bytes, write_atomic

from .conftest import CLI, DATA, limited_memory


def export(runner, *args):
    result = runner.invoke(app, ["export", *args])
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(result, code, *fragments):
    exit_code, out, err = result
    assert (exit_code, out) == (code, ""), err
    assert err.startswith("Error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def temporaries(*directories):
    return [p for d in directories for p in d.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_writing_through_a_link_replaces_its_target_and_keeps_the_link(runner, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "claims.ttl"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    code, out, err = export(runner, "--format", "ttl", "-o", str(link))
    assert (code, out) == (0, "") and err.startswith(f"wrote {link} ")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == DATA.read_bytes()  # the packaged Turtle is the export, byte for byte
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert temporaries(tmp_path, elsewhere) == []


def test_a_chain_of_links_and_a_dangling_link_are_written_through(tmp_path):
    final = tmp_path / "final.txt"
    final.write_text("old")
    (tmp_path / "middle").symlink_to(final)
    (tmp_path / "first").symlink_to(tmp_path / "middle")
    write_atomic(tmp_path / "first", "new")
    assert final.read_text() == "new" and (tmp_path / "first").is_symlink() and (tmp_path / "middle").is_symlink()
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "not-yet.txt")
    write_atomic(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "not-yet.txt").read_text() == "made"


def _device(tmp_path):
    """A character device like /dev/full: made in tmp_path where the system lets us (so that code
    replacing it harms nothing), else /dev/full itself (which a user who cannot mknod cannot replace)."""
    path = tmp_path / "full"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except (PermissionError, AttributeError):
        return __import__("pathlib").Path("/dev/full")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "link to a fifo"])
def test_anything_but_a_regular_file_is_refused_and_left_as_it_was(runner, tmp_path, kind):
    if kind in ("fifo", "link to a fifo"):
        path = tmp_path / "pipe"
        os.mkfifo(path)
        test = stat.S_ISFIFO
        if kind == "link to a fifo":
            (tmp_path / "link").symlink_to(path)
    elif kind == "directory":
        path = tmp_path / "out.ttl"
        path.mkdir()
        test = stat.S_ISDIR
    else:
        path = _device(tmp_path)
        test = stat.S_ISCHR
    given = tmp_path / "link" if kind == "link to a fifo" else path
    described = {"fifo": "a FIFO", "link to a fifo": "a FIFO", "directory": "a directory", "device": "a character device"}
    assert_one_line_error(export(runner, "--format", "nt", "-o", str(given)), 3, f"cannot write {given}",
                          described[kind], "not a regular file")
    assert test(os.stat(path).st_mode)
    assert temporaries(tmp_path) == [] and temporaries(path.parent) == []


@pytest.mark.slow
def test_the_build_command_refuses_a_directory_a_non_utf8_file_and_an_unwritable_place(runner, tmp_path):
    from .conftest import CURATION

    def build(output):
        result = runner.invoke(app, ["build", "--curation", str(CURATION), "-o", str(output)])
        return result.exit_code, result.stdout, result.stderr

    directory = tmp_path / "claims.ttl"
    directory.mkdir()
    assert_one_line_error(build(directory), 3, f"{directory} is a directory", "build does not replace it")
    binary = tmp_path / "picture.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert_one_line_error(build(binary), 3, f"{binary}: not UTF-8 text", "build does not replace it")
    assert binary.read_bytes() == b"\x89PNG\r\n\x1a\n\xff\xfe"
    a_file = tmp_path / "plain"
    a_file.write_text("x")
    assert_one_line_error(build(a_file / "claims.ttl"), 3, f"cannot write {a_file / 'claims.ttl'}: Not a directory")
    assert_one_line_error(build(tmp_path / "missing" / "claims.ttl"), 3, "No such file or directory")
    assert_one_line_error(build("/proc/claims.ttl"), 3, "cannot write /proc/claims.ttl")
    written = tmp_path / "new.ttl"
    assert build(written)[0] == 0 and written.read_bytes() == DATA.read_bytes()


def test_an_existing_files_permissions_are_kept(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    os.chmod(path, 0o604)
    with atomic_writer(path, text=True) as handle:
        handle.write("new")
    assert path.read_text() == "new" and stat.S_IMODE(os.stat(path).st_mode) == 0o604


@pytest.mark.parametrize("given,message", [
    ("/dev/zero", "/dev/zero is a character device, expected a Turtle file (a regular file)"),
    ("FIFO", "is a FIFO (named pipe), expected a Turtle file"),
    ("DIRECTORY", "is a directory, expected a Turtle file"),
])
def test_data_that_is_not_a_regular_file_is_refused_at_once(tmp_path, given, message):
    """A real process: reading /dev/zero never ends, and opening a FIFO waits for a writer."""
    if given == "FIFO":
        given = str(tmp_path / "pipe")
        os.mkfifo(given)
    elif given == "DIRECTORY":
        given = str(tmp_path)
    done = subprocess.run([*CLI, "demands", "--data", given], capture_output=True, text=True, timeout=60,
                          preexec_fn=limited_memory)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.startswith("Error: ") and message in done.stderr and done.stderr.count("\n") == 1


def test_a_path_with_a_nul_character_is_a_file_error_naming_it(tmp_path):
    with pytest.raises(DataFileError, match="NUL character"):
        read_bytes(tmp_path / "a\0b")
    with pytest.raises(DataFileError, match="NUL character"):
        write_atomic(tmp_path / "a\0b", "x")


@pytest.mark.slow
def test_a_write_killed_midway_leaves_the_old_file(tmp_path):
    """kill -9 while a corpus streams into its temporary file: the old file is still whole."""
    target = tmp_path / "corpus.ttl"
    target.write_text("old\n")
    process = subprocess.Popen([*CLI, "synth", "--papers", "3000", "-o", str(target)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not any(p.stat().st_size > 0 for p in tmp_path.glob(".corpus.ttl.*.tmp")):
            assert process.poll() is None, "the write ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert target.read_text() == "old\n"


def test_every_file_the_project_writes_goes_through_the_atomic_writer():
    """build, export, synth, the README refresher and the docs' picture all write through fileio.atomic_writer:
    no other code opens a file for writing (the cache writes only inside its own temporary directories)."""
    import re

    from .conftest import ROOT

    writes = re.compile(r"\.write_(?:text|bytes)\(|\bopen\([^)]*[\"'][wax]b?\+?[\"']|savefig\((?!handle|buffer)|os\.replace\(")
    # the writer's rename; the cache's stamps; the search index, built in a temporary file of the cache and renamed
    allowed = {"src/scograph/fileio.py": 1, "src/scograph/store/prepared.py": 2, "src/scograph/store/search.py": 1}
    sources = [*(ROOT / "src" / "scograph").rglob("*.py"), *(ROOT / "docs").glob("*.py"), ROOT / "tests" / "test_docs.py"]
    found = {}
    for path in sources:
        count = len(writes.findall(path.read_text(encoding="utf-8")))
        if count:
            found[str(path.relative_to(ROOT))] = count
    assert found == allowed
