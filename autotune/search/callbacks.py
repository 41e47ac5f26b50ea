"""Keras callbacks that the search adds to every trial.

These are shared by all trials (they report to one run-level object), so they are added in
``MLPHyperModel.fit``, after KerasTuner's per-trial deep copy of the search callbacks.
"""

from __future__ import annotations

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import math
import threading
import time

import keras


class StopAtDeadline(keras.callbacks.Callback):
    """Stop training at a wall-clock deadline, or when the user presses Ctrl-C, within one batch.

    A timer thread (or the Ctrl-C handler) sets ``model.stop_training``, which Keras checks
    after every step: no Python work is added per batch. The epoch in progress is still
    validated, so the stopped trial keeps its scores.

    Args:
        deadline: a ``time.monotonic()`` value, or None for no deadline.
    """

    def __init__(self, deadline: float | None):
        super().__init__()
        self.deadline = deadline
        self.fired = False
        self.reason = "time_budget"
        self.interrupted = False
        self._training = False
        self._timer: threading.Timer | None = None

    def _stop(self) -> None:
        self.fired = True
        self.model.stop_training = True

    def stop_now(self) -> None:
        """Ctrl-C: end the running trial after its current batch; start no other."""
        self.interrupted = True
        if self._training:
            self.reason = "interrupted"
            self._stop()

    def on_train_begin(self, logs=None):
        if self.interrupted:
            # Stopped between trials: this one has not trained; it is not recorded.
            raise KeyboardInterrupt
        self.fired, self.reason, self._training = False, "time_budget", True
        if self.deadline is None:
            return
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self._stop()
            return
        self._timer = threading.Timer(remaining, self._stop)
        self._timer.daemon = True
        self._timer.start()

    def on_train_end(self, logs=None):
        self._training = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class ReportEpochs(keras.callbacks.Callback):
    """Forward each epoch's logs to the progress display."""

    def __init__(self, progress):
        super().__init__()
        self.progress = progress

    def on_epoch_end(self, epoch, logs=None):
        self.progress.epoch_ended(epoch, logs or {})


class StopOnNaN(keras.callbacks.Callback):
    """End a trial at the end of the first epoch whose training loss is NaN or infinite.

    Unlike ``keras.callbacks.TerminateOnNaN`` it checks once per epoch (no per-batch hook)
    and prints nothing: the trial's record says what happened.
    """

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.model.stop_training = True
