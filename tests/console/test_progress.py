"""The live view of a search: its limits from the plan, and one line per finished trial."""

from __future__ import annotations

import io

from rich.console import Console

from autotune.console.progress import SearchProgress
from autotune.options import Budget, TuneOptions


def capture() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120, force_terminal=False), out


def test_the_display_takes_the_plans_limits_and_clock(data_dir):
    plan = TuneOptions(data=data_dir / "iris.csv", max_trials=7, max_epochs=9).resolve()
    clock = Budget(100.0, 60)
    progress = SearchProgress.for_plan(plan, "val_mse", clock, capture()[0])
    assert (progress.max_trials, progress.max_epochs, progress.metric) == (7, 9, "val_mse")
    assert progress.time_budget == 60 and progress.started == 100.0


def test_a_finished_trial_is_one_line_and_the_best_is_marked():
    console, out = capture()
    progress = SearchProgress(3, 5, "val_mse", console=console)
    record = {"trial_id": "0001", "status": "completed", "score": 0.25, "epochs_run": 4,
              "fit_seconds": 1.5, "health": "healthy", "findings": []}  # fmt: skip
    progress.trial_ended(record, is_best=True)
    failed = {"trial_id": "0002", "status": "failed", "error": "[boom]", "health": "unknown"}
    progress.trial_ended(failed, is_best=False)
    lines = out.getvalue().splitlines()
    assert lines[0] == "trial 0001  val_mse 0.25  4 epochs  1.5s  healthy  new best"
    assert lines[1].startswith("trial 0002  failed: [boom]")  # markup in an error is text
    assert progress.best == ("0001", 0.25) and progress.done == 2
