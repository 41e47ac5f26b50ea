"""A table's numeric columns embedded (``num_embedding``): the problem's bins are its training
rows', the shipped model (preprocessing, embedding, network) loads in safe mode and predicts
what it was trained to, a far-out row included, and a refit keeps the embedding."""

from __future__ import annotations

from pathlib import Path

from autotune.backend import kt

import keras
import numpy as np
import pytest

from autotune.data.tabular import load_table
from autotune.models.embeddings import EMPTY_BIN
from autotune.problems.table import TabularProblem
from autotune.problems.table_encoding import as_dataset, model_inputs

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def problem():
    return TabularProblem(load_table(DATA / "penguins.csv", target="species", seed=0))


def test_the_bins_cover_the_training_rows_of_each_numeric_column(problem):
    numeric = problem.numeric
    assert numeric.count == len(problem.data.preprocessing.numeric) == 5
    values = problem.train[0][:, : numeric.count]
    np.testing.assert_allclose(numeric.left[:, 0], values.min(axis=0), rtol=1e-6)
    real = numeric.left < EMPTY_BIN  # a column with few distinct values has fewer bins
    last = np.where(real, numeric.left + numeric.width, -np.inf).max(axis=1)
    np.testing.assert_allclose(last, values.max(axis=0), rtol=1e-5)
    assert real[:, 0].all() and not real[-1].all()  # year: three distinct values


@pytest.mark.parametrize("kind", ["periodic", "piecewise_linear"])
def test_an_embedded_network_ships_loads_in_safe_mode_and_bounds_far_rows(problem, tmp_path, kind):
    hp = kt.HyperParameters()
    hp.Fixed("num_embedding", kind)
    hp.Fixed("n_layers", 1)
    hp.Fixed("units", 16)
    network = problem.hypermodel([]).build(hp)
    assert network.get_layer("embedded") is not None
    network.fit(*problem.train, epochs=2, batch_size=32, verbose=0)
    path = tmp_path / "best_model.keras"
    problem.export(network, hp.values).save(path)
    loaded = keras.models.load_model(path, compile=False, safe_mode=True)
    spec = problem.data.preprocessing
    rows = problem.data.splits["val"].features
    np.testing.assert_allclose(
        loaded.predict(as_dataset(model_inputs(rows, spec)), verbose=0),
        network.predict(problem.val[0], verbose=0),
        atol=1e-5,
    )
    far = rows.iloc[:1].copy()
    for column in spec.numeric:
        far[column.column] = column.mean + 1e6 * column.std
    probabilities = loaded.predict(as_dataset(model_inputs(far, spec)), verbose=0)
    assert np.isfinite(probabilities).all() and probabilities.sum() == pytest.approx(1.0, rel=1e-5)


def test_a_refit_keeps_the_trials_embedding(problem):
    params = {"num_embedding": "piecewise_linear", "n_layers": 1, "units": 8}
    network = problem.refit(params, 1, [])
    assert network.get_layer("piecewise_linear").kernel.shape[0] == problem.numeric.count
