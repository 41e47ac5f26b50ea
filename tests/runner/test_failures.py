"""Failed trials never end the search and never become the best model.

Divergence is real (SGD at a learning rate of 10); an exception while building and an
out-of-memory error while fitting are raised at the real points where TensorFlow raises them.
"""

from __future__ import annotations

import csv
import json

import pytest

from autotune.options import TuneOptions
from autotune.runner import run_search

DIVERGING = """\
name: diverging
description: half the trials diverge
hyperparameters:
  n_layers: {type: fixed, value: 2}
  units: {type: fixed, value: 32}
  optimizer: {type: fixed, value: sgd}
  momentum: {type: fixed, value: 0.9}
  learning_rate: {type: choice, values: [0.001, 10.0], default: 0.001}
  batch_size: {type: fixed, value: 32}
"""


def _space(tmp_path, text=DIVERGING):
    path = tmp_path / "space.yaml"
    path.write_text(text)
    return path


def test_diverging_trials_are_recorded_and_ranked_last(tmp_path, data_dir):
    out = tmp_path / "run"
    info = run_search(
        TuneOptions(
            data=data_dir / "diabetes.csv",
            space=str(_space(tmp_path)),
            max_trials=2,
            max_epochs=4,
            seed=3,
            out=out,
        ).resolve()
    )
    rows = list(csv.DictReader((out / "trials.csv").open()))
    by_lr = {float(r["learning_rate"]): r for r in rows}
    assert set(by_lr) == {0.001, 10.0}  # the seed draws both
    failed = by_lr[10.0]
    assert failed["status"] == "failed" and failed["rank"] == ""
    assert failed["error"] == "the loss became NaN or infinite (diverged)"
    assert failed["stopped_by"] == "nan_loss" and "nan_loss" in failed["health"]
    assert rows[-1] is failed and rows[0]["status"] == "completed"
    assert info["best_trial"]["trial_id"] == by_lr[0.001]["trial_id"]
    assert info["trials"] == {"run": 2, "completed": 1, "failed": 1}


def test_every_trial_failing_ends_with_exit_1_and_a_report_that_says_why(tmp_path, data_dir, cli):
    diverging = DIVERGING.replace("[0.001, 10.0], default: 0.001", "[8.0, 10.0], default: 8.0")
    space = _space(tmp_path, diverging)
    out = tmp_path / "run"
    done = cli(
        "tune", data_dir / "diabetes.csv", "--space", space, "--max-trials", "2",
        "--max-epochs", "3", "--out", out,
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-2] == f"autotune: report: {(out / 'report.html').resolve().as_uri()}"
    assert lines[-1].startswith("autotune: error: all 2 trial(s) failed (the loss became NaN")
    assert json.loads((out / "run.json").read_text())["status"] == "failed"
    assert not (out / "best_model.keras").exists()
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Run failed: no trial completed" in report
    assert "the loss became NaN or infinite (diverged)</span> (2 trials)" in report
    assert "What to try first:" in report and "Clip gradients by norm" in report


@pytest.fixture
def faults(monkeypatch):
    """Trial 1 fails while building its model, trial 2 runs out of memory while fitting."""
    import tensorflow as tf

    from autotune.models.mlp import MLPHyperModel

    calls = {"build": 0, "fit": 0}
    build, fit = MLPHyperModel.build, MLPHyperModel.fit

    def failing_build(self, hp):
        calls["build"] += 1
        if calls["build"] == 3:  # KerasTuner builds once first, to register the space
            raise ValueError("cannot build this network")
        return build(self, hp)

    def failing_fit(self, hp, model, *args, **kwargs):
        calls["fit"] += 1
        if calls["fit"] == 2:  # the third trial: the second one never reached fit
            raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor")
        return fit(self, hp, model, *args, **kwargs)

    monkeypatch.setattr(MLPHyperModel, "build", failing_build)
    monkeypatch.setattr(MLPHyperModel, "fit", failing_fit)
    return calls


def test_exceptions_and_out_of_memory_fail_one_trial_not_the_search(tmp_path, data_dir, faults):
    out = tmp_path / "run"
    info = run_search(
        TuneOptions(
            data=data_dir / "iris.csv", space="fast", max_trials=4, max_epochs=2, out=out
        ).resolve()
    )
    trials = {t["trial_id"]: t for t in map(json.loads, map(
        lambda p: p.read_text(), sorted((out / "trials").glob("*.json"))))}  # fmt: skip
    assert sorted(trials) == ["0", "1", "2", "3"]
    assert trials["1"]["status"] == "failed"
    assert trials["1"]["error"] == "ValueError: cannot build this network"
    assert trials["2"]["status"] == "failed"
    assert trials["2"]["error"].startswith("out of memory (")
    assert "a smaller batch_size or fewer units may fit" in trials["2"]["error"]
    assert {trials["0"]["status"], trials["3"]["status"]} == {"completed"}
    assert info["best_trial"]["trial_id"] in {"0", "3"}
    assert info["trials"] == {"run": 4, "completed": 2, "failed": 2}
