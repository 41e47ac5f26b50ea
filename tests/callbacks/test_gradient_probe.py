from __future__ import annotations

import copy

import keras
import numpy as np

from autotune.callbacks.gradient_probe import (
    PROBE_ROWS,
    GradientProbe,
    constant_loss,
    probe_rows,
)
from autotune.models.mlp import build_network


def data(n=300, features=6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


def test_series_shape_per_epoch_and_layer():
    x, y = data()
    model = build_network(
        {"n_layers": 3, "units": 16, "activation": "relu"}, 6, 2, "classification"
    )
    probe = GradientProbe(*probe_rows(x, y), activation="relu")
    model.fit(x, y, epochs=3, verbose=0, callbacks=[probe])
    s = probe.series
    assert s["layers"] == ["dense_1", "dense_2", "dense_3", "output"]
    assert s["probe_rows"] == min(PROBE_ROWS, len(x))
    for key in ("grad_norm", "grad_rms", "weight_norm", "update_ratio", "nonfinite"):
        assert len(s[key]) == 3 and all(len(row) == 4 for row in s[key])
    assert len(s["dead_fraction"]) == 3 and len(s["dead_fraction"][0]) == 3
    assert s["saturated_fraction"] == [None, None, None]
    assert all(v > 0 for v in s["grad_norm"][0])
    assert all(0 < v < 1 for v in s["update_ratio"][0])


def test_probe_leaves_batchnorm_statistics_untouched():
    x, y = data()
    model = build_network({"n_layers": 2, "units": 8, "batch_norm": True}, 6, 2, "classification")
    model.fit(x, y, epochs=1, verbose=0)
    probe = GradientProbe(*probe_rows(x, y), activation="relu")
    probe.set_model(model)
    probe.on_train_begin()
    before = [v.numpy().copy() for v in model.non_trainable_variables]
    probe.on_epoch_end(0)
    after = [v.numpy() for v in model.non_trainable_variables]
    for b, a in zip(before, after, strict=True):
        np.testing.assert_array_equal(b, a)


def test_saturation_is_measured_for_sigmoid():
    x, y = data()
    model = build_network(
        {"n_layers": 2, "units": 8, "activation": "sigmoid"}, 6, 2, "classification"
    )
    probe = GradientProbe(*probe_rows(x, y), activation="sigmoid")
    model.fit(x * 100, y, epochs=1, verbose=0, callbacks=[probe])
    assert probe.series["dead_fraction"] == [None]
    assert len(probe.series["saturated_fraction"][0]) == 2


def test_deep_copy_starts_fresh_and_works_on_its_own():
    x, y = data()
    probe = GradientProbe(*probe_rows(x, y), activation="relu")
    model = build_network({"n_layers": 1, "units": 8}, 6, 2, "classification")
    model.fit(x, y, epochs=2, verbose=0, callbacks=[probe])
    clone = copy.deepcopy(probe)
    assert clone.series == {}
    other = build_network({"n_layers": 1, "units": 8}, 6, 2, "classification")
    other.fit(x, y, epochs=1, verbose=0, callbacks=[clone])
    assert len(clone.series["grad_norm"]) == 1 and len(probe.series["grad_norm"]) == 2


def test_regression_targets_are_shaped_like_the_prediction():
    x, _ = data()
    y = x[:, 0].astype("float32")
    model = build_network({"n_layers": 1, "units": 8}, 6, 1, "regression")
    probe = GradientProbe(*probe_rows(x, y), activation="relu")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[probe])
    assert np.isfinite(probe.series["grad_norm"][0]).all()


def test_constant_loss():
    assert constant_loss(np.array([0, 1, 0, 1]), "classification") == np.log(2)
    assert constant_loss(np.array([1.0, 3.0]), "regression") == 1.0
    assert keras.losses  # the probe uses the compiled loss by name
