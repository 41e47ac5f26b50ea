"""The reference model of every table run: HistGradientBoosting on the same rows."""

from __future__ import annotations

import pytest

from autotune.data.tabular import load_table
from autotune.problems.reference import gradient_boosting_reference


def test_gradient_boosting_is_scored_on_the_same_rows(data_dir):
    data = load_table(data_dir / "penguins.csv", target="species", seed=0)
    reference = gradient_boosting_reference(data)
    assert reference["train_rows"] == len(data.splits["train"].target)
    assert reference["test_scores"]["accuracy"] > 0.9  # penguins is easy for trees
    assert reference["score"] == reference["val_scores"]["log_loss"]


def test_a_regression_reference_scores_in_the_targets_units(data_dir):
    data = load_table(data_dir / "diabetes.csv", seed=0)
    reference = gradient_boosting_reference(data)
    val = reference["val_scores"]
    assert 0.0 < reference["test_scores"]["r2"] < 1.0
    # The leaderboard's score: the standardised target's MSE, as the trials'.
    assert reference["score"] == pytest.approx((val["rmse"] / data.preprocessing.target_std) ** 2)
