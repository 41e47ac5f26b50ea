"""A trial's learning-rate schedule, set at the start of each epoch and logged."""

from __future__ import annotations

import math
from typing import Any

from autotune.backend import keras


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


def schedule_callback(p: dict[str, Any], epochs: int, scale: float = 1.0):
    """The learning rate of each epoch under the trial's schedule (times ``scale``), set and
    logged (``learning_rate`` in the history)."""
    return keras.callbacks.LearningRateScheduler(
        lambda epoch, _lr: (
            scale
            * learning_rate_at(
                p["lr_schedule"], p["learning_rate"], epoch, epochs, p["warmup_epochs"]
            )
        )
    )
