"""Greedy layer-wise autoencoder pre-training of a network's hidden layers (``--pretrain``).

Before the supervised fit, each hidden block in turn (its Dense layer, BatchNorm and
activation) learns to encode the rows it receives: it is trained as the encoder of a
one-block autoencoder whose linear decoder reconstructs the block's input, on the training
features (no labels). The input of block ``k`` is what blocks ``1..k-1``, already
pre-trained, make of the rows; the decoder is thrown away. This is the unsupervised
pre-training of Hinton & Salakhutdinov (2006) and Bengio et al. (2007): a start for the
weights that reflects the data, meant for when labels are few. On the small shared tables
it made the search worse within the same time budget (``python -m benchmarks pretrain``).

The encoder is the network's own layer objects, so training the autoencoder trains the
network's weights in place; nothing is copied.
"""

from __future__ import annotations

import time
from typing import Any

from autotune.backend import keras

import numpy as np

from autotune.models.batches import training_batches

layers = keras.layers

# Epochs of reconstruction per hidden block, and its optimizer (Adam's defaults).
PRETRAIN_EPOCHS = 10
PRETRAIN_LEARNING_RATE = 1e-3


def hidden_blocks(model: keras.Model) -> list[list[keras.layers.Layer]]:
    """The hidden blocks in order: ``[dense_k, batch_norm_k?, activation_k]`` each."""
    blocks = []
    depth = 1
    names = {layer.name: layer for layer in model.layers}
    while f"dense_{depth}" in names:
        block = [names[f"dense_{depth}"]]
        if f"batch_norm_{depth}" in names:
            block.append(names[f"batch_norm_{depth}"])
        block += [
            layer
            for layer in model.layers
            if isinstance(layer, layers.Activation) and layer.name.endswith(f"_{depth}")
        ][:1]
        blocks.append(block)
        depth += 1
    return blocks


def pretrain_autoencoder(
    model: keras.Model, x: np.ndarray, batch_size: int, epochs: int = PRETRAIN_EPOCHS
) -> dict[str, Any]:
    """Pre-train ``model``'s hidden blocks greedily, in place, as autoencoders of ``x``.

    Returns:
        ``{"method", "epochs", "seconds", "layers": [{"layer", "width", "loss_first",
        "loss_last"}]}``: each block's reconstruction loss (MSE) at its first and last epoch.
    """
    started = time.perf_counter()
    done = []
    for block in hidden_blocks(model):
        dense = block[0]
        if dense.input is model.inputs[0]:
            rows = x
        else:  # what the layers below (pre-trained blocks, or reused layers) make of the rows
            feed = keras.Model(model.inputs, dense.input)
            rows = feed.predict(x, batch_size=1024, verbose=0)
        inputs = keras.Input(shape=rows.shape[1:], name="block_input")
        code = inputs
        for layer in block:
            code = layer(code)
        output = layers.Dense(rows.shape[1], name="decoder")(code)
        autoencoder = keras.Model(inputs, output, name=f"autoencoder_{dense.name}")
        autoencoder.compile(
            optimizer=keras.optimizers.Adam(PRETRAIN_LEARNING_RATE),
            loss="mean_squared_error",
        )
        history = autoencoder.fit(
            training_batches(rows, rows, batch_size), epochs=epochs, shuffle=False, verbose=0
        )
        losses = history.history["loss"]
        done.append(
            {
                "layer": dense.name,
                "width": int(dense.units),
                "loss_first": float(losses[0]),
                "loss_last": float(losses[-1]),
            }
        )
    return {
        "method": "autoencoder",
        "epochs": epochs,
        "seconds": round(time.perf_counter() - started, 3),
        "layers": done,
    }
