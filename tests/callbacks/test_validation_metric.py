"""The callback that logs ``--metric`` each epoch, read by the callbacks after it."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn import metrics

from autotune.callbacks.validation_metric import ValidationMetric
from autotune.models.mlp import build_network
from autotune.vocabulary import resolve


def test_each_epoch_logs_the_metric_for_the_callbacks_after_it():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 4)).astype("float32")
    y = (x[:, 0] + 0.3 * x[:, 1] > 0).astype("int32")
    network = build_network(resolve({"n_layers": 1, "units": 8}), 4, 2, "classification")
    logger = ValidationMetric("val_macro_f1_error", "macro_f1", "classification", x[:40], y[:40])
    stopper = keras.callbacks.EarlyStopping(monitor="val_macro_f1_error", mode="min", patience=9)
    history = network.fit(
        x[40:], y[40:], validation_data=(x[:40], y[:40]), epochs=3, verbose=0,
        callbacks=[logger, stopper],
    )  # fmt: skip
    curve = history.history["val_macro_f1_error"]
    assert len(curve) == 3 and stopper.best == min(curve)
    predicted = network.predict(x[:40], verbose=0).argmax(axis=1)
    last = 1 - metrics.f1_score(y[:40], predicted, average="macro", zero_division=0)
    assert curve[-1] == pytest.approx(last)
