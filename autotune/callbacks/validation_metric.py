"""Log the search's ``--metric`` on the validation rows each epoch, for the metrics Keras does
not log itself (accuracy-like ones and MAE; :func:`autotune.vocabulary.objective_name`)."""

from __future__ import annotations

from autotune.backend import keras

import numpy as np

from autotune.metrics import objective_value

CHUNK_ROWS = 1024  # validation rows per forward pass


class ValidationMetric(keras.callbacks.Callback):
    """Add ``key`` (the metric's objective value, lower is better) to each epoch's logs.

    It must come before the callbacks that read the key (early stopping, the best-epoch
    copy, KerasTuner's own): each epoch's logs pass through the callbacks in order.
    """

    def __init__(self, key: str, metric: str, task: str, x: np.ndarray, y: np.ndarray):
        super().__init__()
        self.key, self.metric, self.task = key, metric, task
        self.x, self.y = x, y

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        outputs = np.concatenate(
            [
                keras.ops.convert_to_numpy(self.model(self.x[i : i + CHUNK_ROWS], training=False))
                for i in range(0, len(self.x), CHUNK_ROWS)
            ]
        )
        if np.all(np.isfinite(outputs)):
            logs[self.key] = objective_value(self.metric, self.task, self.y, outputs)
        else:  # a diverged network: the worst value, so it is never chosen
            logs[self.key] = float("inf")
