"""``--metric``: each metric's objective is scikit-learn's score of the same outputs, lower is
better, and a metric that cannot score the target is refused in one line."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from autotune.errors import UsageError
from autotune.metrics import check_metric, objective_from_scores, objective_value
from autotune.problems.scores import regression_scores
from autotune.vocabulary import METRICS, objective_name

TRUTH = np.array([1, 0, 0, 1, 1, 0])
PROBA = np.array([[0.2, 0.8], [0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.6, 0.4], [0.8, 0.2]])
PREDICTED = PROBA.argmax(axis=1)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("log_loss", metrics.log_loss(TRUTH, PROBA)),
        ("accuracy", 1 - metrics.accuracy_score(TRUTH, PREDICTED)),
        ("balanced_accuracy", 1 - metrics.balanced_accuracy_score(TRUTH, PREDICTED)),
        ("roc_auc", 1 - metrics.roc_auc_score(TRUTH, PROBA[:, 1])),
        ("f1", 1 - metrics.f1_score(TRUTH, PREDICTED)),
        ("macro_f1", 1 - metrics.f1_score(TRUTH, PREDICTED, average="macro")),
    ],
)
def test_a_classification_objective_is_scikit_learns_score(metric, expected):
    assert objective_value(metric, "classification", TRUTH, PROBA) == pytest.approx(expected)


def test_regression_objectives_rank_as_their_metric():
    truth, predicted = np.array([0.0, 1.0, -1.0, 2.0]), np.array([0.5, 1.0, -2.0, 2.0])
    mse = np.mean((truth - predicted) ** 2)
    for metric in ("mse", "rmse", "r2"):  # one order of trials: the mse's
        assert objective_value(metric, "regression", truth, predicted) == pytest.approx(mse)
    mae = np.mean(np.abs(truth - predicted))
    assert objective_value("mae", "regression", truth, predicted) == pytest.approx(mae)


def test_objective_names_say_what_is_minimised():
    assert objective_name("classification") == "val_cross_entropy"
    assert objective_name("regression", "r2") == "val_mse"
    assert objective_name("regression", "mae") == "val_mae"
    assert objective_name("classification", "macro_f1") == "val_macro_f1_error"


def test_scores_in_the_targets_units_give_the_same_objective():
    # The reference model is scored in the target's units; its objective must read like the
    # trials' (standardised target, error of a greater-is-better metric).
    truth, predicted = np.array([10.0, 30.0, 20.0]), np.array([12.0, 26.0, 21.0])
    scores, std = regression_scores(truth, predicted), 10.0
    assert objective_from_scores("mae", "regression", scores, std) == pytest.approx(
        objective_value("mae", "regression", truth / std, predicted / std)
    )
    assert objective_from_scores("accuracy", "classification", {"accuracy": 0.75}) == 0.25


def test_every_metric_of_a_task_is_accepted_and_auto_is_the_default():
    assert check_metric("auto", "regression", None, "t.csv") == "mse"
    for task, names in METRICS.items():
        for name in names:
            assert check_metric(name, task, 2 if task == "classification" else None, "t") == name


@pytest.mark.parametrize(
    ("metric", "task", "classes", "message"),
    [
        ("r2", "classification", 3, "--metric r2: t.csv's 'y' is a classification target"),
        ("accuracy", "regression", None, "is a regression target; use one of mse, rmse"),
        ("f1", "classification", 3, "--metric f1 scores two classes and t.csv's 'y' has 3"),
    ],
)
def test_a_metric_that_cannot_score_the_target_is_refused(metric, task, classes, message):
    with pytest.raises(UsageError, match=message):
        check_metric(metric, task, classes, "t.csv's 'y'")
