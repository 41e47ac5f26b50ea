"""Gradients that vanish on their way to the first layers, or explode.

Both compare the first Dense layer's RMS gradient with the output layer's. A convolution's
kernel gradient sums over every pixel position, so its size is not comparable to a Dense
layer's: in a CNN the ratio starts at the first Dense layer.
"""

from __future__ import annotations

from typing import Any

from autotune.diagnostics._base import Check, Curves, Threshold, finite, mostly, window
from autotune.diagnostics.remedies import activation_first, step_size_first_when_clipped


def dense_start(series: dict[str, Any]) -> int:
    """The position of the first Dense layer among the probed layers."""
    kinds = series.get("kinds") or []
    return next((i for i, kind in enumerate(kinds) if kind != "conv"), 0)


def first_name(series: dict[str, Any]) -> str:
    return "the first Dense layer" if dense_start(series) else "the first layer"


def ratio_series(series: dict[str, Any]) -> list[float | None]:
    """Per epoch: the first Dense layer's RMS gradient over the output layer's."""
    start = dense_start(series)
    out = []
    for row in series.get("grad_rms") or []:
        first, last = (row[start], row[-1]) if len(row) - start >= 2 else (None, None)
        out.append(first / last if finite(first) and finite(last) and last > 0 else None)
    return out


def vanishing_epochs(series: dict[str, Any]) -> list[bool]:
    """Per epoch: the first Dense layer's RMS gradient is below ``vanishing_ratio`` of the
    output layer's and its gradient norm below ``vanishing_first_norm``; never with fewer
    than two hidden Dense layers to vanish across."""
    ratios, norms = ratio_series(series), series.get("grad_norm") or []
    start = dense_start(series)
    if len(series.get("layers") or []) - start < 3:
        return [False] * len(ratios)
    limits = VanishingGradients.thresholds
    return [
        finite(ratio)
        and ratio < limits["vanishing_ratio"].value
        and finite(norm[start])
        and norm[start] < limits["vanishing_first_norm"].value
        for ratio, norm in zip(ratios, norms, strict=False)
    ]


class ExplodingGradients(Check):
    name = "exploding_gradients"
    severity = "serious"
    thresholds = {
        "exploding_ratio": Threshold(
            70.0,
            "RMS gradient, first hidden layer / output layer, above",
            "AutoTrainer (ICSE 2021), on RMS as above",
        ),
        "exploding_loss": Threshold(
            1e3, "training loss at or above (targets are standardised)", "AutoTrainer (ICSE 2021)"
        ),
        "exploding_weight_growth": Threshold(
            100.0,
            "growth of a kernel's norm over the run, above",
            "own: healthy nets in the test zoo grow < 5x",
        ),
    }
    remedies = ("clipnorm", "lower_lr", "batch_norm", "init", "relu_he")

    def remedy_order(self, params):
        return step_size_first_when_clipped(list(self.remedies), params)

    def check(self, c: Curves):
        return self._nonfinite(c) or self._huge_loss(c) or self._growth(c) or self._ratio(c)

    def _nonfinite(self, c: Curves):
        layers = c.series.get("layers") or []
        for e, row in enumerate(c.series.get("nonfinite") or []):
            if any(row):
                layer = layers[row.index(True)] if layers else "?"
                summary = f"gradients or weights of layer {layer} became NaN/Inf at epoch {e + 1}"
                return summary, {"epoch": e + 1, "layer": layer}
        return None

    def _huge_loss(self, c: Curves):
        for name, curve in (("training", c.loss), ("validation", c.val)):
            big = [e for e, v in enumerate(curve) if finite(v) and v >= self.t("exploding_loss")]
            if big:
                e = big[0]
                summary = f"the {name} loss reached {curve[e]:.3g} at epoch {e + 1}"
                return summary, {"epoch": e + 1, "loss": curve[e], "curve": name}
        return None

    def _growth(self, c: Curves):
        norms = c.series.get("weight_norm") or []
        if len(norms) < 2:
            return None
        for i, layer in enumerate(c.series.get("layers") or []):
            start, end = norms[0][i], norms[-1][i]
            if (
                finite(start)
                and finite(end)
                and start > 0
                and end / start > self.t("exploding_weight_growth")
            ):
                summary = f"the weights of layer {layer} grew {end / start:.0f}-fold"
                return summary, {
                    "layer": layer,
                    "weight_norm_first": start,
                    "weight_norm_last": end,
                }
        return None

    def _ratio(self, c: Curves):
        ratios = ratio_series(c.series)
        hits = mostly(
            window(len(ratios)),
            lambda e: finite(ratios[e]) and ratios[e] > self.t("exploding_ratio"),
        )
        if not hits:
            return None
        e = hits[-1]
        layers = c.series.get("layers") or []
        summary = (
            f"{first_name(c.series)}'s gradients are {ratios[e]:.0f}x the output layer's (RMS) "
            f"in {len(hits)} of the checked epochs"
        )
        evidence = {
            "epoch": e + 1,
            "rms_ratio": ratios[e],
            "layers": [layers[dense_start(c.series)], layers[-1]],
        }
        return summary, evidence


class VanishingGradients(Check):
    name = "vanishing_gradients"
    severity = "serious"
    thresholds = {
        "vanishing_ratio": Threshold(
            1e-3,
            "RMS gradient, first hidden layer / output layer, below",
            "AutoTrainer's first/last gradient ratio 1e-3; RMS (norm / "
            "sqrt(size)) so that layer width does not count",
        ),
        "vanishing_first_norm": Threshold(
            1e-4, "L2 gradient norm of the first hidden layer, below", "AutoTrainer (ICSE 2021)"
        ),
    }
    remedies = ("relu_he", "init", "batch_norm", "residual", "adaptive", "shallower")

    def remedy_order(self, params):
        return activation_first(list(self.remedies), params)

    def check(self, c: Curves):
        series = c.series
        ratios, norms = ratio_series(series), series.get("grad_norm") or []
        layers, start = series.get("layers") or [], dense_start(series)
        small = vanishing_epochs(series)
        hits = mostly(window(len(small)), lambda e: small[e])
        if not hits:
            return None
        e = hits[-1]
        summary = (
            f"{first_name(series)}'s gradient is {ratios[e]:.1e} of the output layer's (RMS) "
            f"and its norm {norms[e][start]:.1e} at epoch {e + 1}"
        )
        evidence = {
            "epoch": e + 1,
            "rms_ratio": ratios[e],
            "first_grad_norm": norms[e][start],
            "grad_rms_by_layer": dict(zip(layers, series["grad_rms"][e], strict=False)),
        }
        return summary, evidence
