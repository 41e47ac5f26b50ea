"""The search's KerasTuner extensions: the first trial trains the space's defaults, and the
best epoch's checkpoint is written once, at the end of training."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from autotune.callbacks.best_epoch import KeepBestEpoch, read_weights, weights_file
from autotune.options import TuneOptions
from autotune.runner import run_search
from autotune.spaces import load_space
from autotune.tuning.oracles import STARTING_FROM_DEFAULTS


# one of the heaviest: each non-default strategy runs a full search, so it joins the slow set
@pytest.mark.parametrize(
    "tuner",
    [
        "refine",
        pytest.param("random", marks=pytest.mark.slow),
        pytest.param("bayesian", marks=pytest.mark.slow),
    ],
)
def test_first_trial_trains_the_defaults_then_the_strategy_picks(tmp_path, data_dir, tuner):
    out = tmp_path / "run"
    options = TuneOptions(
        data=data_dir / "iris.csv",
        space="fast",
        tuner=tuner,
        max_trials=3,
        max_epochs=1,
        out=out,
    )
    run_search(options.resolve())
    defaults = {
        name: spec.get("default", spec.get("value"))
        for name, spec in load_space("fast").hyperparameters.items()
    }
    trials = [json.loads(p.read_text()) for p in sorted((out / "trials").glob("*.json"))]
    assert trials[0]["hyperparameters"] == defaults
    assert all(t["hyperparameters"] != defaults for t in trials[1:])


def test_best_epoch_is_kept_in_memory_and_written_once_at_the_end(tmp_path):
    import keras_tuner as kt

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    path = tmp_path / "checkpoint.weights.h5"
    keep = KeepBestEpoch(kt.Objective("val_loss", "min"), str(path))
    keep.set_model(model)
    weights = {}
    for epoch, val_loss in enumerate([1.0, 2.0, 0.5, 0.7]):
        model.set_weights([np.full((2, 1), epoch, "float32"), np.zeros(1, "float32")])
        weights[epoch] = model.get_weights()
        keep.on_epoch_end(epoch, {"val_loss": val_loss})
        assert not weights_file(path).exists()
    keep.on_train_end()
    np.testing.assert_array_equal(model.get_weights()[0], weights[3][0])  # model untouched
    assert weights_file(path) == tmp_path / "checkpoint.weights.npz"
    model.set_weights(read_weights(weights_file(path)))
    np.testing.assert_array_equal(model.get_weights()[0], weights[2][0])  # the best epoch


@pytest.mark.parametrize("kind", ["refine", "random", "bayesian"])
def test_the_oracle_proposes_the_defaults_first_then_its_own(tmp_path, kind):
    from autotune.backend import kt

    space = load_space("fast").to_hyperparameters()
    oracle = STARTING_FROM_DEFAULTS[kind](
        objective=kt.Objective("val_loss", "min"), max_trials=3, hyperparameters=space, seed=1
    )
    oracle._set_project_dir(str(tmp_path), "p")
    first = oracle.create_trial("tuner0")
    assert first.hyperparameters.values == {hp.name: hp.default for hp in space.space}
    first.status = "COMPLETED"
    oracle.update_trial(first.trial_id, {"val_loss": 1.0})
    oracle.end_trial(first)
    second = oracle.create_trial("tuner0")
    assert second.hyperparameters.values != first.hyperparameters.values


def _ended(oracle, trial, loss: float) -> None:
    trial.status = "COMPLETED"
    oracle.update_trial(trial.trial_id, {"val_loss": loss})
    oracle.end_trial(trial)


def test_the_portfolio_follows_the_defaults_then_the_search_refines_its_best(tmp_path):
    from autotune.backend import kt

    space = load_space("mlp")
    hp = space.to_hyperparameters()
    oracle = STARTING_FROM_DEFAULTS["refine"](
        objective=kt.Objective("val_loss", "min"), max_trials=9, hyperparameters=hp, seed=1
    )
    oracle.portfolio = space.portfolio
    oracle._set_project_dir(str(tmp_path), "p")
    trials = []
    for loss in (0.5, 0.1, 0.9, 0.8, 0.7, 0.6, 0.65):
        trials.append(oracle.create_trial("tuner0"))
        _ended(oracle, trials[-1], loss)
    values = [t.hyperparameters.values for t in trials]
    for entry, tried in zip(space.portfolio, values[1:4], strict=True):
        assert {k: tried[k] for k in entry} == entry
    # Trial 4 is the strategy's own draw, trial 5 the best one (1) moved in two places.
    best = values[1]
    assert sum(values[5].get(k) != best.get(k) for k in set(best) | set(values[5])) <= 3
    assert sum(values[4].get(k) != best.get(k) for k in set(best) | set(values[4])) > 3
    assert "momentum" not in values[0]  # adam: SGD's momentum does not act
