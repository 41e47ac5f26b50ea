from __future__ import annotations

import keras
import numpy as np

from autotune.callbacks.schedule import schedule_callback
from autotune.callbacks.stop_after import StopAfterEpochs


def test_fit_stops_after_the_epochs_while_the_schedule_spans_fits_own():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x, y = np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32")
    params = {"lr_schedule": "cosine", "learning_rate": 1.0, "warmup_epochs": 0}
    stop = StopAfterEpochs(2)
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[stop, schedule_callback(params, 4)])
    assert stop.epochs_run == 2 and len(history.history["loss"]) == 2
    # The cosine schedule spans all 4 epochs: epoch 2 is at cos(pi/4), not at the end.
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 0.8535534], rtol=1e-5)
