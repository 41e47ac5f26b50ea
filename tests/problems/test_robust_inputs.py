"""Robust numeric inputs (``--scaling robust``, the default): a row far outside the training
range reaches the network clipped, so the saved model's predictions stay sane."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

from autotune.data.tabular import NumericColumn, Preprocessing, load_table
from autotune.options import TuneOptions
from autotune.predict import load_best_model
from autotune.problems.table_encoding import (
    CLIP,
    as_dataset,
    build_preprocessor,
    encode,
    model_inputs,
)
from autotune.runner import run_search
from autotune.runs import RunFolder


def _far(frame: pd.DataFrame, spec: Preprocessing, sigmas: float) -> pd.DataFrame:
    """The first row with every number ``sigmas`` standard deviations above the mean."""
    row = frame.iloc[:1].copy()
    for column in spec.numeric:
        row[column.column] = column.mean + sigmas * column.std
    return row


def _predict(model: keras.Model, frame: pd.DataFrame, spec: Preprocessing) -> np.ndarray:
    return model.predict(as_dataset(model_inputs(frame, spec)), verbose=0)


def test_robust_scaling_uses_median_and_quartiles_then_clips_smoothly():
    spec = Preprocessing(
        "y", "regression", numeric=[NumericColumn("a", 0.0, 1.0, median=10.0, spread=4.0)],
        scaling="robust",
    )  # fmt: skip
    frame = pd.DataFrame({"a": [10.0, 14.0, 1e9, -1e9, np.nan]})
    out = encode(build_preprocessor(spec), frame, spec)[:, 0]
    np.testing.assert_allclose(out[:2], [0.0, 1 / np.sqrt(1 + 1 / 9)], rtol=1e-5)
    assert CLIP - 1e-3 < out[2] <= CLIP and -CLIP <= out[3] < -CLIP + 1e-3
    assert out[4] == 0.0  # missing -> the median


def test_standard_scaling_stays_selectable_and_unclipped(data_dir):
    data = load_table(data_dir / "diabetes.csv", scaling="standard", seed=0)
    spec = data.preprocessing
    encoded = encode(build_preprocessor(spec), _far(data.splits["test"].features, spec, 50), spec)
    np.testing.assert_allclose(encoded[0], 50.0, rtol=1e-4)


@pytest.fixture(scope="module")
def diabetes_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust") / "diabetes"
    data = Path(__file__).parent.parent / "data" / "diabetes.csv"
    run_search(TuneOptions(data=data, space="fast", max_trials=1, max_epochs=3, out=out).resolve())
    return out


def test_a_row_50_sigma_out_is_predicted_within_the_training_targets(diabetes_run):
    info = RunFolder(diabetes_run).read_run()
    spec = Preprocessing.from_dict(info["preprocessing"])
    assert spec.scaling == "robust"
    model = load_best_model(RunFolder(diabetes_run))  # safe mode
    test = load_table(info["dataset"]["source"], seed=0).splits["test"].features
    low, high = spec.target_range
    for sigmas in (50, -50, 1e6):
        predicted = float(_predict(model, _far(test, spec, sigmas), spec).ravel()[0])
        assert low <= predicted <= high


def test_a_far_row_keeps_finite_probabilities_that_stop_growing(penguins_run):
    info = RunFolder(penguins_run).read_run()
    spec = Preprocessing.from_dict(info["preprocessing"])
    model = load_best_model(RunFolder(penguins_run))
    test = load_table(info["dataset"]["source"], target="species", seed=0).splits["test"]
    far, edge, farther = (
        _predict(model, _far(test.features, spec, s), spec)[0] for s in (50, 1e3, 1e6)
    )
    assert np.isfinite(far).all() and abs(far.sum() - 1) < 1e-5
    # Clipped inputs: a thousand and a million sigma look alike, so the probabilities settle
    # at what the edge of the clip gives instead of moving without bound.
    np.testing.assert_allclose(edge, farther, atol=1e-4)
