"""``--early-abort`` ends a hopeless trial at once and records why; off, the trial runs on."""

from __future__ import annotations

import json

import pytest
import yaml

from autotune.options import TuneOptions
from autotune.runner import run_search
from autotune.spaces import load_config


@pytest.mark.parametrize("early_abort", [True, False])
def test_a_trial_that_cannot_learn_is_stopped_by_the_diagnosis(tmp_path, data_dir, early_abort):
    config = tmp_path / "frozen.yaml"  # SGD at 1e-7: the weights cannot move
    config.write_text(yaml.safe_dump({"optimizer": "sgd", "learning_rate": 1e-7}))
    options = TuneOptions(
        data=data_dir / "iris.csv",
        space=load_config(config),
        max_trials=1,
        max_epochs=10,
        patience=None,
        early_abort=early_abort,
        refit="none",
        out=tmp_path / "run",
    )
    run_search(options.resolve())
    trial = json.loads(next((tmp_path / "run" / "trials").glob("*.json")).read_text())
    if early_abort:
        assert trial["stopped_by"] == "diagnosis"
        assert trial["aborted"]["finding"] == "stalled_weights"
        assert trial["epochs_run"] == trial["aborted"]["epoch"] == 3  # 30% of 10 epochs
        assert trial["status"] == "completed" and trial["score"] is not None
    else:
        assert trial["stopped_by"] == "max_epochs" and trial["epochs_run"] == 10
        assert "aborted" not in trial
