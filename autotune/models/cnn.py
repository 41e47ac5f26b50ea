"""A small CNN trained from scratch on the pixels, under the same pyramid MLP head."""

from __future__ import annotations

from typing import Any

from autotune.backend import keras

from autotune.models.head import compile_network, hidden_layers, regularizer_of
from autotune.vocabulary import initializer_of

layers = keras.layers

# Augmentation strength (training only; the saved model passes images through unchanged).
ROTATION, ZOOM = 0.05, 0.1


def build_cnn(p: dict[str, Any], image_shape: tuple[int, int, int], n_outputs: int) -> keras.Model:
    """Convolution blocks (3x3 convolution, BatchNorm, activation, 2x2 max-pooling; filters
    doubling per block), global average pooling, then the MLP head; compiled.

    Args:
        p: resolved hyperparameters (see :data:`autotune.vocabulary.PARAMS`).
        image_shape: (side, side, channels) of the uint8-range input.
        n_outputs: number of classes.
    """
    inputs = keras.Input(shape=image_shape, name="image")
    x = layers.Rescaling(1 / 255, name="rescale")(inputs)
    if p["augment"]:
        x = layers.RandomFlip("horizontal", name="random_flip")(x)
        x = layers.RandomRotation(ROTATION, name="random_rotation")(x)
        x = layers.RandomZoom(ZOOM, name="random_zoom")(x)
    for block in range(1, p["conv_blocks"] + 1):
        x = layers.Conv2D(
            p["filters"] * 2 ** (block - 1),
            3,
            padding="same",
            kernel_initializer=initializer_of(p),
            kernel_regularizer=regularizer_of(p),
            use_bias=not p["batch_norm"],
            name=f"conv_{block}",
        )(x)
        if p["batch_norm"]:
            x = layers.BatchNormalization(name=f"conv_batch_norm_{block}")(x)
        x = layers.Activation(p["activation"], name=f"conv_{p['activation']}_{block}")(x)
        if x.shape[1] >= 2 and x.shape[2] >= 2:  # deep stacks on small images stop pooling
            x = layers.MaxPooling2D(2, name=f"pool_{block}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    return compile_network(inputs, hidden_layers(x, p), p, n_outputs, "classification", "cnn")
