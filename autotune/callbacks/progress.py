"""Hand each epoch's logs to the terminal's progress display."""

from __future__ import annotations

from autotune.backend import keras


class ReportEpochs(keras.callbacks.Callback):
    """Forward each epoch's logs to the progress display."""

    def __init__(self, progress):
        super().__init__()
        self.progress = progress

    def on_epoch_end(self, epoch, logs=None):
        self.progress.epoch_ended(epoch, logs or {})
