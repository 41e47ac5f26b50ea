"""Each epoch's logs reach the terminal's progress display."""

from __future__ import annotations

import io

from autotune.backend import keras

import numpy as np
from rich.console import Console

from autotune.callbacks.progress import ReportEpochs
from autotune.console.progress import SearchProgress


def test_every_epoch_moves_the_epoch_bar():
    progress = SearchProgress(1, 4, "val_loss", console=Console(file=io.StringIO()))
    progress.trial_started("0000", "[8] relu")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.zeros((8, 2), "float32")
    model.fit(x, x[:, 0], validation_data=(x, x[:, 0]), epochs=3, verbose=0,
              callbacks=[ReportEpochs(progress)])  # fmt: skip
    epochs = progress._progress.tasks[progress._epochs]
    assert epochs.completed == 3 and "val_loss 0" in epochs.fields["info"]
