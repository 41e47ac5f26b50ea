"""The report's repair section, on a real ``diagnose --repair`` run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autotune.options import TuneOptions
from autotune.report import write_report
from autotune.report.render import build_figures, build_sections
from autotune.report.repair import repair_info
from autotune.report.run_data import load_run
from autotune.runner import run_search
from autotune.spaces import load_config

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def repaired(tmp_path_factory):
    root = tmp_path_factory.mktemp("repair")
    config = root / "c.yaml"
    config.write_text("n_layers: 6\nunits: 16\nactivation: sigmoid\noptimizer: sgd\n")
    out = root / "run"
    options = TuneOptions(
        data=DATA / "iris.csv",
        space=load_config(config),
        max_trials=2,
        max_epochs=3,
        patience=None,
        ensemble="none",
        out=out,
        reseed_trials=True,
        repair_rounds=1,
    )
    run_search(options.resolve())
    return out


def test_the_chain_reads_round_by_round(repaired):
    info = repair_info(load_run(repaired))
    first, second = info["rounds"]
    assert first["number"] == 0 and first["finding"] is None and "sigmoid" in first["model"]
    record = json.loads((repaired / "trials" / f"{second['trial_id']}.json").read_text())
    assert second["finding"] == record["remedy"]["finding"]
    assert second["change"].startswith(next(iter(record["remedy"]["change"])))
    assert sum(r["best"] for r in info["rounds"]) == 1


def test_every_round_gets_curves_and_a_heatmap_on_one_colour_scale(repaired):
    sections = build_sections(load_run(repaired))
    figures = build_figures(sections)
    ids = [r["trial_id"] for r in sections["repair"]["rounds"]]
    heatmaps = [figures[f"repair-heatmap-{i}"]["data"][0] for i in ids]
    assert len({(h["zmin"], h["zmax"]) for h in heatmaps}) == 1
    assert len(figures["repair"].data) == 2 * len(ids)  # training and validation per round
    html = write_report(repaired).read_text(encoding="utf-8")
    assert '<section id="repair">' in html and 'href="#repair"' in html


def test_a_run_without_repair_has_no_repair_section(tmp_path):
    shutil.copytree(DATA / "runs" / "penguins_wide", tmp_path / "run")
    assert repair_info(load_run(tmp_path / "run"))["rounds"] == []
    html = write_report(tmp_path / "run").read_text(encoding="utf-8")
    assert '<section id="repair">' not in html
