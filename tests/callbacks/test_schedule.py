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
        ("constant", [0.01] * 4),
        ("warmup", [0.005, 0.01, 0.01, 0.01]),
        ("cosine", [0.01, 0.00854, 0.005, 0.00146]),
        ("warmup_cosine", [0.005, 0.01, 0.01, 0.005]),
    ],
)
def test_learning_rate_schedules(schedule, expected):
    got = [learning_rate_at(schedule, 0.01, e, 4, warmup_epochs=2) for e in range(4)]
    assert got == pytest.approx(expected, abs=1e-5)


def test_the_callback_sets_and_logs_each_epochs_rate():
    p = resolve({"lr_schedule": "warmup", "learning_rate": 0.1, "warmup_epochs": 2})
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.zeros((4, 1), "float32")
    history = model.fit(x, x, epochs=3, verbose=0, callbacks=[schedule_callback(p, 3, scale=0.5)])
    assert history.history["learning_rate"] == pytest.approx([0.025, 0.05, 0.05])
