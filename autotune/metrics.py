"""The metrics ``--metric`` chooses (:data:`~autotune.vocabulary.METRICS`), as the search's
objective: computed with scikit-learn on a network's outputs for the encoded validation rows,
lower is better (a greater-is-better metric counts as its error, ``1 - value``). No TensorFlow.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn import metrics

from autotune.errors import UsageError
from autotune.vocabulary import (
    GREATER_IS_BETTER,
    METRICS,
    SAME_ORDER_AS_LOSS,
    TWO_CLASS_METRICS,
    metric_of,
)


def check_metric(metric: str, task: str, n_classes: int | None, source: str) -> str:
    """The metric a run on this data ranks by (``auto``: the task's default), checked.

    Raises:
        UsageError: the metric is another task's, or needs two classes and the target has more.
    """
    metric = metric_of(task, metric)
    if metric not in METRICS[task]:
        raise UsageError(
            f"--metric {metric}: {source} is a {task} target; use one of "
            + ", ".join(METRICS[task])
        )
    if metric in TWO_CLASS_METRICS and n_classes != 2:
        raise UsageError(
            f"--metric {metric} scores two classes and {source} has {n_classes}; use macro_f1, "
            "balanced_accuracy, accuracy or log_loss"
        )
    return metric


def _log_loss(truth, proba, predicted, labels):
    return metrics.log_loss(truth, proba, labels=labels)


def _macro_f1(truth, proba, predicted, labels):
    return metrics.f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)


# Each classification metric of (class indices, probabilities, predicted indices, labels).
CLASS_METRICS = {
    "accuracy": lambda truth, proba, predicted, labels: metrics.accuracy_score(truth, predicted),
    "balanced_accuracy": lambda truth, proba, predicted, labels: metrics.balanced_accuracy_score(
        truth, predicted
    ),
    "log_loss": _log_loss,
    "macro_f1": _macro_f1,
    # The positive class of the two-class ones is the second in the model's output order.
    "f1": lambda truth, proba, predicted, labels: metrics.f1_score(
        truth, predicted, zero_division=0
    ),
    "roc_auc": lambda truth, proba, predicted, labels: metrics.roc_auc_score(truth, proba[:, 1]),
}


def class_scores(
    truth: np.ndarray, proba: np.ndarray, names: tuple[str, ...] | None = None
) -> dict[str, float]:
    """Classification metrics of class probabilities against class indices: ``names``, or
    every one that applies (the two-class ones only for two classes, ROC AUC only when both
    classes occur)."""
    n_classes = proba.shape[1]
    # A float32 softmax sums to 1 only to ~1e-7; log_loss checks the sum in float64.
    proba = np.clip(np.asarray(proba, dtype="float64"), 1e-7, 1)
    proba = proba / proba.sum(axis=1, keepdims=True)
    predicted = proba.argmax(axis=1)
    if names is None:
        names = tuple(n for n in CLASS_METRICS if n not in TWO_CLASS_METRICS or n_classes == 2)
    if "roc_auc" in names and len(set(np.asarray(truth).tolist())) != 2:
        names = tuple(n for n in names if n != "roc_auc")  # undefined on one class
    with warnings.catch_warnings():
        # A small split may lack a class; the scores are still defined, sklearn just warns.
        warnings.simplefilter("ignore", UserWarning)
        labels = list(range(n_classes))
        return {n: float(CLASS_METRICS[n](truth, proba, predicted, labels)) for n in names}


def objective_value(metric: str, task: str, truth: np.ndarray, outputs: np.ndarray) -> float:
    """The search's objective of network outputs on encoded rows (class probabilities against
    class indices, or the standardised prediction against the standardised target)."""
    if task == "classification":
        scores = class_scores(truth, outputs, (metric,))
        # ROC AUC of rows with one class only is undefined: count it as chance.
        return objective_from_scores(metric, task, {"roc_auc": 0.5, **scores})
    residual = np.ravel(outputs).astype("float64") - np.asarray(truth, dtype="float64")
    if metric in SAME_ORDER_AS_LOSS:
        return float(np.mean(residual**2))
    return float(np.mean(np.abs(residual)))


def objective_from_scores(
    metric: str, task: str, scores: dict[str, Any], target_std: float = 1.0
) -> float:
    """The objective from a split's scores in the target's units (``target_std``: the
    regression target's scale, so the value reads like the trials' standardised ones)."""
    if task == "regression":
        if metric in SAME_ORDER_AS_LOSS:
            return float((scores["rmse"] / target_std) ** 2)
        return float(scores["mae"] / target_std)
    if metric in GREATER_IS_BETTER:
        return 1.0 - float(scores[metric])
    return float(scores[metric])
