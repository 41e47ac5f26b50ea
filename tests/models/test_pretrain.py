"""Greedy layer-wise autoencoder pre-training: every hidden block learns to encode its input."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from autotune.models.mlp import build_network
from autotune.models.pretrain import hidden_blocks, pretrain_autoencoder


def _features(data_dir):
    import pandas as pd

    frame = pd.read_csv(data_dir / "wine.csv").iloc[:, :-1]
    x = frame.to_numpy(dtype="float32")
    return (x - x.mean(axis=0)) / x.std(axis=0)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_every_hidden_block_learns_to_reconstruct_its_input(data_dir, batch_norm):
    x = _features(data_dir)
    model = build_network(
        {"n_layers": 3, "units": 16, "shrink": 0.5, "batch_norm": batch_norm},
        x.shape[1],
        3,
        "classification",
    )
    assert [b[0].name for b in hidden_blocks(model)] == ["dense_1", "dense_2", "dense_3"]
    before = {layer.name: layer.get_weights() for layer in model.layers if layer.weights}
    record = pretrain_autoencoder(model, x, batch_size=32, epochs=8)

    assert [r["layer"] for r in record["layers"]] == ["dense_1", "dense_2", "dense_3"]
    assert [r["width"] for r in record["layers"]] == [16, 8, 8]
    for block in record["layers"]:  # reconstruction improved in every block
        assert block["loss_last"] < 0.9 * block["loss_first"], block
    for name in ("dense_1", "dense_2", "dense_3"):  # trained in place, in the network
        moved = [
            np.abs(a - b).max()
            for a, b in zip(before[name], model.get_layer(name).get_weights(), strict=True)
        ]
        assert max(moved) > 1e-3, name
    unchanged = model.get_layer("output").get_weights()
    for a, b in zip(before["output"], unchanged, strict=True):
        np.testing.assert_array_equal(a, b)  # the supervised head is left to the fit
    assert not any(layer.name == "decoder" for layer in model.layers)  # decoders thrown away


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_a_pretrained_search_records_each_trials_pretraining(tmp_path, data_dir):
    from autotune.options import TuneOptions
    from autotune.runner import run_search

    out = tmp_path / "run"
    info = run_search(
        TuneOptions(
            data=data_dir / "iris.csv",
            space="fast",
            max_trials=2,
            max_epochs=2,
            pretrain="autoencoder",
            out=out,
        ).resolve()
    )
    assert info["options"]["pretrain"] == "autoencoder"
    for path in sorted((out / "trials").glob("*.json")):
        record = json.loads(path.read_text())
        pre = record["pretraining"]
        layers = record["hyperparameters"]["n_layers"]
        assert pre["method"] == "autoencoder" and len(pre["layers"]) == layers
    keras.models.load_model(out / "best_model.keras", safe_mode=True)


def test_pretraining_starts_from_the_reused_layers_output(data_dir):
    """With --init-from, the first own block receives the reused layers' output, not the rows;
    the reused (frozen) layers are not pre-trained."""
    from autotune.models.reuse import frozen_copy

    x = _features(data_dir)
    inputs = keras.Input(shape=(x.shape[1],))
    earlier = keras.Model(inputs, keras.layers.Dense(6, activation="relu")(inputs), name="reused")
    front = frozen_copy(earlier)
    model = build_network({"n_layers": 2, "units": 8}, x.shape[1], 3, "classification", front)
    reused_before = front.get_weights()
    record = pretrain_autoencoder(model, x, batch_size=32, epochs=3)
    assert [r["layer"] for r in record["layers"]] == ["dense_1", "dense_2"]
    for a, b in zip(reused_before, model.get_layer("reused").get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
