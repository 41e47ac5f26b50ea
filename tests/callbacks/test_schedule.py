"""A trial's learning-rate schedule, per epoch."""

from __future__ import annotations

from autotune.backend import keras

import numpy as np
import pytest

from autotune.callbacks.schedule import learning_rate_at, schedule_callback
from autotune.vocabulary import resolve


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("constant", [1.0, 1.0, 1.0, 1.0]),
        ("warmup", [0.5, 1.0, 1.0, 1.0]),
        ("cosine", [1.0, 0.854, 0.5, 0.146]),
        ("warmup_cosine", [0.5, 1.0, 1.0, 0.5]),
    ],
)
def test_schedules(schedule, expected):
    rates = [learning_rate_at(schedule, 1.0, e, 4, warmup_epochs=2) for e in range(4)]
    assert rates == pytest.approx(expected, abs=1e-3)


def test_the_callback_sets_and_logs_each_epochs_rate():
    p = resolve({"lr_schedule": "warmup", "learning_rate": 0.1, "warmup_epochs": 2})
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.zeros((4, 1), "float32")
    history = model.fit(x, x, epochs=3, verbose=0, callbacks=[schedule_callback(p, 3, scale=0.5)])
    assert history.history["learning_rate"] == pytest.approx([0.025, 0.05, 0.05])
