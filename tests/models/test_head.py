"""The pyramid head every network ends in."""

from __future__ import annotations

from autotune.backend import keras

from autotune.models.head import compile_network, hidden_layers, regularizer_of
from autotune.vocabulary import resolve


def head(**values):
    p = resolve(values)
    inputs = keras.Input((5,))
    return compile_network(inputs, hidden_layers(inputs, p), p, 3, "classification", "t"), p


def test_widths_narrow_with_depth_and_layers_are_named_by_depth():
    model, _ = head(n_layers=3, units=32, shrink=0.5)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [(d.name, d.units) for d in dense] == [
        ("dense_1", 32), ("dense_2", 16), ("dense_3", 8), ("output", 3)
    ]  # fmt: skip
    assert model.output_shape == (None, 3) and model.optimizer is not None


def test_batch_norm_replaces_the_bias_and_residuals_project_where_widths_differ():
    model, _ = head(n_layers=2, units=16, shrink=0.5, batch_norm=True, residual=True, dropout=0.1)
    names = [layer.name for layer in model.layers]
    assert "batch_norm_1" in names and "project_2" in names and "residual_2" in names
    assert "dropout_2" in names and model.get_layer("dense_1").use_bias is False


def test_the_regulariser_only_when_asked():
    assert regularizer_of(resolve({})) is None
    assert regularizer_of(resolve({"l2": 1e-4})).get_config()["l2"] == 1e-4


def test_regression_ends_in_one_linear_unit():
    p = resolve({"n_layers": 1})
    inputs = keras.Input((4,))
    model = compile_network(inputs, hidden_layers(inputs, p), p, 1, "regression", "r")
    assert (
        model.output_shape == (None, 1)
        and model.get_layer("output").activation.__name__ == "linear"
    )
