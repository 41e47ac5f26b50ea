from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from autotune.data.tabular import CategoricalColumn, NumericColumn, Preprocessing
from autotune.problems.table_encoding import (
    as_dataset,
    build_preprocessor,
    encode,
    export_model,
    model_inputs,
)

SPEC = Preprocessing(
    target="y",
    task="classification",
    numeric=[NumericColumn("a", mean=10.0, std=2.0), NumericColumn("b c (d)", mean=0.0, std=1.0)],
    categorical=[CategoricalColumn("color", levels=["blue", "red"])],
    classes=["no", "yes"],
)


def test_numbers_are_standardised_and_missing_becomes_the_mean():
    frame = pd.DataFrame({"a": [12.0, np.nan], "b c (d)": [1.0, np.inf], "color": ["red", "red"]})
    out = encode(build_preprocessor(SPEC), frame, SPEC)
    np.testing.assert_allclose(out[:, :2], [[1.0, 1.0], [0.0, 0.0]])


def test_categories_are_one_hot_with_one_slot_for_everything_else():
    frame = pd.DataFrame(
        {"a": [10.0] * 4, "b c (d)": [0.0] * 4, "color": ["red", "blue", "green", None]}
    )
    out = encode(build_preprocessor(SPEC), frame, SPEC)
    # slot 0: out of vocabulary ("green", missing), then "blue", "red"
    np.testing.assert_array_equal(out[:, 2:], [[0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 0]])


def test_exported_model_loads_in_safe_mode_and_predicts_the_same(tmp_path):
    network = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2, activation="softmax")])
    model = export_model(build_preprocessor(SPEC), network, SPEC)
    frame = pd.DataFrame({"a": [9.0, np.nan], "b c (d)": [0.5, -1.0], "color": ["blue", "new"]})
    expected = model.predict(as_dataset(model_inputs(frame, SPEC)), verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(
        loaded.predict(as_dataset(model_inputs(frame, SPEC)), verbose=0), expected, rtol=1e-6
    )


def test_regression_model_answers_in_target_units():
    spec = Preprocessing(
        target="y",
        task="regression",
        numeric=[NumericColumn("a", 0.0, 1.0)],
        target_mean=100.0,
        target_std=10.0,
    )
    network = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros"),
        ]
    )
    model = export_model(build_preprocessor(spec), network, spec)
    out = model.predict(as_dataset(model_inputs(pd.DataFrame({"a": [0.0, 2.0]}), spec)), verbose=0)
    np.testing.assert_allclose(out.ravel(), [100.0, 120.0], rtol=1e-5)


def test_numbers_in_a_text_column_at_predict_time_still_parse():
    frame = pd.DataFrame({"a": ["12", "x"], "b c (d)": [0, 0], "color": ["red", "red"]})
    inputs = model_inputs(frame, SPEC)
    assert inputs["numeric"][0, 0] == pytest.approx(12.0)
    assert np.isnan(inputs["numeric"][1, 0])
