"""A search ranked by the user's ``--metric`` and trained with ``--class-weight``, end to end
on a real table whose smallest class is rare (tiny search, real TensorFlow)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from autotune.options import TuneOptions
from autotune.runner.tune import run_search

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def rare_class_run(tmp_path_factory):
    """Iris with 6 of its 50 virginica rows: the smallest class is 6% of the rows."""
    folder = tmp_path_factory.mktemp("metric")
    frame = pd.read_csv(DATA / "iris.csv")
    target = frame.columns[-1]
    rare = frame[target] == frame[target].iloc[-1]
    frame = pd.concat([frame[~rare], frame[rare].head(6)])
    frame.to_csv(folder / "rare.csv", index=False)
    options = TuneOptions(
        data=folder / "rare.csv",
        space="fast",
        metric="balanced_accuracy",
        class_weight="auto",
        max_trials=2,
        max_epochs=3,
        out=folder / "run",
    )
    run_search(options.resolve())
    return folder / "run"


def test_the_search_ranks_by_the_metric(rare_class_run):
    info = json.loads((rare_class_run / "run.json").read_text())
    assert info["selection_metric"] == "balanced_accuracy"
    assert info["metric"] == "val_balanced_accuracy_error"
    assert info["score"].startswith("1 - balanced_accuracy on the validation rows")
    for path in sorted((rare_class_run / "trials").glob("*.json")):
        record = json.loads(path.read_text())
        curve = record["history"]["val_balanced_accuracy_error"]
        assert len(curve) == len(record["history"]["loss"])  # logged every epoch
        assert record["score"] == pytest.approx(min(curve))
        assert 0.0 <= record["score"] <= 1.0
    # The ensemble scores the trials' saved networks again: the same value as the epochs'.
    ensemble = info["ensemble"]
    best = info["best_trial"]
    if ensemble["status"] == "done":
        assert ensemble["best_single_score"] == pytest.approx(best["score"], abs=1e-6)
    reference = info["reference"]
    assert reference["score"] == pytest.approx(1 - reference["val_scores"]["balanced_accuracy"])


def test_a_rare_class_gets_balanced_weights(rare_class_run):
    info = json.loads((rare_class_run / "run.json").read_text())
    weighting = info["class_weight"]
    assert weighting["mode"] == "auto" and weighting["balanced"]
    weights = weighting["weights"]
    assert max(weights, key=weights.get) == "virginica"  # the rare class weighs most


def test_class_weights_raise_the_rare_class_probability():
    from autotune.models.fitting import fit_trial
    from autotune.models.mlp import build_network
    from autotune.vocabulary import resolve

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3)).astype("float32")
    y = (x[:, 0] > 1.4).astype("int32")  # about 8% of the rows in class 1
    params = resolve({"n_layers": 1, "units": 8, "learning_rate": 0.01, "batch_size": 32})
    means = []
    for class_weight in (None, {0: 0.54, 1: 6.5}):
        network = build_network(params, 3, 2, "classification")
        network.set_weights([np.full_like(w, 0.1) for w in network.get_weights()])
        fit_trial(
            network, params, x, y, task="classification", shared_callbacks=[],
            diagnostics=False, epochs=3, verbose=0, class_weight=class_weight,
        )  # fmt: skip
        means.append(float(network.predict(x, verbose=0)[:, 1].mean()))
    assert means[1] > means[0] + 0.1  # weighted, the rare class is predicted far more often
