"""Stop training after a given number of epochs, whatever ``fit``'s ``epochs`` says."""

from __future__ import annotations

from autotune.backend import keras


class StopAfterEpochs(keras.callbacks.Callback):
    """End ``fit`` once ``epochs`` epochs have run.

    ``fit`` keeps its own ``epochs`` (a learning-rate schedule spans it), so a refit can retrace
    a trial's schedule and stop where the trial's best epoch was.
    """

    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = int(epochs)
        self.epochs_run = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_run = epoch + 1
        if self.epochs_run >= self.epochs:
            self.model.stop_training = True
