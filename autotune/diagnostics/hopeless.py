"""Trials that are already lost, told after each epoch so that ``tune`` can end them at once.

A trial is hopeless when a hidden ReLU layer is entirely dead (every unit outputs 0 on every
probe row) for ``abort_dead_epochs`` epochs in a row: no gradient reaches its weights, so
nothing below it can learn again; or when, after the first ``abort_after`` share of its
epochs, its training loss is still no better than the constant prediction's (within
``abort_flat``) while its gradients vanish or its weights no longer move (the thresholds of
``vanishing_gradients`` and ``stalled_weights``). A NaN or infinite loss already ends a trial
at once (:class:`~autotune.callbacks.nan.StopOnNaN`). No TensorFlow here.
"""

from __future__ import annotations

from typing import Any

from autotune.diagnostics._base import SHARED, Threshold, finite
from autotune.diagnostics.gradients import vanishing_epochs
from autotune.diagnostics.updates import stalled

ABORT: dict[str, Threshold] = {
    "abort_dead_epochs": Threshold(
        2,
        "early abort: epochs in a row with a hidden ReLU layer entirely dead",
        "own: a layer with no live unit passes no gradient, so it cannot come back",
    ),
    "abort_after": Threshold(
        SHARED["check_from"].value,
        "early abort: share of a trial's epochs before a flat loss can end it",
        "AutoTrainer (ICSE 2021): checks start after 30% of the epochs",
    ),
    "abort_flat": Threshold(
        0.99,
        "early abort: training loss at or above this share of the constant prediction's",
        "own: within 1% of predicting the class priors / the mean",
    ),
}


def hopeless(
    series: dict[str, Any],
    loss: list[float],
    baseline: float,
    max_epochs: int,
    epoch: int | None = None,
) -> dict[str, Any] | None:
    """Why the trial is lost after its last epoch: ``{finding, epoch, summary}``, or None.
    Never at the trial's last epoch: it ends there anyway.

    Args:
        series: the gradient probe's series so far (one row per epoch run).
        loss: the unpenalised training loss per epoch so far.
        baseline: the constant prediction's loss on the training rows.
        max_epochs: the epochs the trial may run.
        epoch: the epochs run so far (1-based; a continued fit counts its earlier ones);
            default: one per loss.
    """
    epoch = len(loss) if epoch is None else epoch
    if epoch >= max_epochs:
        return None
    dead = _dead_layer(series)
    if dead:
        return {
            "finding": "dying_relu",
            "epoch": epoch,
            "summary": f"every ReLU unit of layer {dead} was dead for "
            f"{ABORT['abort_dead_epochs'].value:g} epochs in a row",
        }
    if epoch < ABORT["abort_after"].value * max_epochs or not loss or not finite(loss[-1]):
        return None
    if not finite(baseline) or loss[-1] < ABORT["abort_flat"].value * baseline:
        return None
    finding = _no_gradient(series)
    if finding is None:
        return None
    return {
        "finding": finding,
        "epoch": epoch,
        "summary": f"the training loss {loss[-1]:.3g} is no better than the constant "
        f"prediction's {baseline:.3g} after {epoch} of {max_epochs} epochs, with "
        f"{finding.replace('_', ' ')}",
    }


def _dead_layer(series: dict[str, Any]) -> str | None:
    """A hidden layer whose every ReLU unit was dead in each of the last epochs (a leaky
    ReLU's units still pass a gradient, so they are not)."""
    if series.get("activation") != "relu":
        return None
    n = int(ABORT["abort_dead_epochs"].value)
    rows = (series.get("dead_fraction") or [])[-n:]
    if len(rows) < n or any(row is None for row in rows):
        return None
    layers = series.get("layers") or []
    for i in range(len(rows[-1])):
        if all(row[i] >= 1.0 for row in rows):
            return layers[i] if i < len(layers) else f"hidden {i + 1}"
    return None


def _no_gradient(series: dict[str, Any]) -> str | None:
    """``vanishing_gradients`` or ``stalled_weights`` at the last epoch, else None."""
    vanishing = vanishing_epochs(series)
    if vanishing and vanishing[-1]:
        return "vanishing_gradients"
    updates = (series.get("update_ratio") or [[]])[-1]
    if any(stalled(u) for u in updates[:-1]):  # hidden layers
        return "stalled_weights"
    return None
