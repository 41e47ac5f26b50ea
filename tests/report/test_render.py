"""The report's HTML: every section, no network, every user string escaped; `autotune report`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autotune.report import write_report

RECORDED = Path(__file__).parents[1] / "data" / "runs" / "penguins_wide"
EVIL = "<script>alert(1)</script>"
SECTIONS = ("summary", "leaderboard", "search", "curves", "health", "across")


@pytest.fixture
def recorded(tmp_path) -> Path:
    folder = tmp_path / "run"
    shutil.copytree(RECORDED, folder)
    return folder


def test_report_has_every_section_and_needs_no_network(recorded):
    html = write_report(recorded).read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert html.count("<script>") == 2  # plotly.js and the page's own script, both inline
    assert "Plotly" in html
    figures = json.loads(
        html.split('<script type="application/json" id="figures">')[1].split("</script>")[0]
    )
    assert {"history", "importance", "parallel", "curves", "template", "trials"} <= set(figures)
    assert set(figures["trials"]) == {f"{i:02d}" for i in range(12)}
    assert 'class="failed" data-trial="03"' in html
    assert "the loss became NaN or infinite (diverged)" in html


def test_every_user_string_is_escaped(recorded):
    info = json.loads((recorded / "run.json").read_text())
    data = info["dataset"]
    data["source"] = f"/data/{EVIL}.csv"
    data["name"] = EVIL
    data["target"] = EVIL
    data["features"]["numeric"][0] = EVIL
    data["features"]["dropped"] = [EVIL]
    data["classes"][0]["label"] = EVIL
    info["warnings"] = [f"column '{EVIL}' is constant"]
    info["command"] = f"autotune tune '{EVIL}.csv'"
    (recorded / "run.json").write_text(json.dumps(info))
    html = write_report(recorded).read_text(encoding="utf-8")
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("</script>") == 3  # plotly.js, the figures' JSON, the page's script


def test_report_command_reads_only_the_run_folder(recorded):
    # In-process, so that the modules it imported can be listed.
    code = (
        "import sys; from autotune.cli import main\n"
        f"sys.argv = ['autotune', 'report', {str(recorded)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'keras_tuner') if m in sys.modules)\n"
        "print('imported:', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"report: {(recorded / 'report.html').resolve().as_uri()}" in done.stdout
    assert "imported: []" in done.stdout
    assert (recorded / "report.html").stat().st_size > 1_000_000  # plotly.js is inside


def test_report_command_on_a_folder_that_is_not_a_run(cli, tmp_path):
    done = cli("report", tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"autotune: error: {tmp_path / 'run.json'}: missing; is {tmp_path} a complete autotune "
        "run folder?"
    ]
    assert not (tmp_path / "report.html").exists()


def test_nothing_outside_the_report_imports_it():
    """Data flows one way: the search writes the run folder, the report reads it."""
    import ast

    package = Path(__file__).parents[2] / "autotune"
    for path in package.rglob("*.py"):
        if path.parent.name in ("report", "cli") or path.name == "api.py":
            continue  # the report itself, and the two front ends that call it
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(n.startswith("autotune.report") for n in names), path


def test_a_table_run_shows_its_reference_and_what_the_shipped_model_saw(penguins_run, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(penguins_run, folder)
    info = json.loads((folder / "run.json").read_text())
    html = write_report(folder).read_text(encoding="utf-8")
    assert 'id="reference-row"' in html and "reference, not shipped" in html
    assert "HistGradientBoosting (reference)" in html
    assert f"retrained on all {info['refit']['rows']} labelled rows" in html
    if info["ensemble"]["status"] == "done":
        assert 'id="ensemble-row"' in html and 'id="ensemble"' in html
        assert "best trial alone" in html and "ensemble weight" in html
    assert 'id="reference"' in html and "gradient boosting (scikit-learn" in html


@pytest.mark.parametrize("balanced", [True, False])
def test_the_summary_names_the_metric_its_rows_and_the_class_weights(recorded, balanced):
    info = json.loads((recorded / "run.json").read_text())
    weighting = {"mode": "auto", "balanced": balanced, "why": "auto: the smallest class is ..."}
    if balanced:
        weighting["weights"] = {"Adelie": 0.7, "Chinstrap": 1.6, "Gentoo": 0.9}
    info.update(selection_metric="macro_f1", class_weight=weighting)
    (recorded / "run.json").write_text(json.dumps(info))
    html = write_report(recorded).read_text(encoding="utf-8")
    rows = info["dataset"]["split_rows"]["val"]
    assert f"trials ranked by macro_f1 on the {rows} validation rows" in html
    expected = (
        "balanced (auto: the smallest class is ...): Adelie 0.7, Chinstrap 1.6"
        if balanced
        else "equal ("
    )
    assert f"class weights</th><td>{expected}" in html
