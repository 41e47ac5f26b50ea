"""How a finished KerasTuner trial becomes autotune's record (recorded histories, no training)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from autotune.tuning.records import trial_record

NAN = float("nan")


def kt_trial(status="COMPLETED", message=None, trial_id="07"):
    return SimpleNamespace(
        trial_id=trial_id,
        status=status,
        message=message,
        hyperparameters=SimpleNamespace(values={"units": 8}),
    )


def run(val, loss=None, initial=0, max_epochs=10, stopped_by=None):
    loss = loss or [1.0] * len(val)
    return {
        "history": {"loss": loss, "val_mse": val, "val_loss": [v + 1 for v in val]},
        "initial_epoch": initial,
        "max_epochs": max_epochs,
        **({"stopped_by": stopped_by} if stopped_by else {}),
        "fit_seconds": 1.5,
    }


def test_best_epoch_and_metrics_at_it():
    record = trial_record(kt_trial(), run([0.9, 0.5, 0.7]), "val_mse")
    assert record["status"] == "completed"
    assert record["score"] == 0.5 and record["val_mse"] == 0.5
    assert record["val_loss"] == 1.5  # the other metrics are read at the same epoch
    assert record["best_epoch"] == 2 and record["epochs_run"] == 3
    assert record["stopped_by"] == "early_stopping"


@pytest.mark.parametrize(
    ("kwargs", "stopped_by"),
    [
        ({"max_epochs": 3}, "max_epochs"),
        ({"stopped_by": "time_budget"}, "time_budget"),
        ({"stopped_by": "interrupted"}, "interrupted"),
        ({"initial": 7, "max_epochs": 10}, "max_epochs"),
    ],
)
def test_how_the_trial_stopped(kwargs, stopped_by):
    assert (
        trial_record(kt_trial(), run([0.9, 0.5, 0.7], **kwargs), "val_mse")["stopped_by"]
        == stopped_by
    )


def test_hyperband_continuation_counts_epochs_from_its_start():
    record = trial_record(kt_trial(), run([0.9, 0.5], initial=4, max_epochs=6), "val_mse")
    assert record["best_epoch"] == 6


def test_nan_loss_is_a_failure_even_when_keras_tuner_completed_it():
    record = trial_record(kt_trial(), run([0.4, NAN], loss=[1.0, NAN]), "val_mse")
    assert record["status"] == "failed" and record["score"] is None
    assert record["stopped_by"] == "nan_loss"
    assert "NaN" in record["error"]


def test_exception_keeps_its_last_line():
    message = "Traceback (most recent call last):\n  File x\nValueError: bad shape (3, 4)\n"
    record = trial_record(kt_trial("FAILED", message), {"history": {}}, "val_mse")
    assert record["status"] == "failed" and record["stopped_by"] == "error"
    assert record["error"] == "ValueError: bad shape (3, 4)"
    assert record["epochs_run"] == 0 and record["best_epoch"] is None


def test_nan_loss_with_a_trial_keras_tuner_gave_up_on_still_says_why():
    record = trial_record(kt_trial("FAILED", None), run([NAN], loss=[NAN]), "val_mse")
    assert record["error"] == "the loss became NaN or infinite (diverged)"
