"""A headless Chromium (Debian's `chromium`) loads pages from the running server, and nothing from elsewhere.

Run ``python -m tests.test_server_browser --update`` to refresh the screenshot shown in
the README (docs/screenshot-expectation.png).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_server import ANTI_DRUG_QUOTE, running_server

pytestmark = [pytest.mark.server, pytest.mark.browser]

SCREENSHOT = ROOT / "docs" / "screenshot-expectation.png"
EXPECTATION = "id/exp-tj-anti-drug-centre"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
    # Nothing but the server on loopback can be reached: a page that needed a CDN would show it.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# JavaScript stays on (--dump-dom needs it); the pages carry none, and their Content-Security-Policy forbids it.


INSTALL = "apt-get install chromium fonts-noto-cjk"


def chromium() -> str:
    """The browser on PATH; without one the browser tests skip (and say how to install it), but fail under CI."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = f"no Chromium on PATH, so the pages are not checked in a browser; install it with `{INSTALL}`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI must run the browser tests; .ci/run installs it)")
        pytest.skip(message)
    return found


def run_chromium(url: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="scograph-chromium-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args, url],
                              capture_output=True, text=True, timeout=120)


class _Rendered(HTMLParser):
    """The text a reader sees, and the links with their text."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text) of every link, in order
        self._link: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title"):
            self._skip += 1
        if tag == "a":
            self._link = dict(attrs).get("href")
            self.links.append((self._link, ""))

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._link is not None:
            self.links[-1] = (self._link, self.links[-1][1] + data)

    def texts_of(self, href: str) -> list[str]:
        return [text for target, text in self.links if target == href]


def rendered(dom: str) -> _Rendered:
    parser = _Rendered()
    parser.feed(dom)
    return parser


def screenshot(base: str, target: Path) -> subprocess.CompletedProcess:
    return run_chromium(base + EXPECTATION, f"--screenshot={target}", "--window-size=1200,1600")


@pytest.fixture(scope="module")
def base(private_cache):
    chromium()
    with running_server(workers=2) as (_, url):
        yield url


@pytest.mark.slow
def test_home_page_in_chromium(base):
    result = run_chromium(base, "--dump-dom")
    assert result.returncode == 0, result.stderr[-500:]
    page = rendered(result.stdout)
    text = " ".join(page.text)
    for shown in ("Countries and their expectations", "Tajikistan", "塔吉克斯坦", "Drivers of the expectations",
                  "Responses the paper recommends", "Query with SPARQL", "A country's demands by domain"):
        assert shown in text
    assert "Tajikistan" in page.texts_of("/id/tj")
    assert "VALUES (?country ?lang)" in text  # the form holds a named query, ready to run
    assert "The situation in Afghanistan" in page.texts_of("/id/drv-afghanistan")


@pytest.mark.slow
def test_expectation_page_in_chromium(base, tmp_path):
    result = run_chromium(base + EXPECTATION, "--dump-dom")
    assert result.returncode == 0, result.stderr[-500:]
    page = rendered(result.stdout)
    text = " ".join(page.text)
    assert "It is urgently necessary to implement Tajikistan's proposal to set up an SCO anti-drug centre in Dushanbe" \
        in text
    assert ANTI_DRUG_QUOTE in text and "p. 99, note 3" in text
    assert ("Distil the member states' common interests in security and define the focus of SCO security cooperation"
            in page.texts_of("/id/rsp-common-security-interests"))  # the response that answers it
    assert any(text.startswith("The Policy and Vision of the Republic of Tajikistan")  # the footnote's source
               for text in page.texts_of("/id/src-inforos-2019-tajikistan-sco-vision"))
    assert "<svg" in result.stdout
    shot = screenshot(base, tmp_path / "expectation.png")
    assert shot.returncode == 0, shot.stderr[-500:]
    image = (tmp_path / "expectation.png").read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n" and len(image) > 20_000


def _pytest_without_a_browser(ci: bool) -> subprocess.CompletedProcess:
    """This file's browser tests, run by pytest in a process whose PATH holds no browser."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = os.path.dirname(sys.executable)
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", __file__,
                           "-k", "in_chromium"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


@pytest.mark.slow
def test_without_a_browser_the_browser_tests_skip_and_say_how_to_install_one():
    result = _pytest_without_a_browser(ci=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "2 skipped" in result.stdout and INSTALL in result.stdout


@pytest.mark.slow
def test_without_a_browser_under_ci_the_browser_tests_fail():
    result = _pytest_without_a_browser(ci=True)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "2 errors" in result.stdout or "2 error" in result.stdout, result.stdout[-2000:]
    assert INSTALL in result.stdout and "CI must run the browser tests" in result.stdout


def update() -> None:
    from scograph.server import BackgroundServer, ServerSettings

    with BackgroundServer(ServerSettings(port=0, workers=1, quiet=True)) as url:
        result = screenshot(url, SCREENSHOT)
    if result.returncode != 0:
        sys.exit(result.stderr)
    print(f"wrote {SCREENSHOT}")


if __name__ == "__main__" and "--update" in sys.argv:
    update()
