"""Weights that stop moving while the network has not learned."""

from __future__ import annotations

from autotune.diagnostics._base import Check, Curves, Threshold, finite, mostly, window
from autotune.diagnostics.remedies import activation_first


def stalled(update_ratio: float | None) -> bool:
    """A layer's weights moved by less than ``stalled_update`` of their norm in an epoch."""
    return finite(update_ratio) and update_ratio < StalledWeights.thresholds["stalled_update"].value


class StalledWeights(Check):
    name = "stalled_weights"
    severity = "warning"
    thresholds = {
        "stalled_update": Threshold(
            1e-5,
            "update ratio ||dW||/||W|| over one epoch, below",
            "own: SageMaker flags < 1e-8 per step; CS231n's healthy 1e-3 per step is ~1e-2 per "
            "epoch",
        ),
    }
    remedies = ("adaptive", "raise_lr", "relu_he", "batch_norm", "init")

    def remedy_order(self, params):
        return activation_first(list(self.remedies), params)

    def check(self, c: Curves):
        rows = c.series.get("update_ratio") or []
        layers = c.series.get("layers") or []
        if not rows or not c.unlearned():
            return None
        epochs = window(len(rows))
        for i in range(len(rows[0]) - 1):  # hidden layers
            hits = mostly(epochs, lambda e, i=i: stalled(rows[e][i]))
            if hits:
                e = hits[-1]
                summary = (
                    f"layer {layers[i]}'s weights moved by {rows[e][i]:.1e} of their norm in "
                    f"epoch {e + 1}"
                )
                return summary, {"layer": layers[i], "update_ratio": rows[e][i], "epoch": e + 1}
        return None
