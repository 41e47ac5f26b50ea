"""What the measured series mean: findings with evidence, severity and ordered remedies.

Input: a trial's per-epoch history (loss and metric curves), the probe's per-layer series
(:mod:`autotune.diagnostics.probe`) and the trial's hyperparameters. Output: a list of
findings, each a dict ``{name, severity, summary, evidence, remedies}``. No TensorFlow here,
so the report and the tests can run the rules on recorded series.

Trend checks look at the *checked window*: the epochs after the first ``check_from`` share
(early epochs are noisy by nature, as AutoTrainer notes), and at least the last epoch. A
per-epoch condition must hold in at least ``majority`` of the window's epochs.
"""

from __future__ import annotations

import math
from typing import Any

from autotune.diagnostics.remedies import remedies_for
from autotune.diagnostics.thresholds import FINDINGS, SEVERITY, THRESHOLDS
from autotune.models.params import SATURATING

__all__ = ["FINDINGS", "SEVERITY", "THRESHOLDS", "diagnose", "health"]


def _t(name: str) -> float:
    return THRESHOLDS[name].value


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _window(n_epochs: int) -> range:
    start = min(int(math.floor(n_epochs * _t("check_from"))), max(n_epochs - 1, 0))
    return range(start, n_epochs)


def _mostly(window: range, condition) -> list[int]:
    """The epochs of ``window`` where ``condition(epoch)`` holds, if they are a majority."""
    hits = [e for e in window if condition(e)]
    return hits if window and len(hits) >= max(1, _t("majority") * len(window)) else []


def _finding(name: str, summary: str, evidence: dict[str, Any], params: dict[str, Any]):
    return {
        "name": name,
        "severity": SEVERITY[name],
        "summary": summary,
        "evidence": evidence,
        "remedies": remedies_for(name, params),
    }


def diagnose(
    history: dict[str, list[float]],
    series: dict[str, Any] | None,
    params: dict[str, Any],
    loss_key: str,
) -> list[dict[str, Any]]:
    """All findings of one trial, most severe first.

    Args:
        history: per-epoch logs (``loss``, ``val_loss``, ``<loss_key>``, ``val_<loss_key>``...).
        series: the probe's series, or None when diagnostics were off.
        params: the trial's hyperparameters (all names resolved).
        loss_key: the unpenalised training loss in ``history`` (``cross_entropy`` / ``mse``).
    """
    loss = history.get(loss_key) or history.get("loss") or []
    val = history.get(f"val_{loss_key}") or history.get("val_loss") or []
    found: list[dict[str, Any]] = []
    checks = (
        _nan_loss,
        _exploding,
        _vanishing,
        _dying_relu,
        _saturation,
        _stalled,
        _stagnant,
        _oscillating,
        _slow,
        _overfitting,
    )
    for check in checks:
        result = check(loss, val, series or {}, params, history)
        if result:
            found.append(result)
    if any(f["severity"] == "serious" for f in found):
        # Slow progress is then a symptom of the serious finding, not a separate cause.
        found = [f for f in found if f["name"] != "slow_convergence"]
    order = {"serious": 0, "warning": 1}
    return sorted(found, key=lambda f: order[f["severity"]])


def _nan_loss(loss, val, series, params, history):
    for name, curve in (("training loss", history.get("loss", [])), ("validation loss", val)):
        bad = [e for e, v in enumerate(curve) if v is None or not math.isfinite(v)]
        if bad:
            return _finding(
                "nan_loss",
                f"the {name} became NaN or infinite at epoch {bad[0] + 1}",
                {"epoch": bad[0] + 1, "curve": name},
                params,
            )
    return None


def _dense_start(series) -> int:
    """Where the Dense layers start. A convolution's kernel gradient sums over every pixel
    position, so its size is not comparable to a Dense layer's: the first-to-output ratios
    compare the first Dense layer with the output layer."""
    kinds = series.get("kinds") or []
    return next((i for i, kind in enumerate(kinds) if kind != "conv"), 0)


def _first_name(series) -> str:
    return "the first Dense layer" if _dense_start(series) else "the first layer"


def _ratio_series(series) -> list[float | None]:
    rms = series.get("grad_rms") or []
    start = _dense_start(series)
    out = []
    for row in rms:
        first, last = (row[start], row[-1]) if len(row) - start >= 2 else (None, None)
        out.append(first / last if _finite(first) and _finite(last) and last > 0 else None)
    return out


def _exploding(loss, val, series, params, history):
    layers = series.get("layers") or []
    for e, row in enumerate(series.get("nonfinite") or []):
        if any(row):
            layer = layers[row.index(True)] if layers else "?"
            return _finding(
                "exploding_gradients",
                f"gradients or weights of layer {layer} became NaN/Inf at epoch {e + 1}",
                {"epoch": e + 1, "layer": layer},
                params,
            )
    big = [e for e, v in enumerate(loss) if _finite(v) and v >= _t("exploding_loss")]
    if big:
        return _finding(
            "exploding_gradients",
            f"the training loss reached {loss[big[0]]:.3g} at epoch {big[0] + 1}",
            {"epoch": big[0] + 1, "loss": loss[big[0]]},
            params,
        )
    norms = series.get("weight_norm") or []
    if len(norms) >= 2:
        for i, layer in enumerate(layers):
            start, end = norms[0][i], norms[-1][i]
            if (
                _finite(start)
                and _finite(end)
                and start > 0
                and end / start > _t("exploding_weight_growth")
            ):
                return _finding(
                    "exploding_gradients",
                    f"the weights of layer {layer} grew {end / start:.0f}-fold",
                    {"layer": layer, "weight_norm_first": start, "weight_norm_last": end},
                    params,
                )
    ratios = _ratio_series(series)
    hits = _mostly(
        _window(len(ratios)), lambda e: _finite(ratios[e]) and ratios[e] > _t("exploding_ratio")
    )
    if hits:
        e = hits[-1]
        return _finding(
            "exploding_gradients",
            f"{_first_name(series)}'s gradients are {ratios[e]:.0f}x the output layer's "
            f"(RMS) in {len(hits)} of the checked epochs",
            {
                "epoch": e + 1,
                "rms_ratio": ratios[e],
                "layers": [layers[_dense_start(series)], layers[-1]],
            },
            params,
        )
    return None


def _vanishing(loss, val, series, params, history):
    ratios = _ratio_series(series)
    norms = series.get("grad_norm") or []
    layers = series.get("layers") or []
    start = _dense_start(series)
    if len(layers) - start < 3:  # needs at least two hidden Dense layers to vanish across
        return None

    def condition(e):
        return (
            _finite(ratios[e])
            and ratios[e] < _t("vanishing_ratio")
            and _finite(norms[e][start])
            and norms[e][start] < _t("vanishing_first_norm")
        )

    hits = _mostly(_window(len(ratios)), condition)
    if not hits:
        return None
    e = hits[-1]
    return _finding(
        "vanishing_gradients",
        f"{_first_name(series)}'s gradient is {ratios[e]:.1e} of the output layer's (RMS) "
        f"and its norm {norms[e][start]:.1e} at epoch {e + 1}",
        {
            "epoch": e + 1,
            "rms_ratio": ratios[e],
            "first_grad_norm": norms[e][start],
            "grad_rms_by_layer": dict(zip(layers, series["grad_rms"][e], strict=False)),
        },
        params,
    )


def _per_layer(series, key, threshold, params):
    rows = series.get(key) or []
    layers = series.get("layers") or []
    if not rows or rows[-1] is None:
        return None
    window = _window(len(rows))
    for i in range(len(rows[-1])):
        hits = _mostly(window, lambda e, i=i: rows[e] is not None and rows[e][i] > threshold)
        if hits and rows[-1][i] > threshold:
            return i, layers[i] if i < len(layers) else f"hidden {i + 1}", rows[-1][i], len(hits)
    return None


def _dying_relu(loss, val, series, params, history):
    if params.get("activation") != "relu":
        return None
    hit = _per_layer(series, "dead_fraction", _t("dead_layer"), params)
    if not hit:
        return None
    i, layer, share, n = hit
    return _finding(
        "dying_relu",
        f"{share:.0%} of layer {layer}'s ReLU units output 0 for every probe row",
        {"layer": layer, "dead_fraction": share, "epochs": n},
        params,
    )


def _saturation(loss, val, series, params, history):
    if params.get("activation") not in SATURATING:
        return None
    hit = _per_layer(series, "saturated_fraction", _t("saturated_layer"), params)
    if not hit:
        return None
    i, layer, share, n = hit
    return _finding(
        "saturation",
        f"{share:.0%} of layer {layer}'s {params['activation']} inputs "
        "sit where its derivative is below 0.01",
        {"layer": layer, "saturated_fraction": share, "epochs": n},
        params,
    )


def _unlearned(loss, series, share: str = "unlearned_share") -> bool:
    """The training loss ends at or above ``share`` of the constant prediction's loss."""
    baseline = series.get("baseline_loss")
    return (
        bool(loss)
        and _finite(loss[-1])
        and _finite(baseline)
        and (loss[-1] >= _t(share) * baseline)
    )


def _stalled(loss, val, series, params, history):
    rows = series.get("update_ratio") or []
    layers = series.get("layers") or []
    if not rows or not _unlearned(loss, series):
        return None
    window = _window(len(rows))
    for i in range(len(rows[0]) - 1):  # hidden layers
        hits = _mostly(
            window, lambda e, i=i: _finite(rows[e][i]) and rows[e][i] < _t("stalled_update")
        )
        if hits:
            e = hits[-1]
            return _finding(
                "stalled_weights",
                f"layer {layers[i]}'s weights moved by "
                f"{rows[e][i]:.1e} of their norm in epoch {e + 1}",
                {"layer": layers[i], "update_ratio": rows[e][i], "epoch": e + 1},
                params,
            )
    return None


def _fall(loss, window: range) -> float | None:
    start, end = loss[window.start], loss[-1]
    if not (_finite(start) and _finite(end)) or start <= 0:
        return None
    return (start - end) / start


def _loss_evidence(loss, fall, series) -> dict[str, Any]:
    return {
        "loss_first": loss[0],
        "loss_last": loss[-1],
        "fall": fall,
        "baseline_loss": series.get("baseline_loss"),
    }


def _stagnant(loss, val, series, params, history):
    if len(loss) < 3 or not _unlearned(loss, series, "nothing_learned_share"):
        return None
    fall = _fall(loss, _window(len(loss)))
    if fall is None or fall >= _t("stagnant_change"):
        return None
    return _finding(
        "stagnant_loss",
        f"the training loss stayed at {loss[-1]:.3g} (fell "
        f"{fall:.1%} over the checked epochs), near the loss of predicting the "
        f"{'mean' if series.get('task') == 'regression' else 'class priors'}",
        _loss_evidence(loss, fall, series),
        params,
    )


def _oscillating(loss, val, series, params, history):
    steps = [(a, b) for a, b in zip(loss, loss[1:], strict=False) if _finite(a) and _finite(b)]
    if len(steps) < 4:
        return None
    baseline = series.get("baseline_loss")
    least = _t("oscillation_abs_rise") * baseline if _finite(baseline) else 0.0
    rises = [
        i
        for i, (a, b) in enumerate(steps)
        if a > 0 and (b - a) / a > _t("oscillation_rise") and b - a >= least
    ]
    if len(rises) < 2 or len(rises) < _t("oscillation_share") * len(steps):
        return None
    return _finding(
        "oscillating_loss",
        f"the training loss rose by more than "
        f"{_t('oscillation_rise'):.0%} in {len(rises)} of {len(steps)} epochs",
        {"rising_epochs": [i + 2 for i in rises], "epochs": len(loss)},
        params,
    )


def _slow(loss, val, series, params, history):
    if len(loss) < 5 or not _unlearned(loss, series):
        return None
    finite_val = [(v, e) for e, v in enumerate(val) if _finite(v)]
    recent = max(2, math.ceil(_t("still_improving_epochs") * len(loss)))
    val_improving = bool(finite_val) and min(finite_val)[1] >= len(val) - recent
    if not val_improving and not _unlearned(loss, series, "nothing_learned_share"):
        return None  # validation stopped improving after real learning: it converged
    window = _window(len(loss))
    fall = _fall(loss, window)
    if fall is None or fall < _t("stagnant_change") or not loss[-1] < loss[0]:
        return None  # not falling, or climbing back down from a blow-up
    checked = loss[window.start :]
    parts = int(_t("slow_thirds"))
    if len(checked) < parts:
        return None
    size = len(checked) / parts
    means = [
        sum(chunk) / len(chunk)
        for chunk in (checked[round(i * size) : round((i + 1) * size)] for i in range(parts))
    ]
    if not all(a > b for a, b in zip(means, means[1:], strict=False)):
        return None  # not a steady descent: a plateau, or noise around one
    return _finding(
        "slow_convergence",
        f"the training loss is still falling steadily "
        f"({fall:.1%} over the checked epochs) but stays at {loss[-1]:.3g}, above "
        f"{_t('unlearned_share'):.0%} of the loss of a constant prediction",
        _loss_evidence(loss, fall, series),
        params,
    )


def _overfitting(loss, val, series, params, history):
    finite = [(v, e) for e, v in enumerate(val) if _finite(v)]
    if len(finite) < 4 or not loss or _unlearned(loss, series, "nothing_learned_share"):
        return None  # a model that learned nothing cannot overfit
    best, e_best = min(finite)
    after = len(val) - 1 - e_best
    tail = val[-3:]
    if not all(_finite(v) for v in tail) or best <= 0 or after < _t("overfit_epochs"):
        return None
    last = sum(tail) / len(tail)  # the last epochs' mean: one noisy epoch is not a trend
    rise = (last - best) / best
    baseline = series.get("baseline_loss")
    if _finite(baseline) and last - best < _t("overfit_abs_rise") * baseline:
        return None
    still_fitting = _finite(loss[-1]) and _finite(loss[e_best]) and loss[-1] < loss[e_best]
    if rise < _t("overfit_rise") or not still_fitting:
        return None
    return _finding(
        "overfitting",
        f"the validation loss rose {rise:.0%} above its minimum "
        f"(epoch {e_best + 1}) while the training loss kept falling",
        {
            "best_epoch": e_best + 1,
            "val_best": best,
            "val_last": last,
            "train_at_best": loss[e_best],
            "train_last": loss[-1],
        },
        params,
    )


def health(findings: list[dict[str, Any]], status: str = "completed") -> str:
    """``trials.csv``'s health cell: the finding names, or ``healthy`` (``unknown`` for a
    trial that failed before anything could be measured)."""
    if findings:
        return ",".join(f["name"] for f in findings)
    return "healthy" if status == "completed" else "unknown"
