"""Fine-tuning a head with its backbone's top block unfrozen (VGG16, random weights, 32 px)."""

from __future__ import annotations

import io

from autotune.backend import keras

import numpy as np
from rich.console import Console

from autotune.callbacks.deadline import StopAtDeadline
from autotune.console.progress import SearchProgress
from autotune.models.mlp import build_network
from autotune.models.transfer import feature_model, split_at_top_block
from autotune.problems.fine_tune import FINE_TUNE_MAX_LR, fine_tune_head


def test_the_head_and_top_block_train_and_the_result_is_kept_only_if_better():
    keras.utils.set_random_seed(0)
    backbone = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 255, (16, 32, 32, 3)).astype("float32")
    labels = {"train": np.array([0, 1] * 6), "val": np.array([0, 1] * 2)}
    top_input = feature_model(backbone, "vgg16", 3, "top_input").predict(pixels, verbose=0)
    inputs = {"train": top_input[:12], "val": top_input[12:]}
    head = build_network({"n_layers": 1, "units": 8}, 512, 2, "classification")
    scale = (np.zeros(512, "float32"), np.ones(512, "float32"))
    top_before = [w.copy() for w in split_at_top_block(backbone, "vgg16")[1].get_weights()]
    out = io.StringIO()
    progress = SearchProgress(1, 1, "val_cross_entropy", console=Console(file=out, width=200))
    done = fine_tune_head(
        head, {"learning_rate": 1e-3, "batch_size": 4}, backbone, "vgg16", scale, inputs, labels,
        max_epochs=2, patience=1, stop=StopAtDeadline(None), progress=progress,
    )  # fmt: skip
    assert done["unfrozen_layers"] == ["block5_conv1", "block5_conv2", "block5_conv3"]
    assert done["learning_rate"] == FINE_TUNE_MAX_LR and 1 <= done["epochs_run"] <= 2
    improved = done["val_after"]["cross_entropy"] < done["val_before"]["cross_entropy"]
    assert done["kept"] is improved and not done["interrupted"]
    top_after = split_at_top_block(backbone, "vgg16")[1].get_weights()
    changed = any(not np.array_equal(a, b) for a, b in zip(top_before, top_after, strict=True))
    assert changed is improved  # kept: the block moved; not kept: restored as it was
    assert "fine-tuning: validation cross_entropy" in out.getvalue()
