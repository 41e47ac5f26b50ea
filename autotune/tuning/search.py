"""The TensorFlow half of a run: the tuner over a problem's arrays, and the best network.

A *problem* (:class:`~autotune.problems.base.Problem`) holds the encoded training and
validation arrays and builds the hypermodel; :class:`Search` runs KerasTuner over it with the
plan's strategy and limits, the guide when the plan guides, and every callback a trial gets.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable
from typing import Any

from autotune.backend import keras

from autotune.callbacks.deadline import StopAtDeadline
from autotune.callbacks.hopeless import StopHopeless
from autotune.callbacks.nan import StopOnNaN
from autotune.callbacks.progress import ReportEpochs
from autotune.options import Budget, TunePlan
from autotune.problems.base import Problem
from autotune.tuning.guidance import Guide, describe_intervention
from autotune.tuning.oracles import Repairing
from autotune.tuning.resume import keep_recorded_trials
from autotune.tuning.tuner import make_tuner
from autotune.vocabulary import describe_trial


class Search:
    """One search over a problem's in-memory training and validation arrays.

    Args:
        plan: the run's plan (strategy, limits, seed, guidance, the run folder).
        space: the search space (a :class:`~autotune.spaces.SearchSpace`).
        problem: the data as a search problem.
        progress: the terminal display.
        budget: the search's clock; no trial starts after its deadline, the running one stops.
        on_trial_done: called with every finished trial's record.
        on_trial_start: also called with each trial when it starts, or None.
    """

    def __init__(
        self,
        plan: TunePlan,
        space,
        problem: Problem,
        progress,
        budget: Budget,
        on_trial_done: Callable[[dict[str, Any]], None],
        on_trial_start: Callable[[Any], None] | None = None,
    ) -> None:
        self.plan, self.problem, self.progress = plan, problem, progress
        self.deadline, self.on_trial_done = budget.deadline, on_trial_done
        self.objective = problem.objective
        keras.utils.set_random_seed(plan.seed)
        stopper = self.stopper = StopAtDeadline(self.deadline)
        # A distributed search's trials travel as protos, and KerasTuner 1.4 prints every
        # condition it serialises (conditions.Parent.to_proto): its entries stay unconditional.
        distributed = plan.role is not None or plan.workers > 0
        hyperparameters = space.to_hyperparameters(conditional=not distributed)
        self.guide = None
        if plan.guides:
            self.guide = Guide(
                plan.out,
                hyperparameters,
                seed=plan.seed,
                on_intervention=lambda i: progress.log(f"guided: {describe_intervention(i)}"),
            )
        repair = None
        if plan.repair_rounds:
            from autotune.diagnostics.repair import chooser

            repair = (plan.repair_rounds, chooser(plan.repair_choice, plan.seed))
        self.tuner = make_tuner(
            plan.tuner,
            problem.hypermodel(fit_callbacks=[stopper, ReportEpochs(progress)]),
            hyperparameters,
            objective=self.objective,
            max_trials=plan.max_trials,
            max_epochs=plan.max_epochs,
            seed=plan.seed,
            directory=str(plan.out),
            on_trial_done=self._recorded,
            deadline=self.deadline,
            deadline_callback=stopper,
            resume=plan.keeps_tuner_state,
            guide=self.guide,
            portfolio=space.portfolio,
            repair=repair,
            on_trial_start=lambda trial: self._trial_started(trial, on_trial_start),
        )
        if plan.resume and plan.role != "worker":  # this process owns the oracle
            keep_recorded_trials(self.tuner.oracle, plan.out / "trials")

    def _recorded(self, record: dict[str, Any]) -> None:
        oracle = self.tuner.oracle
        if isinstance(oracle, Repairing):  # a round of repair says what it repaired
            record = oracle.recorded(record)
        self.on_trial_done(record)

    def _trial_started(self, trial, also) -> None:
        if self.plan.reseed_trials:  # diagnose: every round starts from the same seed
            keras.utils.set_random_seed(self.plan.seed)
        self.progress.trial_started(trial.trial_id, describe_trial(trial.hyperparameters.values))
        if also is not None:
            also(trial)

    def reserve(self, seconds: float) -> None:
        """Keep the budget's last ``seconds`` free (for the refit): no trial starts in them,
        and a trial that starts later stops at their start."""
        if self.deadline is not None:
            self.tuner.deadline = self.stopper.deadline = self.deadline - seconds

    def request_stop(self) -> None:
        """Stop the search soon: the running trial after its current batch, then no other."""
        self.tuner.request_stop()

    def run(self) -> None:
        """Run every trial (early stopping on the objective; a NaN loss stops a trial)."""
        with warnings.catch_warnings():
            # KerasTuner takes the min of a diverged trial's all-NaN curve; the trial's own
            # record says it diverged, the warning would only repeat it on the terminal.
            warnings.filterwarnings("ignore", "All-NaN", RuntimeWarning)
            self._search()

    def trial_callbacks(self) -> list[keras.callbacks.Callback]:
        """The search's callbacks, which KerasTuner copies for every trial: a NaN loss ends
        the trial, so does a hopeless one (``--early-abort``), and early stopping on the
        objective (unless the plan has no patience)."""
        callbacks: list[keras.callbacks.Callback] = [StopOnNaN()]
        if self.plan.early_abort:
            callbacks.append(StopHopeless())
        if self.plan.patience:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor=self.objective, mode="min", patience=self.plan.patience
                )
            )
        return callbacks

    def _search(self) -> None:
        x, y = self.problem.train
        # KerasTuner collects garbage before every trial's build (``Tuner._try_build``): a
        # full pass over every object TensorFlow and the data made, ~0.2 s a time. Frozen,
        # they are skipped; the pass then sees what trials made since (~2 ms). Unfrozen after,
        # so that a caller's later collections see them again (a notebook's next search).
        gc.freeze()
        try:
            self.tuner.search(
                x,
                y,
                validation_data=self.problem.val,
                epochs=self.plan.max_epochs,
                callbacks=self.trial_callbacks(),
                verbose=0,
            )
        finally:
            gc.unfreeze()

    def best_network(self, trial_id: str) -> keras.Model:
        """A fresh copy of the trial's best-epoch network (its weights; no optimizer state)."""
        with warnings.catch_warnings():
            # The checkpoint holds optimizer state that inference does not need.
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            trained = self.tuner.load_model(self.tuner.oracle.get_trial(trial_id))
        network = keras.models.clone_model(trained)
        network.set_weights(trained.get_weights())
        return network
