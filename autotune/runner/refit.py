"""Every labelled row trains the shipped model (``--refit all``).

After the search, and after the searched model's validation and test scores are measured, the
shipped trials' configurations (the best trial's, or each ensemble member's) are trained
afresh on the training, validation and test rows together, for the epochs their trials needed
(their best epochs), under the same learning-rate schedules. More rows per epoch means more
gradient steps per epoch in proportion, so the epoch count is kept. The scores the run reports
stay those of the searched model: a model trained on the test rows cannot be scored on them.

The refit's time counts against ``--time-budget``: while the search runs, the estimated cost of
refitting the best trials so far (the best, or the :data:`RESERVED_TRIALS` best when an
ensemble is shipped) is kept free at the budget's end (no new trial starts in it), as far as
it fits in :data:`RESERVE_SHARE` of the budget; the refit then has the reserved seconds (or the
time left, if more). Members are retrained heaviest first; one that does not fit in the time
left is skipped, and one that outruns it is stopped and dropped; either way that member ships
as searched, and ``run.json``'s ``refit`` says why.
"""

from __future__ import annotations

import time
from typing import Any

from autotune.options import Budget, TunePlan
from autotune.problems.base import Problem

# The most of the budget kept free for the refit; a dearer refit is tried only if it fits.
RESERVE_SHARE = 0.3
# The best trials whose refits are reserved for when an ensemble is shipped (its members are
# mostly a few of the best trials).
RESERVED_TRIALS = 3


def refit_seconds(record: dict[str, Any], problem: Problem) -> float | None:
    """A refit's estimated seconds: the trial's fit time, scaled to its best epoch and to
    every labelled row (a conservative figure: the refit skips validation and the probe)."""
    fit, best, ran = record.get("fit_seconds"), record.get("best_epoch"), record.get("epochs_run")
    if not fit or not best or not ran:
        return None
    rows = problem.labelled_rows() / max(1, len(problem.train[1]))
    return fit / ran * best * rows  # Hyperband: ``best`` counts the epochs before this run


def reserve(plan: TunePlan, budget: Budget, estimates: list[float | None]) -> float:
    """Seconds the search leaves free at the budget's end for refitting the best trials so
    far (``estimates``, best first): as many of them as fit in :data:`RESERVE_SHARE`."""
    if plan.refit == "none" or not budget.seconds:
        return 0.0
    reserved = 0.0
    for estimate in estimates[: RESERVED_TRIALS if plan.ensemble != "none" else 1]:
        if estimate is None or reserved + estimate > RESERVE_SHARE * budget.seconds:
            break
        reserved += estimate
    return reserved


class Refit:
    """The shipped configurations retrained on every labelled row; Ctrl-C
    (:meth:`request_stop`) stops it after its batch and the searched members are shipped."""

    def __init__(
        self, problem: Problem, plan: TunePlan, budget: Budget, progress, reserved: float = 0.0
    ):
        from autotune.callbacks.deadline import StopAtDeadline

        self.problem, self.plan, self.budget, self.progress = problem, plan, budget, progress
        self.reserved = reserved
        self.stopper = StopAtDeadline(None)

    def request_stop(self) -> None:
        self.stopper.stop_now()

    def run(self, members: list[dict[str, Any]]) -> tuple[list[Any], dict[str, Any]]:
        """Each member trial's configuration retrained on every labelled row, heaviest
        first while the time lasts: the networks (None: ship that member as searched) and
        ``run.json``'s record of what was done."""
        problem, plan = self.problem, self.plan
        kept: list[Any] = [None] * len(members)
        record: dict[str, Any] = {"status": "off", "train_rows": len(problem.train[1])}
        if plan.refit == "none" or not problem.refits():
            record["why"] = "--refit none" if plan.refit == "none" else problem.why_not_refitted()
            return kept, record
        if not all(member.get("best_epoch") for member in members):
            record["why"] = "a shipped trial has no best epoch"
            return kept, record
        done: list[dict[str, Any]] = []
        for position, member in enumerate(members):
            spent = sum(d.get("seconds", 0.0) for d in done)  # the reserve's part used so far
            done.append(self._member(member, spent))
            kept[position] = done[-1].pop("network", None)
            if done[-1]["status"] in ("stopped", "interrupted"):
                if position + 1 < len(members):  # the rest stay as searched
                    record["untried"] = {"members": len(members) - position - 1,
                                         "why": done[-1]["status"]}  # fmt: skip
                break
        alone = len(members) == 1
        record.update(done[0] if alone else _overall(done, len(members)))
        record["rows"] = problem.labelled_rows()
        if not alone:
            record.update(members=done, shipped=len(members))
        return kept, record

    def _member(self, member: dict[str, Any], spent: float) -> dict[str, Any]:
        """One member's refit, ``spent`` seconds into the refit: its record (``network``:
        the retrained one, when done)."""
        epochs = int(member["best_epoch"])
        estimate = refit_seconds(member, self.problem)
        record = {
            "trial_id": member["trial_id"],
            "epochs": epochs,
            "estimated_seconds": _rounded(estimate),
        }
        deadline = self.budget.deadline
        if deadline is not None:
            # The reserved seconds are the refit's even when the last trial's stop (or the
            # ensemble's selection) ran into them, as it runs past the budget's end when
            # nothing is reserved.
            left = max(deadline - time.monotonic(), self.reserved - spent)
            if estimate is None or estimate > left:
                return {**record, "status": "skipped", "seconds_left": round(max(left, 0.0), 1)}
            self.stopper.deadline = time.monotonic() + left
        self.progress.log(
            f"refit: trial {member['trial_id']}'s configuration on all "
            f"{self.problem.labelled_rows()} labelled rows for {epochs} epochs"
        )
        network, record["seconds"], how = self._fit(member, epochs)
        if how is not None:
            return {**record, "status": how[0], "epochs_run": how[1]}
        return {**record, "status": "done", "network": network}

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


def _overall(done: list[dict[str, Any]], members: int) -> dict[str, Any]:
    """An ensemble's refit in one status: ``done`` (every member), ``partial`` (some) or,
    when none was retrained, the first member's reason."""
    retrained = [d for d in done if d["status"] == "done"]
    if not retrained:
        return {k: v for k, v in done[0].items() if k != "trial_id"}
    return {
        "status": "done" if len(retrained) == members else "partial",
        "retrained": len(retrained),
        "seconds": round(sum(d["seconds"] for d in retrained), 1),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
