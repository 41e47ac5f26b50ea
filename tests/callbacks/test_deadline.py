"""The time budget and Ctrl-C stop a real fit within one batch; the epoch is still validated."""

from __future__ import annotations

import time

from autotune.backend import keras

import numpy as np
import pytest

from autotune.callbacks.deadline import StopAtDeadline


def tiny_fit(callback, epochs=50):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.zeros((64, 2), "float32"), np.zeros(64, "float32")
    return model.fit(x, y, validation_data=(x, y), batch_size=8, epochs=epochs, verbose=0,
                     callbacks=[callback])  # fmt: skip


def test_a_passed_deadline_stops_after_the_first_batch_and_keeps_its_scores():
    stop = StopAtDeadline(time.monotonic() - 1)
    history = tiny_fit(stop)
    assert stop.fired and stop.reason == "time_budget"
    assert len(history.history["loss"]) == 1 and len(history.history["val_loss"]) == 1


def test_no_deadline_trains_every_epoch():
    stop = StopAtDeadline(None)
    assert len(tiny_fit(stop, epochs=3).history["loss"]) == 3 and not stop.fired


def test_ctrl_c_between_trials_starts_none():
    stop = StopAtDeadline(None)
    stop.stop_now()
    with pytest.raises(KeyboardInterrupt):
        tiny_fit(stop)


def test_ctrl_c_during_a_fit_ends_it_as_interrupted():
    class PressAtSecondEpoch(StopAtDeadline):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                self.stop_now()

    stop = PressAtSecondEpoch(None)
    history = tiny_fit(stop)
    assert stop.fired and stop.reason == "interrupted" and len(history.history["loss"]) == 2
