"""Vanishing and exploding gradients, on recorded series."""

from __future__ import annotations

from autotune.diagnostics._base import Curves
from autotune.diagnostics.gradients import (
    ExplodingGradients,
    VanishingGradients,
    dense_start,
    ratio_series,
)
from autotune.vocabulary import resolve


def series(first_rms, rms=1e-2, first_norm=0.1, layers=4, epochs=10, kinds=None):
    return {
        "layers": [f"dense_{i}" for i in range(1, layers)] + ["output"],
        "kinds": kinds or ["dense"] * layers,
        "grad_rms": [[first_rms] + [rms] * (layers - 1) for _ in range(epochs)],
        "grad_norm": [[first_norm] + [1.0] * (layers - 1) for _ in range(epochs)],
    }


def curves(s, params=None):
    return Curves([1.0] * 10, [1.0] * 10, s, resolve(params or {}), {})


def test_the_ratio_starts_at_the_first_dense_layer_of_a_cnn():
    s = series(1.0, kinds=["conv", "dense", "dense", "dense"])
    assert dense_start(s) == 1 and ratio_series(s)[0] == 1.0


def test_vanishing_needs_a_small_ratio_and_a_small_first_norm():
    check = VanishingGradients()
    assert check.check(curves(series(1e-6, first_norm=1e-5)))[1]["rms_ratio"] < 1e-3
    assert check.check(curves(series(1e-6, first_norm=1e-2))) is None
    assert check.check(curves(series(1e-6, first_norm=1e-5, layers=2))) is None  # too shallow


def test_deep_sigmoid_networks_get_relu_and_he_first():
    order = VanishingGradients().remedy_order(resolve({"activation": "sigmoid", "n_layers": 8}))
    assert order[0] == "relu_he"


def test_exploding_on_the_ratio_a_huge_loss_or_growing_weights():
    check = ExplodingGradients()
    summary, _ = check.check(curves(series(10.0, rms=0.01)))
    assert "1000x the output layer's" in summary
    huge = Curves([1.0, 5e3], [], {}, resolve({}), {})
    assert check.check(huge)[1] == {"epoch": 2, "loss": 5e3, "curve": "training"}
    # An exploding network's validation loss explodes too, even where training's stays short
    # of the bar (a CNN at learning rate 5: 172 in training, 6e6 in validation).
    val = Curves([172.0, 86.0], [6.2e6, 3.1e6], {}, resolve({}), {})
    assert check.check(val) == (
        "the validation loss reached 6.2e+06 at epoch 1",
        {"epoch": 1, "loss": 6.2e6, "curve": "validation"},
    )
    grown = {"layers": ["dense_1", "output"], "weight_norm": [[1.0, 1.0], [500.0, 1.0]]}
    assert "grew 500-fold" in check.check(Curves([1.0, 1.0], [], grown, resolve({}), {}))[0]


def test_with_clipping_on_the_step_size_comes_first():
    assert ExplodingGradients().remedy_order(resolve({"clipnorm": 1.0}))[0] == "lower_lr"
