"""StopHopeless ends a fit after the probe's epoch shows it is lost; a learning fit runs on."""

from __future__ import annotations

import numpy as np

from autotune.callbacks.gradient_probe import GradientProbe, constant_loss, probe_rows
from autotune.callbacks.hopeless import StopHopeless
from autotune.models.mlp import build_network


def fit(learning_rate: float, epochs: int = 10):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    params = {"n_layers": 2, "units": 16, "optimizer": "sgd", "learning_rate": learning_rate}
    model = build_network(params, 4, 2, "classification")
    probe = GradientProbe(*probe_rows(x, y), activation="relu")
    abort = StopHopeless()
    abort.watch(probe, "cross_entropy", constant_loss(y, "classification"), epochs)
    history = model.fit(x, y, epochs=epochs, verbose=0, callbacks=[probe, abort])
    return abort, len(history.history["loss"])


def test_weights_that_cannot_move_end_the_fit_after_30_percent_of_its_epochs():
    abort, epochs_run = fit(1e-9)
    assert abort.reason["finding"] == "stalled_weights"
    assert epochs_run == abort.reason["epoch"] == 3


def test_a_fit_that_learns_runs_every_epoch():
    abort, epochs_run = fit(0.1)
    assert abort.reason is None and epochs_run == 10


def test_without_a_probe_it_does_nothing():
    assert StopHopeless().on_epoch_end(0, {"loss": 1.0}) is None
