"""End a trial that is already lost (``tune --early-abort``, on by default)."""

from __future__ import annotations

from autotune.backend import keras

from autotune.diagnostics.hopeless import hopeless


class StopHopeless(keras.callbacks.Callback):
    """After each epoch, end the trial when :func:`~autotune.diagnostics.hopeless.hopeless`
    says it is lost; :attr:`reason` then holds why.

    It reads the gradient probe's series, so it runs after the probe: the trial's fit hands
    it the probe (:meth:`watch`) and puts it last. Without a probe it does nothing.
    """

    def __init__(self):
        super().__init__()
        self.probe = self.loss_key = self.baseline = None
        self.max_epochs = 0
        self.reason: dict | None = None
        self.losses: list[float] = []

    def watch(self, probe, loss_key: str, baseline: float, max_epochs: int) -> None:
        """Read ``probe``'s series and the logged ``loss_key`` (the unpenalised training
        loss) against ``baseline`` (the constant prediction's), for a fit of ``max_epochs``."""
        self.probe, self.loss_key, self.baseline = probe, loss_key, baseline
        self.max_epochs = int(max_epochs)

    @property
    def fired(self) -> bool:
        """Whether it ended the fit (as :class:`~autotune.callbacks.deadline.StopAtDeadline`
        says it, for a fit in two phases)."""
        return self.reason is not None

    def on_epoch_end(self, epoch, logs=None):
        if self.probe is None or self.reason is not None:
            return
        logs = logs or {}
        self.losses.append(float(logs.get(self.loss_key, logs.get("loss", float("nan")))))
        self.reason = hopeless(
            self.probe.series, self.losses, self.baseline, self.max_epochs, epoch=epoch + 1
        )
        if self.reason is not None:
            self.model.stop_training = True
