"""What the loss curve alone shows: a loss that diverged, stayed flat, bounced, or fell too
slowly to get anywhere."""

from __future__ import annotations

import math
from typing import Any

from autotune.diagnostics._base import Check, Curves, Threshold, finite, window
from autotune.diagnostics.remedies import (
    activation_first,
    raise_small_lr_first,
    step_size_first_when_clipped,
)


def fall(loss: list[float], epochs: range) -> float | None:
    """The relative fall of ``loss`` from the window's first epoch to its last."""
    start, end = loss[epochs.start], loss[-1]
    if not (finite(start) and finite(end)) or start <= 0:
        return None
    return (start - end) / start


def loss_evidence(c: Curves, fell: float) -> dict[str, Any]:
    return {
        "loss_first": c.loss[0],
        "loss_last": c.loss[-1],
        "fall": fell,
        "baseline_loss": c.baseline,
    }


class NanLoss(Check):
    name = "nan_loss"
    severity = "serious"
    remedies = ("clipnorm", "lower_lr", "batch_norm", "init")

    def remedy_order(self, params):
        return step_size_first_when_clipped(list(self.remedies), params)

    def check(self, c: Curves):
        for name, curve in (
            ("training loss", c.history.get("loss", [])),
            ("validation loss", c.val),
        ):
            bad = [e for e, v in enumerate(curve) if v is None or not math.isfinite(v)]
            if bad:
                summary = f"the {name} became NaN or infinite at epoch {bad[0] + 1}"
                return summary, {"epoch": bad[0] + 1, "curve": name}
        return None


class StagnantLoss(Check):
    name = "stagnant_loss"
    severity = "serious"
    thresholds = {
        "stagnant_change": Threshold(
            0.01,
            "relative fall of the training loss over the window, below",
            "own measurement on the test zoo",
        ),
    }
    remedies = ("adaptive", "raise_lr", "relu_he", "batch_norm", "init")

    def remedy_order(self, params):
        return raise_small_lr_first(activation_first(list(self.remedies), params), params)

    def check(self, c: Curves):
        if len(c.loss) < 3 or not c.unlearned("nothing_learned_share"):
            return None
        fell = fall(c.loss, window(len(c.loss)))
        if fell is None or fell >= self.t("stagnant_change"):
            return None
        constant = "mean" if c.series.get("task") == "regression" else "class priors"
        summary = (
            f"the training loss stayed at {c.loss[-1]:.3g} (fell {fell:.1%} over the checked "
            f"epochs), near the loss of predicting the {constant}"
        )
        return summary, loss_evidence(c, fell)


class OscillatingLoss(Check):
    name = "oscillating_loss"
    severity = "warning"
    thresholds = {
        "oscillation_rise": Threshold(
            0.1,
            "relative rise of the training loss between two epochs",
            "own: healthy curves in the test zoo rise < 3%",
        ),
        "oscillation_abs_rise": Threshold(
            0.02,
            "that rise as a share of the constant prediction's loss, at least",
            "own: bounces of a nearly-converged loss (0.02 -> 0.03) are not oscillation",
        ),
        "oscillation_share": Threshold(
            0.2,
            "share of epoch-to-epoch steps that rise, at least",
            "AutoTrainer (ICSE 2021): swings in >= 20% of epochs",
        ),
    }
    remedies = ("lower_lr", "bigger_batch", "clipnorm", "batch_norm")

    def check(self, c: Curves):
        loss = c.loss
        steps = [(a, b) for a, b in zip(loss, loss[1:], strict=False) if finite(a) and finite(b)]
        if len(steps) < 4:
            return None
        least = self.t("oscillation_abs_rise") * c.baseline if finite(c.baseline) else 0.0
        rises = [
            i
            for i, (a, b) in enumerate(steps)
            if a > 0 and (b - a) / a > self.t("oscillation_rise") and b - a >= least
        ]
        if len(rises) < 2 or len(rises) < self.t("oscillation_share") * len(steps):
            return None
        summary = (
            f"the training loss rose by more than {self.t('oscillation_rise'):.0%} in "
            f"{len(rises)} of {len(steps)} epochs"
        )
        return summary, {"rising_epochs": [i + 2 for i in rises], "epochs": len(loss)}


class SlowConvergence(Check):
    name = "slow_convergence"
    severity = "warning"
    thresholds = {
        "still_improving_epochs": Threshold(
            0.1,
            "slow convergence: the best validation epoch lies in this last share of the epochs "
            "(at least the last 2): training ended while it still improved",
            "own: an early-stopped trial has converged; seen on titanic",
        ),
        "slow_thirds": Threshold(
            3,
            "the checked epochs are cut into this many parts; their mean losses must decrease",
            "own: robust to dropout's epoch-to-epoch noise, seen in real searches",
        ),
    }
    remedies = ("adaptive", "raise_lr", "batch_norm", "init")

    def remedy_order(self, params):
        return raise_small_lr_first(list(self.remedies), params)

    def check(self, c: Curves):
        loss = c.loss
        if len(loss) < 5 or not c.unlearned() or self._validation_learned(c):
            return None
        if not self._still_improving(c) and not c.unlearned("nothing_learned_share"):
            return None  # validation stopped improving after real learning: it converged
        epochs = window(len(loss))
        fell = fall(loss, epochs)
        if fell is None or fell < StagnantLoss.thresholds["stagnant_change"].value:
            return None  # not falling
        if not loss[-1] < loss[0] or not self._steady(loss[epochs.start :]):
            return None  # climbing back down from a blow-up; a plateau, or noise around one
        summary = (
            f"the training loss is still falling steadily ({fell:.1%} over the checked epochs) "
            f"but stays at {loss[-1]:.3g}, above {self.t('unlearned_share'):.0%} of the loss "
            "of a constant prediction"
        )
        return summary, loss_evidence(c, fell)

    def _validation_learned(self, c: Curves) -> bool:
        """The validation loss got below the unlearned share of the constant prediction's:
        the network learned, and a training loss held up by dropout (measured with its units
        dropped) is not slow convergence."""
        best = min((v for v in c.val if finite(v)), default=None)
        return (
            best is not None
            and finite(c.baseline)
            and best < self.t("unlearned_share") * c.baseline
        )

    def _still_improving(self, c: Curves) -> bool:
        """The best validation epoch is among the last ones."""
        finite_val = [(v, e) for e, v in enumerate(c.val) if finite(v)]
        recent = max(2, math.ceil(self.t("still_improving_epochs") * len(c.loss)))
        return bool(finite_val) and min(finite_val)[1] >= len(c.val) - recent

    def _steady(self, checked: list[float]) -> bool:
        """The mean loss of each part of the checked epochs is below the previous part's."""
        parts = int(self.t("slow_thirds"))
        if len(checked) < parts:
            return False
        size = len(checked) / parts
        chunks = (checked[round(i * size) : round((i + 1) * size)] for i in range(parts))
        means = [sum(chunk) / len(chunk) for chunk in chunks]
        return all(a > b for a, b in zip(means, means[1:], strict=False))
