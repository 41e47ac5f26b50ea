"""``run.json`` as a run starts, from a real table's checked inputs (no training)."""

from __future__ import annotations

from autotune.options import TuneOptions
from autotune.problems.prepare import prepare
from autotune.runner.run_info import DIRECTION, first_info, trial_counts, versions


def test_first_info_says_what_the_run_is(data_dir, tmp_path):
    plan = TuneOptions(
        data=data_dir / "iris.csv", space="fast", out=tmp_path / "r", seed=3
    ).resolve()
    info = first_info(plan, prepare(plan))
    assert info["status"] == "running" and info["direction"] == DIRECTION == "min"
    assert info["metric"] == "val_cross_entropy" and info["seed"] == 3
    assert info["options"] == plan.record() and info["space"]["name"] == "fast"
    assert info["budgets"] == {"max_trials": 20, "max_epochs": 50, "time_budget_seconds": None,
                               "patience": 5}  # fmt: skip
    assert info["dataset"]["rows"] == 150 and info["init_from"] is None


def test_versions_name_the_libraries():
    found = versions()
    assert {"python", "autotune", "tensorflow", "keras", "keras-tuner"} <= set(found)


def test_trial_counts():
    records = {
        "0": {"status": "completed"},
        "1": {"status": "failed"},
        "2": {"status": "completed"},
    }
    assert trial_counts(records) == {"run": 3, "completed": 2, "failed": 1}
