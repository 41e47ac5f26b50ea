"""Scores of a model's predictions in the target's own units (scikit-learn). No TensorFlow."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics

from autotune.metrics import class_scores


def classification_scores(
    y_true: list[Any], proba: np.ndarray, classes: list[Any]
) -> dict[str, float]:
    """Accuracy, balanced accuracy, log loss and macro F1; for two classes also F1 (of the
    second class) and ROC AUC (:func:`autotune.metrics.class_scores`).

    Args:
        y_true: true labels, as the original values.
        proba: predicted probabilities, one column per entry of ``classes``.
        classes: the class labels, in the model's output order.
    """
    index = {label: i for i, label in enumerate(classes)}
    return class_scores(np.array([index[label] for label in y_true]), proba)


def regression_scores(y_true: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """R², RMSE and MAE."""
    y_true, predicted = np.asarray(y_true, dtype="float64"), np.asarray(predicted, dtype="float64")
    return {
        "r2": float(metrics.r2_score(y_true, predicted)),
        "rmse": float(np.sqrt(metrics.mean_squared_error(y_true, predicted))),
        "mae": float(metrics.mean_absolute_error(y_true, predicted)),
    }
