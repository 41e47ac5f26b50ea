"""Stop a trial at the time budget's deadline, or after the batch in which Ctrl-C came."""

from __future__ import annotations

import threading
import time

from autotune.backend import keras


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
