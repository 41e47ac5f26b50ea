"""What a trial's measured series mean: findings with evidence, severity and ordered remedies.

Input: a trial's per-epoch history (loss and metric curves), the gradient probe's per-layer
series (:mod:`autotune.callbacks.gradient_probe`) and the trial's hyperparameters. Output: a
list of findings, each ``{name, severity, summary, evidence, remedies}``. Each finding is a
:class:`~autotune.diagnostics._base.Check` (name, severity, thresholds with their source,
check, remedies) in the module of its family; :data:`CHECKS` lists them in the order they
run. Imports only the vocabulary; no TensorFlow.
"""

from __future__ import annotations

from typing import Any

from autotune.diagnostics._base import SHARED, Check, Curves, Threshold
from autotune.diagnostics.gradients import ExplodingGradients, VanishingGradients
from autotune.diagnostics.loss import NanLoss, OscillatingLoss, SlowConvergence, StagnantLoss
from autotune.diagnostics.overfitting import Overfitting
from autotune.diagnostics.units import DyingRelu, Saturation
from autotune.diagnostics.updates import StalledWeights

CHECKS: tuple[Check, ...] = (
    NanLoss(),
    ExplodingGradients(),
    VanishingGradients(),
    DyingRelu(),
    Saturation(),
    StalledWeights(),
    StagnantLoss(),
    OscillatingLoss(),
    SlowConvergence(),
    Overfitting(),
)
FINDINGS = tuple(check.name for check in CHECKS)
SEVERITY = {check.name: check.severity for check in CHECKS}
# Every threshold by name (the README's table): the shared ones, then each check's own.
THRESHOLDS: dict[str, Threshold] = {
    **SHARED,
    **{name: t for check in CHECKS for name, t in check.thresholds.items()},
}

__all__ = ["CHECKS", "FINDINGS", "SEVERITY", "THRESHOLDS", "Check", "diagnose", "health"]


def diagnose(
    history: dict[str, list[float]],
    series: dict[str, Any] | None,
    params: dict[str, Any],
    loss_key: str,
) -> list[dict[str, Any]]:
    """All findings of one trial, serious ones first.

    Args:
        history: per-epoch logs (``loss``, ``val_loss``, ``<loss_key>``, ``val_<loss_key>``...).
        series: the probe's series, or None when diagnostics were off.
        params: the trial's hyperparameters (all names resolved).
        loss_key: the unpenalised training loss in ``history`` (``cross_entropy`` / ``mse``).
    """
    curves = Curves(
        loss=history.get(loss_key) or history.get("loss") or [],
        val=history.get(f"val_{loss_key}") or history.get("val_loss") or [],
        series=series or {},
        params=params,
        history=history,
    )
    found = [f for f in (check.finding(curves) for check in CHECKS) if f]
    if any(f["severity"] == "serious" for f in found):
        # Slow progress is then a symptom of the serious finding, not a separate cause.
        found = [f for f in found if f["name"] != "slow_convergence"]
    order = {"serious": 0, "warning": 1}
    return sorted(found, key=lambda f: order[f["severity"]])


def health(findings: list[dict[str, Any]], status: str = "completed") -> str:
    """``trials.csv``'s health cell: the finding names, or ``healthy`` (``unknown`` for a
    trial that failed before anything could be measured)."""
    if findings:
        return ",".join(f["name"] for f in findings)
    return "healthy" if status == "completed" else "unknown"
