"""What every finding shares: the trial's curves it reads, its thresholds, and one interface.

A finding is a :class:`Check`: its name, severity, thresholds (each with its meaning and where
it comes from), the remedies it may suggest, and one method that looks at a trial's
:class:`Curves` and returns the summary and evidence when the finding applies. One module per
family of findings holds the checks (``gradients``, ``units``, ``updates``, ``loss``,
``overfitting``); :mod:`autotune.diagnostics` runs them all.

Trend checks look at the *checked window*: the epochs after the first ``check_from`` share
(early epochs are noisy by nature, as AutoTrainer notes), and at least the last epoch. A
per-epoch condition must hold in at least ``majority`` of the window's epochs. No TensorFlow
here, so the report and the tests can run the checks on recorded series.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from autotune.diagnostics.remedies import remedy, step_size_first_when_far_too_large


@dataclass(frozen=True)
class Threshold:
    value: float
    meaning: str
    source: str


# Thresholds that several checks share.
SHARED: dict[str, Threshold] = {
    "check_from": Threshold(
        0.3,
        "share of the first epochs left out of trend checks",
        "AutoTrainer (ICSE 2021): checks start after 30% of the epochs",
    ),
    "majority": Threshold(
        0.5,
        "share of checked epochs in which a per-epoch condition must hold",
        "own choice: one noisy epoch is not a pattern",
    ),
    "unlearned_share": Threshold(
        0.5,
        "far from good: training loss at or above this share of the loss of predicting the "
        "class priors / the mean",
        "own: trials that learned well end far below it",
    ),
    "nothing_learned_share": Threshold(
        0.9,
        "learned nothing: training loss at or above this share of the constant prediction's",
        "own: on noisy tables (titanic) good models end at ~0.7 of it, so a stricter bar",
    ),
}


def finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


@dataclass(frozen=True)
class Curves:
    """One trial as the checks read it.

    Attributes:
        loss: the unpenalised training loss per epoch (``cross_entropy`` / ``mse``).
        val: the validation loss per epoch.
        series: the probe's per-layer series (:mod:`autotune.callbacks.gradient_probe`), ``{}``
            when diagnostics were off.
        params: the trial's hyperparameters, every name resolved.
        history: every per-epoch log Keras kept.
    """

    loss: list[float]
    val: list[float]
    series: dict[str, Any]
    params: dict[str, Any]
    history: dict[str, list[float]]

    @property
    def baseline(self) -> Any:
        """The loss of the best constant prediction (class priors / the mean), if measured."""
        return self.series.get("baseline_loss")

    def unlearned(self, share: str = "unlearned_share") -> bool:
        """The training loss ends at or above ``share`` of the constant prediction's loss."""
        loss, baseline = self.loss, self.baseline
        return (
            bool(loss)
            and finite(loss[-1])
            and finite(baseline)
            and loss[-1] >= SHARED[share].value * baseline
        )


def window(n_epochs: int) -> range:
    """The checked epochs of a curve of ``n_epochs`` (see the module's note)."""
    start = min(int(math.floor(n_epochs * SHARED["check_from"].value)), max(n_epochs - 1, 0))
    return range(start, n_epochs)


def mostly(epochs: range, condition: Callable[[int], bool]) -> list[int]:
    """The epochs of ``epochs`` where ``condition(epoch)`` holds, if they are a majority."""
    hits = [e for e in epochs if condition(e)]
    enough = max(1, SHARED["majority"].value * len(epochs))
    return hits if epochs and len(hits) >= enough else []


class Check(ABC):
    """One finding: what it is called, how serious it is, the numbers behind it, its remedies.

    Subclasses set the class attributes and implement :meth:`check`; :meth:`remedy_order`
    may move a remedy first for a trial's own hyperparameters. A learning rate ten times the
    optimizer's default or more moves lowering it first, in every finding that offers it.
    """

    name: ClassVar[str]
    severity: ClassVar[str]  # "serious" or "warning"
    thresholds: ClassVar[dict[str, Threshold]] = {}
    remedies: ClassVar[tuple[str, ...]]  # ids of :mod:`autotune.diagnostics.remedies`

    @abstractmethod
    def check(self, curves: Curves) -> tuple[str, dict[str, Any]] | None:
        """The finding's one-line summary and its evidence, or None when it does not apply."""

    def remedy_order(self, params: dict[str, Any]) -> list[str]:
        """The remedies to offer, the most promising for this trial first."""
        return list(self.remedies)

    def t(self, name: str) -> float:
        """A threshold's value: this check's own, else a shared one."""
        return (self.thresholds.get(name) or SHARED[name]).value

    def finding(self, curves: Curves) -> dict[str, Any] | None:
        """The finding as a trial record stores it, or None."""
        found = self.check(curves)
        if found is None:
            return None
        summary, evidence = found
        order = step_size_first_when_far_too_large(self.remedy_order(curves.params), curves.params)
        offered = (remedy(rid, curves.params) for rid in order)
        return {
            "name": self.name,
            "severity": self.severity,
            "summary": summary,
            "evidence": evidence,
            "remedies": [r for r in offered if r],
        }
