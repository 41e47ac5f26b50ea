"""Optimizers by name, with the learning rate, momentum and gradient clipping of a trial."""

from __future__ import annotations

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import keras


def build_optimizer(
    name: str, learning_rate: float, momentum: float = 0.0, clipnorm: float = 0.0
) -> keras.optimizers.Optimizer:
    """The optimizer ``name`` (``sgd``, ``adam``, ``rmsprop``, ``adagrad``).

    Args:
        name: optimizer name.
        learning_rate: step size.
        momentum: SGD momentum; ignored by the adaptive optimizers. Defaults to 0.
        clipnorm: clip each gradient to this L2 norm; 0 disables clipping. Defaults to 0.
    """
    clip = {"clipnorm": float(clipnorm)} if clipnorm else {}
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=float(momentum), **clip)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate, **clip)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate, **clip)
    if name == "adagrad":
        return keras.optimizers.Adagrad(learning_rate, **clip)
    raise ValueError(f"unknown optimizer {name!r}")
