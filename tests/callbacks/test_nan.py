"""A loss that becomes NaN ends the trial at the end of that epoch."""

from __future__ import annotations

from autotune.backend import keras

import numpy as np

from autotune.callbacks.nan import StopOnNaN


def test_a_diverging_fit_stops_at_its_first_nan_epoch():
    # Keras' own NaN test: huge weights and a huge step size diverge within an epoch.
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(1e5)),
        ]
    )
    model.compile(keras.optimizers.SGD(1e5), "mse")
    x, y = np.ones((10, 3), "float32"), np.ones(10, "float32")
    history = model.fit(x, y, epochs=20, batch_size=2, verbose=0, callbacks=[StopOnNaN()])
    assert len(history.history["loss"]) < 20 and not np.isfinite(history.history["loss"][-1])


def test_a_finite_loss_trains_on():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((10, 3), "float32"), np.ones(10, "float32")
    assert len(model.fit(x, y, epochs=3, verbose=0, callbacks=[StopOnNaN()]).history["loss"]) == 3
