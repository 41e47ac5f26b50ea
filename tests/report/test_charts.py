"""The figures drawn from the info records of a recorded 12-trial run (no training)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from autotune.report import charts
from autotune.report.render import build_figures, build_sections
from autotune.report.run_data import load_run

RECORDED = Path(__file__).parents[1] / "data" / "runs" / "penguins_wide"


@pytest.fixture(scope="module")
def sections(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "run"
    shutil.copytree(RECORDED, folder)
    return build_sections(load_run(folder))


def test_every_measured_trial_gets_its_health_figures(sections):
    figures = build_figures(sections)
    measured = [t["trial_id"] for t in sections["health"]["trials"] if t["measured"]]
    assert sorted(figures["trials"]) == sorted(measured)
    assert {"heatmap", "update", "units"} <= set(figures["trials"][measured[0]])


def test_the_gradient_heatmap_is_layers_by_epochs_on_a_log_scale(sections):
    trial = next(t for t in sections["health"]["trials"] if t["measured"])
    heatmap = charts.gradient_heatmap(trial)["data"][0]
    assert heatmap["y"] == trial["layers"] and heatmap["x"] == trial["epochs"]
    assert len(heatmap["z"]) == len(trial["layers"])
    first = trial["grad_norm"][0][0]
    assert heatmap["z"][0][0] == pytest.approx(math.log10(first))


def test_the_curves_chart_draws_the_best_three_in_colour_and_the_others_grey(sections):
    figure = charts.curves_chart(sections["curves"]).to_plotly_json()
    groups = {trace["legendgroup"] for trace in figure["data"] if "legendgroup" in trace}
    assert {"#1 trial 00", "#2 trial 05", "#3 trial 06", "other trials"} <= groups
    trials = {len(sections["curves"]["trials"])}
    loss_traces = [t for t in figure["data"] if t.get("xaxis") in (None, "x")]
    assert len(loss_traces) >= trials.pop()  # every trial's training loss is drawn
