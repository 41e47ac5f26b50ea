"""The tuners: each strategy records every trial, with what its fit measured."""

from __future__ import annotations

from autotune.backend import kt

import numpy as np
import pytest

from autotune.models.mlp import MLPHyperModel
from autotune.tuning.tuner import HYPERBAND_FACTOR, make_tuner


def search(tmp_path, kind, max_trials=2):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)).astype("float32"), rng.integers(0, 2, 40)
    space = kt.HyperParameters()
    space.Fixed("n_layers", 1)
    space.Choice("units", [4, 8])
    done = []
    tuner = make_tuner(
        kind, MLPHyperModel(3, 2, "classification"), space, objective="val_cross_entropy",
        max_trials=max_trials, max_epochs=3, seed=0, directory=str(tmp_path),
        on_trial_done=done.append, on_trial_start=lambda trial: None, deadline=None,
    )  # fmt: skip
    tuner.search(x, y, validation_data=(x, y), epochs=3, verbose=0)
    return tuner, done


@pytest.mark.parametrize("kind", ["refine", "random", "bayesian", "hyperband"])
def test_every_strategy_records_each_trial_with_its_probe_series(tmp_path, kind):
    tuner, done = search(tmp_path, kind)
    assert 1 <= len(done) <= 2
    for record in done:
        assert record["status"] == "completed" and record["diagnostics"]["layers"]
        assert record["diagnostics"]["baseline_loss"] > 0 and record["fit_seconds"] > 0
    if kind == "hyperband":
        assert tuner.oracle.max_trials == 2 and tuner.oracle.factor == HYPERBAND_FACTOR


def test_an_unknown_strategy_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown tuner 'grid'"):
        make_tuner(
            "grid", MLPHyperModel(3, 2, "classification"), kt.HyperParameters(),
            objective="val_loss", max_trials=1, max_epochs=1, seed=0, directory=str(tmp_path),
            on_trial_done=None, on_trial_start=None, deadline=None,
        )  # fmt: skip
