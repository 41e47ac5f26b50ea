"""Every labelled row trains the shipped model (``--refit all``).

After the search, and after the searched model's validation and test scores are measured, the
best trial's configuration is trained afresh on the training, validation and test rows
together, for the epochs its trial needed (its best epoch), under the same learning-rate
schedule. More rows per epoch means more gradient steps per epoch in proportion, so the epoch
count is kept. The scores the run reports stay those of the searched model: a model trained
on the test rows cannot be scored on them.

The refit's time counts against ``--time-budget``: while the search runs, the estimated cost of
refitting the best trial so far is kept free at the budget's end (no new trial starts in it),
unless that would take more than :data:`RESERVE_SHARE` of the budget; the refit then has the
reserved seconds (or the time left, if more). A refit that does not fit in them is skipped,
and one that outruns them is stopped and dropped; either way the searched model is shipped,
and ``run.json``'s ``refit`` says why.
"""

from __future__ import annotations

import time
from typing import Any

from autotune.options import Budget, TunePlan
from autotune.problems.base import Problem

# The most of the budget kept free for the refit; a dearer refit is tried only if it fits.
RESERVE_SHARE = 0.3


def refit_seconds(record: dict[str, Any], problem: Problem) -> float | None:
    """A refit's estimated seconds: the trial's fit time, scaled to its best epoch and to
    every labelled row (a conservative figure: the refit skips validation and the probe)."""
    fit, best, ran = record.get("fit_seconds"), record.get("best_epoch"), record.get("epochs_run")
    if not fit or not best or not ran:
        return None
    rows = problem.labelled_rows() / max(1, len(problem.train[1]))
    return fit / ran * best * rows  # Hyperband: ``best`` counts the epochs before this run


def reserve(plan: TunePlan, budget: Budget, estimate: float | None) -> float:
    """Seconds the search leaves free at the budget's end for the refit."""
    if plan.refit == "none" or not budget.seconds or estimate is None:
        return 0.0
    return estimate if estimate <= RESERVE_SHARE * budget.seconds else 0.0


class Refit:
    """The best configuration retrained on every labelled row; Ctrl-C (:meth:`request_stop`)
    stops it after its batch and the searched model is shipped."""

    def __init__(
        self, problem: Problem, plan: TunePlan, budget: Budget, progress, reserved: float = 0.0
    ):
        from autotune.callbacks.deadline import StopAtDeadline

        self.problem, self.plan, self.budget, self.progress = problem, plan, budget, progress
        self.reserved = reserved
        self.stopper = StopAtDeadline(None)

    def request_stop(self) -> None:
        self.stopper.stop_now()

    def run(self, best: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """The retrained network of the best trial ``best`` (None: ship the searched model)
        and ``run.json``'s record of what was done."""
        problem, plan = self.problem, self.plan
        record: dict[str, Any] = {"status": "off", "train_rows": len(problem.train[1])}
        if plan.refit == "none" or not problem.refits():
            record["why"] = "--refit none" if plan.refit == "none" else problem.why_not_refitted()
            return None, record
        if not best.get("best_epoch"):
            record["why"] = "the best trial has no best epoch"
            return None, record
        rows, epochs = problem.labelled_rows(), int(best["best_epoch"])
        estimate = refit_seconds(best, problem)
        record.update(rows=rows, epochs=epochs, estimated_seconds=_rounded(estimate))
        deadline = self.budget.deadline
        if deadline is not None:
            # The reserved seconds are the refit's even when the last trial's stop ran into
            # them (as it runs past the budget's end when nothing is reserved).
            left = max(deadline - time.monotonic(), self.reserved)
            if estimate is None or estimate > left:
                record.update(status="skipped", seconds_left=round(max(left, 0.0), 1))
                return None, record
            self.stopper.deadline = time.monotonic() + left
        self.progress.log(
            f"refit: trial {best['trial_id']}'s configuration on all {rows} labelled rows for "
            f"{epochs} epochs"
        )
        network, record["seconds"], how = self._fit(best, epochs)
        if how is not None:
            record.update(status=how[0], epochs_run=how[1])
            return None, record
        record["status"] = "done"
        return network, record

    def _fit(self, best: dict[str, Any], epochs: int):
        """The fresh network trained for ``epochs``, its seconds, and None or why it was
        dropped (``stopped``, ``interrupted``, ``diverged``) with the epochs it ran."""
        from autotune.backend import keras

        from autotune.callbacks.nan import StopOnNaN
        from autotune.callbacks.stop_after import StopAfterEpochs
        from autotune.tuning.graph_memory import released_after

        keras.utils.set_random_seed(self.plan.seed)
        started, stop_after, nan = time.perf_counter(), StopAfterEpochs(epochs), StopOnNaN()
        # The trial's schedule spans its fit's epochs (Hyperband's bracket, else the limit).
        span = int(best["hyperparameters"].get("tuner/epochs", self.plan.max_epochs))
        network = None
        try:
            with released_after():  # as after a trial: its traced graphs are not needed again
                callbacks = [stop_after, nan, self.stopper]
                network = self.problem.refit(best["hyperparameters"], span, callbacks)
        except KeyboardInterrupt:  # Ctrl-C before its first batch
            self.stopper.fired, self.stopper.reason = True, "interrupted"
        seconds = round(time.perf_counter() - started, 1)
        if nan.stopped:
            return None, seconds, ("diverged", stop_after.epochs_run)
        if self.stopper.fired:
            status = "interrupted" if self.stopper.reason == "interrupted" else "stopped"
            return None, seconds, (status, stop_after.epochs_run)
        return network, seconds, None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
