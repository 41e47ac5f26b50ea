"""Units that stop passing a gradient: ReLUs that died, sigmoid / tanh units that saturated."""

from __future__ import annotations

from typing import Any

from autotune.diagnostics._base import Check, Curves, Threshold, mostly, window
from autotune.vocabulary import SATURATING


def layer_above(series: dict[str, Any], key: str, threshold: float):
    """The first layer whose ``key`` share is above ``threshold`` in most checked epochs and
    at the last: (its name, the last share, the epochs it held), or None."""
    rows = series.get(key) or []
    layers = series.get("layers") or []
    if not rows or rows[-1] is None:
        return None
    epochs = window(len(rows))
    for i in range(len(rows[-1])):
        hits = mostly(epochs, lambda e, i=i: rows[e] is not None and rows[e][i] > threshold)
        if hits and rows[-1][i] > threshold:
            return layers[i] if i < len(layers) else f"hidden {i + 1}", rows[-1][i], len(hits)
    return None


class DyingRelu(Check):
    name = "dying_relu"
    severity = "serious"
    thresholds = {
        "dead_layer": Threshold(
            0.5,
            "share of a ReLU layer's units dead on every probe row, above",
            "SageMaker Debugger: a layer is dead when > 50% of its units are",
        ),
    }
    remedies = ("leaky_relu", "lower_lr", "init", "batch_norm")

    def check(self, c: Curves):
        if c.params.get("activation") != "relu":
            return None
        hit = layer_above(c.series, "dead_fraction", self.t("dead_layer"))
        if not hit:
            return None
        layer, share, n = hit
        summary = f"{share:.0%} of layer {layer}'s ReLU units output 0 for every probe row"
        return summary, {"layer": layer, "dead_fraction": share, "epochs": n}


class Saturation(Check):
    name = "saturation"
    severity = "warning"
    thresholds = {
        "saturated_layer": Threshold(
            0.5,
            "share of a sigmoid/tanh layer's inputs saturated, above",
            "DeepDiagnosis (ICSE 2022): > 50% of inputs beyond ±5",
        ),
    }
    remedies = ("relu_he", "batch_norm", "init", "lower_lr")

    def check(self, c: Curves):
        if c.params.get("activation") not in SATURATING:
            return None
        hit = layer_above(c.series, "saturated_fraction", self.t("saturated_layer"))
        if not hit:
            return None
        layer, share, n = hit
        summary = (
            f"{share:.0%} of layer {layer}'s {c.params['activation']} inputs sit where its "
            "derivative is below 0.01"
        )
        return summary, {"layer": layer, "saturated_fraction": share, "epochs": n}
