"""Optimizers by name, with the learning rate, momentum and gradient clipping of a trial."""

from __future__ import annotations

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import math

import keras


def learning_rate_at(
    schedule: str, base: float, epoch: int, epochs: int, warmup_epochs: int = 0
) -> float:
    """The learning rate of ``epoch`` (0-based) under a schedule.

    ``warmup`` rises linearly to ``base`` over ``warmup_epochs`` (the large-batch practice),
    then stays; ``cosine`` decays from ``base`` towards 0 over ``epochs``; ``warmup_cosine``
    warms up, then decays over the remaining epochs.

    >>> [round(learning_rate_at("warmup", 1.0, e, 10, 4), 2) for e in range(5)]
    [0.25, 0.5, 0.75, 1.0, 1.0]
    >>> [round(learning_rate_at("cosine", 1.0, e, 4), 2) for e in range(4)]
    [1.0, 0.85, 0.5, 0.15]
    """
    warm = warmup_epochs if schedule in ("warmup", "warmup_cosine") else 0
    if epoch < warm:
        return base * (epoch + 1) / warm
    if schedule in ("cosine", "warmup_cosine"):
        span = max(1, epochs - warm)
        return base * 0.5 * (1 + math.cos(math.pi * (epoch - warm) / span))
    return base


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
