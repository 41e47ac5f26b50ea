"""Dead ReLUs and saturated sigmoid / tanh units, on recorded series."""

from __future__ import annotations

from autotune.diagnostics._base import Curves
from autotune.diagnostics.units import DyingRelu, Saturation, layer_above
from autotune.vocabulary import resolve


def shares(key, value, epochs=10):
    return {"layers": ["dense_1", "dense_2", "output"], key: [[0.0, value]] * epochs}


def test_the_first_layer_above_the_share_in_most_epochs_and_at_the_last():
    assert layer_above(shares("dead_fraction", 0.8), "dead_fraction", 0.5) == ("dense_2", 0.8, 7)
    assert layer_above(shares("dead_fraction", 0.3), "dead_fraction", 0.5) is None


def test_dying_relu_applies_to_relu_only():
    s = shares("dead_fraction", 0.9)
    assert DyingRelu().check(Curves([1.0], [], s, resolve({"activation": "relu"}), {}))
    assert DyingRelu().check(Curves([1.0], [], s, resolve({"activation": "elu"}), {})) is None


def test_saturation_applies_to_saturating_activations_only():
    s = shares("saturated_fraction", 0.7)
    summary, evidence = Saturation().check(
        Curves([1.0], [], s, resolve({"activation": "tanh"}), {})
    )
    assert "70% of layer dense_2's tanh inputs" in summary and evidence["epochs"] == 7
    assert Saturation().check(Curves([1.0], [], s, resolve({"activation": "relu"}), {})) is None
