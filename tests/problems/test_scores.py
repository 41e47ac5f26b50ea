"""Scores of a saved model's predictions, in the target's own units (scikit-learn's)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from autotune.problems.scores import classification_scores, regression_scores


def test_classification_scores_match_scikit_learn():
    truth = ["b", "a", "a", "b"]
    proba = np.array([[0.2, 0.8], [0.9, 0.1], [0.4, 0.6], [0.3, 0.7]], dtype="float32")
    scores = classification_scores(truth, proba, ["a", "b"])
    assert scores["accuracy"] == 0.75 and scores["balanced_accuracy"] == 0.75
    assert scores["log_loss"] == pytest.approx(metrics.log_loss([1, 0, 0, 1], proba), rel=1e-5)
    assert scores["roc_auc"] == 1.0


def test_a_split_without_every_class_still_scores():
    scores = classification_scores(["a", "a"], np.array([[0.9, 0.05, 0.05]] * 2), ["a", "b", "c"])
    assert scores["accuracy"] == 1.0 and "roc_auc" not in scores


def test_regression_scores():
    scores = regression_scores(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0]))
    assert scores["mae"] == pytest.approx(2 / 3) and scores["rmse"] == pytest.approx(np.sqrt(4 / 3))
    assert scores["r2"] == pytest.approx(1 - 4 / 2)
