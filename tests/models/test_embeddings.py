"""Numeric-feature embeddings: the bins come from the training quantiles, the encoding fills
them as the paper defines, and every embedding trains, saves and loads in safe mode."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from autotune.models.embeddings import (
    EMPTY_BIN,
    FREQUENCIES,
    PERIODIC_WIDTH,
    PIECEWISE_WIDTH,
    numeric_features,
    piecewise_linear_encoding,
)
from autotune.models.mlp import build_network
from autotune.vocabulary import describe_trial


def test_bins_are_the_training_quantiles_and_a_binary_column_gets_one():
    rng = np.random.default_rng(0)
    encoded = np.column_stack([rng.normal(size=1000), rng.integers(0, 2, 1000), np.ones(1000)])
    numeric = numeric_features(encoded.astype("float32"), count=3, bins=4)
    quartiles = np.quantile(encoded[:, 0], [0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(numeric.left[0], quartiles[:-1], rtol=1e-5)
    np.testing.assert_allclose(numeric.width[0], np.diff(quartiles), rtol=1e-5)
    np.testing.assert_array_equal(numeric.left[1], [0.0, EMPTY_BIN, EMPTY_BIN, EMPTY_BIN])
    np.testing.assert_array_equal(numeric.width[1], [1.0, 1.0, 1.0, 1.0])
    assert (numeric.left[2] == EMPTY_BIN).all()  # a constant column has no bins


def test_the_piecewise_linear_encoding_fills_bins_up_to_the_value():
    numeric = numeric_features(np.array([[0.0], [1.0], [2.0], [3.0], [4.0]]), count=1, bins=4)
    columns = keras.Input(shape=(1, 1))
    encode = keras.Model(columns, piecewise_linear_encoding(columns, numeric))
    values = np.array([[[-5.0]], [[0.0]], [[1.5]], [[4.0]], [[9.0]]], dtype="float32")
    np.testing.assert_allclose(
        encode.predict(values, verbose=0)[:, 0, :],
        [
            [0.0, 0.0, 0.0, 0.0],  # below the training range: nothing filled
            [0.0, 0.0, 0.0, 0.0],
            [1.0, 0.5, 0.0, 0.0],  # half-way through the second bin
            [1.0, 1.0, 1.0, 1.0],
            [1.0, 1.0, 1.0, 1.0],  # beyond it: full, and no further
        ],
        atol=1e-6,
    )


@pytest.mark.parametrize(
    ("kind", "width"),
    [
        ("none", 3),
        ("periodic", 2 * PERIODIC_WIDTH + 1),
        ("piecewise_linear", 2 * PIECEWISE_WIDTH + 1),
    ],
)
def test_each_embedding_trains_saves_and_loads_in_safe_mode(tmp_path, kind, width):
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(size=(64, 2)), rng.integers(0, 2, 64)]).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("int64")
    numeric = numeric_features(x, count=2)  # two numeric columns, then a one-hot
    model = build_network(
        {"num_embedding": kind, "n_layers": 1, "units": 8}, 3, 2, "classification", numeric=numeric
    )
    assert model.get_layer("dense_1").input.shape[-1] == width  # the one-hot passes through
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_periodic_frequencies_start_near_sigma_and_are_per_column():
    numeric = numeric_features(np.zeros((4, 5), dtype="float32"), count=5)
    model = build_network({"num_embedding": "periodic", "n_layers": 1}, 5, 1, "regression",
                          numeric=numeric)  # fmt: skip
    kernel = model.get_layer("periodic").kernel.numpy()
    assert kernel.shape == (5, 1, FREQUENCIES)
    assert 0.3 < kernel.std() < 1.0  # 2π x 0.1


def test_without_numeric_columns_no_embedding_is_built():
    model = build_network({"num_embedding": "periodic", "n_layers": 1}, 4, 2, "classification")
    assert not any("periodic" in layer.name for layer in model.layers)
    empty = numeric_features(np.zeros((3, 0), dtype="float32"), count=0)
    model = build_network({"num_embedding": "piecewise_linear"}, 4, 2, "classification",
                          numeric=empty)  # fmt: skip
    assert model.get_layer("dense_1").input.shape[-1] == 4


def test_the_trial_line_names_its_embedding():
    assert "piecewise_linear" in describe_trial({"num_embedding": "piecewise_linear"})
    assert "none" not in describe_trial({})
