"""`scograph plot` on the command line: what it writes, what it says without the plot extra or a CJK
font, and that the lookups never import matplotlib."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scograph.cli import app

from .conftest import CLI, DATA, ROOT, requires
from .test_plots import png_size, svg_text

WITHOUT_MATPLOTLIB = [sys.executable, "-c",
                      "import sys; sys.modules['matplotlib'] = None; from scograph.cli import main; main()"]
"""The console script in a Python where ``import matplotlib`` fails, as it does without the extra."""


@pytest.mark.slow
def test_plot_writes_the_picture_and_says_so(runner, tmp_path):
    requires("matplotlib", "pip install 'scograph[plot]'")
    output = tmp_path / "tj.png"
    result = runner.invoke(app, ["plot", "sankey", "--country", "TJ", "-o", str(output)])
    assert result.exit_code == 0, result.stderr
    width, height = png_size(output.read_bytes())
    assert width == 1400 and result.stdout == ""
    assert result.stderr == f"wrote {output} (sankey, png: {width}×{height} px)\n"


@pytest.mark.slow
def test_plot_in_chinese_as_svg(runner, tmp_path):
    requires("matplotlib", "pip install 'scograph[plot]'")
    output = tmp_path / "congruence.svg"
    result = runner.invoke(app, ["plot", "network", "--lang", "zh", "--normalize", "jaccard", "-o", str(output)])
    assert result.exit_code == 0, result.stderr
    text = svg_text(output.read_bytes())
    assert "哈萨克斯坦" in text and "(jaccard)" in text
    assert "0.934579" in text  # kg–tj, as scograph.discourse computes it


@pytest.mark.slow
@pytest.mark.parametrize("args,message", [
    (["plot", "sankey", "-o", "x.png"], "the sankey picture needs --country or --theme"),
    (["plot", "timeline", "--theme", "theme-youth", "-o", "x.png"], "--theme does not apply to the timeline picture"),
    (["plot", "heatmap", "--country", "FR", "-o", "x.png"], "unknown country 'FR'"),
    (["plot", "network", "-o", "x.gif"], "cannot tell the format from 'x.gif'"),
    (["plot", "network", "--network", "theme-cooccurrence", "--normalize", "cosine", "-o", "x.png"],
     "--normalize applies to the actor-congruence network only"),
    (["plot", "network", "--normalize", "activity", "-o", "x.png"], "'activity' is not one of"),
    (["plot", "pie", "-o", "x.png"], "'pie' is not one of"),
])
def test_bad_plot_arguments_are_one_line_and_exit_2(runner, tmp_path, args, message):
    requires("matplotlib", "pip install 'scograph[plot]'")
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_without_the_plot_extra_plot_names_the_install_and_exits_5(tmp_path, private_cache):
    output = tmp_path / "heat.png"
    result = subprocess.run(WITHOUT_MATPLOTLIB + ["plot", "heatmap", "-o", str(output), "--data", str(DATA)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 5
    assert result.stderr == ("Error: scograph plot needs matplotlib, which is not installed; "
                             "install it with: pip install 'scograph[plot]'\n")
    assert not output.exists()
    helped = subprocess.run(WITHOUT_MATPLOTLIB + ["plot", "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "pip install 'scograph[plot]'" in " ".join(helped.stdout.split())


@pytest.mark.slow
def test_without_a_cjk_font_chinese_labels_name_the_font_package(tmp_path, private_cache):
    requires("matplotlib", "pip install 'scograph[plot]'")
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    output = tmp_path / "zh.png"
    result = subprocess.run(CLI + ["plot", "network", "--lang", "zh", "-o", str(output), "--data", str(DATA)],
                            capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "SCOGRAPH_FONT_PATH": str(empty)})
    assert result.returncode == 5
    assert result.stderr == ("Error: labels in Chinese need a CJK font, and none is installed; install Noto Sans CJK "
                             "(Debian/Ubuntu: apt-get install fonts-noto-cjk), or use --lang en\n")
    assert not output.exists()


@pytest.mark.slow
def test_lookups_import_no_matplotlib(private_cache):
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "from scograph.cli import main; main()",
                             "demands", "--country", "TJ", "--format", "json"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0 and json.loads(result.stdout)
    modules = [line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert "scograph.graph" in modules
    drawing = ("matplotlib", "numpy", "PIL", "scograph.plots", "scograph.cli.plot")
    assert [m for m in modules if m.split(".")[0] in drawing or m.startswith(drawing[3:])] == []


@pytest.mark.slow
def test_the_plots_package_imports_no_matplotlib_until_it_draws():
    code = ("import sys; import scograph.plots, scograph.plots.data, scograph.cli.plot; "
            "print(sorted(m for m in ('matplotlib', 'numpy', 'PIL') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


PICTURES = ["sankey", "heatmap", "network", "timeline"]


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(picture=st.sampled_from(PICTURES), option=st.sampled_from(["--country", "--theme", "--domain", "--period"]),
       value=st.text(max_size=30))
def test_hostile_values_are_one_line_errors(runner, tmp_path, picture, option, value):
    requires("matplotlib", "pip install 'scograph[plot]'")
    result = runner.invoke(app, ["plot", picture, option, value, "-o", str(tmp_path / "x.svg")])
    if result.exit_code == 0:  # a value that names something real
        assert result.stderr.startswith("wrote ")
        return
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
