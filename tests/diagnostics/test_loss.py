"""What the loss curve alone shows: NaN, a flat loss, bounces, a slow fall."""

from __future__ import annotations

from autotune.diagnostics._base import Curves
from autotune.diagnostics.loss import NanLoss, OscillatingLoss, SlowConvergence, StagnantLoss, fall
from autotune.vocabulary import resolve


def curves(loss, val=None, baseline=1.0, **params):
    series = {"baseline_loss": baseline, "task": "classification"}
    return Curves(loss, val or [], series, resolve(params), {"loss": loss})


def test_nan_in_either_curve():
    assert NanLoss().check(curves([1.0, float("nan")]))[1] == {"epoch": 2, "curve": "training loss"}
    assert NanLoss().check(curves([1.0], val=[float("inf")]))[1]["curve"] == "validation loss"
    assert NanLoss().check(curves([1.0, 0.5])) is None


def test_a_flat_loss_near_the_constant_prediction_is_stagnant():
    summary, evidence = StagnantLoss().check(curves([1.0] * 10))
    assert "near the loss of predicting the class priors" in summary and evidence["fall"] == 0.0
    assert StagnantLoss().check(curves([1.0] * 10, baseline=5.0)) is None  # it learned


def test_a_small_learning_rate_puts_raising_it_first():
    assert StagnantLoss().remedy_order(resolve({"learning_rate": 1e-4}))[0] == "raise_lr"


def test_bounces_are_oscillation():
    loss = [1.0, 0.6, 0.9, 0.5, 0.8, 0.4, 0.7, 0.3]
    summary, evidence = OscillatingLoss().check(curves(loss))
    assert evidence["rising_epochs"] == [3, 5, 7] and "in 3 of 7 epochs" in summary
    assert OscillatingLoss().check(curves([1.0, 0.9, 0.8, 0.7, 0.6])) is None


def test_a_steady_fall_that_is_still_high_is_slow():
    loss = [1.0 - 0.02 * e for e in range(20)]
    assert SlowConvergence().check(curves(loss, val=loss))
    assert (
        SlowConvergence().check(curves([1.0 - 0.05 * e for e in range(15)], baseline=2.0))
        is None  # learned
    )
    assert fall([2.0, 1.0], range(0, 2)) == 0.5
