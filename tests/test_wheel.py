"""The wheel carries what an installed scograph needs beside its code: the claims file and the named queries."""

import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_the_installed_package_finds_its_named_queries_and_data(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("scograph-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # The unpacked wheel first on the path, far from a checkout: what `pip install .` gives.
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import scograph; from scograph import queries; "
              "from scograph.store import default_data_path; assert scograph.__file__.startswith(sys.argv[1]); "
              "print(len(queries.named_queries()), queries.queries_dir().relative_to(sys.argv[1]), "
              "default_data_path().relative_to(sys.argv[1]))")
    found = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True, text=True, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    count, queries_dir, data = found.stdout.split()
    assert int(count) == len(list((ROOT / "queries").glob("*.rq"))) > 0
    assert (queries_dir, data) == ("scograph/queries/library", "scograph/data/claims.ttl")
