"""Overfitting: the validation loss rises while the training loss keeps falling."""

from __future__ import annotations

from autotune.diagnostics._base import Curves
from autotune.diagnostics.overfitting import Overfitting
from autotune.vocabulary import resolve

TRAIN = [1.0, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05]


def test_a_rising_validation_loss_after_its_minimum():
    val = [1.0, 0.7, 0.5, 0.6, 0.7, 0.8, 0.9]
    summary, evidence = Overfitting().check(
        Curves(TRAIN, val, {"baseline_loss": 1.1}, resolve({}), {})
    )
    assert evidence["best_epoch"] == 3 and "rose 60% above its minimum (epoch 3)" in summary


def test_a_rise_too_small_against_the_constant_prediction_is_noise():
    val = [1.0, 0.7, 0.05, 0.055, 0.056, 0.057, 0.058]
    assert Overfitting().check(Curves(TRAIN, val, {"baseline_loss": 1.1}, resolve({}), {})) is None


def test_dropout_already_on_puts_l2_first():
    assert Overfitting().remedy_order(resolve({"dropout": 0.2}))[0] == "l2"
    assert Overfitting().remedy_order(resolve({}))[0] == "dropout"
