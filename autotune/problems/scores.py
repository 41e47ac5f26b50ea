"""Scores of a model's predictions in the target's own units (scikit-learn). No TensorFlow."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn import metrics


def classification_scores(
    y_true: list[Any], proba: np.ndarray, classes: list[Any]
) -> dict[str, float]:
    """Accuracy, balanced accuracy and log loss; ROC AUC as well for two classes.

    Args:
        y_true: true labels, as the original values.
        proba: predicted probabilities, one column per entry of ``classes``.
        classes: the class labels, in the model's output order.
    """
    index = {label: i for i, label in enumerate(classes)}
    truth = np.array([index[label] for label in y_true])
    # A float32 softmax sums to 1 only to ~1e-7; log_loss checks the sum in float64.
    proba = np.clip(np.asarray(proba, dtype="float64"), 1e-7, 1)
    proba = proba / proba.sum(axis=1, keepdims=True)
    predicted = proba.argmax(axis=1)
    with warnings.catch_warnings():
        # A small split may lack a class; the scores are still defined, sklearn just warns.
        warnings.simplefilter("ignore", UserWarning)
        balanced = float(metrics.balanced_accuracy_score(truth, predicted))
    scores = {
        "accuracy": float(metrics.accuracy_score(truth, predicted)),
        "balanced_accuracy": balanced,
        "log_loss": float(metrics.log_loss(truth, proba, labels=range(len(classes)))),
    }
    if len(classes) == 2 and len(set(truth)) == 2:
        scores["roc_auc"] = float(metrics.roc_auc_score(truth, proba[:, 1]))
    return scores


def regression_scores(y_true: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """R², RMSE and MAE."""
    y_true, predicted = np.asarray(y_true, dtype="float64"), np.asarray(predicted, dtype="float64")
    return {
        "r2": float(metrics.r2_score(y_true, predicted)),
        "rmse": float(np.sqrt(metrics.mean_squared_error(y_true, predicted))),
        "mae": float(metrics.mean_absolute_error(y_true, predicted)),
    }
