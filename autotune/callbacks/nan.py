"""End a trial whose training loss became NaN or infinite."""

from __future__ import annotations

import math

from autotune.backend import keras


class StopOnNaN(keras.callbacks.Callback):
    """End a trial at the end of the first epoch whose training loss is NaN or infinite.

    Unlike ``keras.callbacks.TerminateOnNaN`` it checks once per epoch (no per-batch hook)
    and prints nothing: the trial's record says what happened.
    """

    stopped = False  # whether it ended a fit

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.stopped = True
            self.model.stop_training = True
