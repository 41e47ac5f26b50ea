"""Weights that stop moving while nothing is learned."""

from __future__ import annotations

from autotune.diagnostics._base import Curves
from autotune.diagnostics.updates import StalledWeights
from autotune.vocabulary import resolve

SERIES = {
    "layers": ["dense_1", "dense_2", "output"],
    "update_ratio": [[1e-7, 1e-2, 1e-2]] * 10,
    "baseline_loss": 1.0,
}


def test_a_hidden_layer_that_barely_moves_while_the_loss_stays_high():
    summary, evidence = StalledWeights().check(Curves([1.0] * 10, [], SERIES, resolve({}), {}))
    assert evidence["layer"] == "dense_1" and "moved by 1.0e-07 of their norm" in summary


def test_not_while_the_network_learns():
    assert StalledWeights().check(Curves([1.0, 0.1], [], SERIES, resolve({}), {})) is None


def test_a_small_learning_rate_on_a_deep_tanh_network_suggests_the_activation_first():
    params = resolve({"activation": "tanh", "n_layers": 8})
    assert StalledWeights().remedy_order(params)[0] == "relu_he"
