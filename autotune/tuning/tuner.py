"""KerasTuner tuners that record every trial's whole learning curve and respect a deadline.

KerasTuner keeps only the best step of a trial; autotune records the per-epoch history, the
fit time, how the trial stopped and what its fit measured (:class:`~autotune.models.fitting.
FitNotes`), and hands each finished trial to ``on_trial_done``. The same mixin serves the
four strategies (refine, random, bayesian, hyperband).
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable
from typing import Any

from autotune.backend import keras, kt

from keras_tuner.src import config as kt_config
from keras_tuner.src.engine.tuner_utils import SaveBestEpoch

from autotune.callbacks.best_epoch import KeepBestEpoch, read_weights, weights_file
from autotune.models.fitting import FitNotes
from autotune.tuning.graph_memory import released_after
from autotune.tuning.oracles import STARTING_FROM_DEFAULTS, Repairing
from autotune.tuning.records import trial_record

# KerasTuner prints the traceback of every trial that raises; the trial's record holds the
# error as one line (trials.csv, trials/<id>.json).
kt_config.DEBUG = False

# Hyperband's halving factor (KerasTuner's default).
HYPERBAND_FACTOR = 3
# "No limit" for KerasTuner's count of consecutive failed trials.
MANY = 10**9


class RecordingMixin:
    """Adds history recording and a no-new-trial deadline to a KerasTuner tuner.

    Args:
        on_trial_done: called with each finished trial's record (a dict, see ``runs.py``).
        on_trial_start: called with the trial when it starts.
        deadline: ``time.monotonic()`` after which no new trial starts, or None.
        deadline_callback: the :class:`StopAtDeadline` of the running trial, to tell whether
            the budget stopped it.
        epoch_limit: the epoch limit, to tell whether a trial ran to the end.
    """

    def __init__(
        self,
        *args,
        on_trial_done: Callable[[dict[str, Any]], None],
        on_trial_start: Callable[[Any], None],
        deadline: float | None,
        deadline_callback=None,
        epoch_limit: int,
        **kwargs,
    ):
        self.on_trial_done = on_trial_done
        self.on_trial_start = on_trial_start
        self.deadline = deadline
        self.deadline_callback = deadline_callback
        self.epoch_limit = epoch_limit
        self._runs: dict[str, dict[str, Any]] = {}
        super().__init__(*args, **kwargs)

    def request_stop(self) -> None:
        """Ctrl-C: the running trial ends after its batch and is recorded; no trial follows."""
        self.deadline_callback.stop_now()

    def pre_create_trial(self):
        if self.deadline_callback is not None and self.deadline_callback.interrupted:
            raise KeyboardInterrupt  # between trials: every finished trial is recorded
        if self.deadline is not None and time.monotonic() >= self.deadline and self.oracle.trials:
            # The oracle stops handing out trials once max_trials are reached.
            self.oracle.max_trials = len(self.oracle.trials)
        super().pre_create_trial()

    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        self.on_trial_start(trial)

    def _build_and_fit_model(self, trial, *args, **kwargs):
        # KerasTuner's extension point around hypermodel.fit: swap its per-epoch checkpoint
        # writer for one that writes once, and hand the fit the notes of this trial.
        kwargs["callbacks"] = [
            KeepBestEpoch(c.objective, c.filepath) if type(c) is SaveBestEpoch else c
            for c in kwargs.get("callbacks", [])
        ]
        notes = self._runs[trial.trial_id].setdefault("notes", FitNotes())
        return super()._build_and_fit_model(trial, *args, notes=notes, **kwargs)

    def load_model(self, trial):
        """The trial's network with its best epoch's weights (:class:`KeepBestEpoch`'s file;
        KerasTuner's own ``.h5`` checkpoint for a trial recorded before it)."""
        path = weights_file(self._get_checkpoint_fname(trial.trial_id))
        if not path.exists():
            return super().load_model(trial)
        model = self._try_build(trial.hyperparameters)
        model.set_weights(read_weights(path))
        return model

    def run_trial(self, trial, *args, **kwargs):
        started = time.perf_counter()
        run: dict[str, Any] = {"history": {}, "fit_seconds": None}
        self._runs[trial.trial_id] = run
        try:
            with released_after():  # TensorFlow would keep this trial's graphs forever
                results = super().run_trial(trial, *args, **kwargs)
        finally:
            run["fit_seconds"] = round(time.perf_counter() - started, 3)
        histories = [r for r in results if isinstance(r, keras.callbacks.History)]
        if histories:
            run["history"] = {k: [float(v) for v in vs] for k, vs in histories[-1].history.items()}
            run["initial_epoch"] = int(histories[-1].params.get("initial_epoch", 0) or 0)
            run["max_epochs"] = int(histories[-1].params.get("epochs", self.epoch_limit))
        notes = run.get("notes") or FitNotes()
        run.update(diagnostics=notes.diagnostics, pretraining=notes.pretraining, reuse=notes.reuse)
        if self.deadline_callback is not None and self.deadline_callback.fired:
            run["stopped_by"] = self.deadline_callback.reason
        elif notes.aborted:
            run.update(stopped_by="diagnosis", aborted=notes.aborted)
        return results

    def on_trial_end(self, trial):
        # The record is written before KerasTuner ends the trial in its oracle: a process
        # killed in between leaves a recorded trial that the oracle still holds as running
        # (a resumed run ends it with its record: autotune.tuning.resume), never an ended
        # trial without a record.
        run = self._runs.pop(trial.trial_id, {"history": {}})
        self.on_trial_done(trial_record(trial, run, self.oracle.objective.name))
        super().on_trial_end(trial)


def make_tuner(
    kind: str,
    hypermodel: kt.HyperModel,
    hyperparameters: kt.HyperParameters,
    *,
    objective: str,
    max_trials: int | None,
    max_epochs: int,
    seed: int,
    directory: str,
    resume: bool = False,
    guide=None,
    portfolio: list[dict[str, Any]] | None = None,
    repair: tuple[int, Any] | None = None,
    **recording: Any,
) -> kt.Tuner:
    """A tuner of the given kind that minimises ``objective`` and records every trial.

    Args:
        kind: ``random``, ``bayesian`` or ``hyperband``.
        hypermodel: builds and fits one trial's model.
        hyperparameters: the whole search space (new entries are not tuned).
        objective: the logged metric to minimise, e.g. ``val_cross_entropy``.
        max_trials: at most this many trials (Hyperband may plan fewer); None: no limit.
        max_epochs: epochs per trial (Hyperband's largest bracket).
        seed: seed of the strategy.
        directory: KerasTuner's project folder.
        resume: reload the tuner's state from ``directory`` (KerasTuner's own resume).
        guide: a :class:`~autotune.tuning.guidance.Guide` that steers each new trial by the
            earlier trials' findings (random and bayesian), or None.
        portfolio: configurations tried right after the defaults (random and bayesian).
        repair: ``diagnose --repair``'s ``(rounds, choose)`` (:class:`Repairing`), or None.
        **recording: arguments of :class:`RecordingMixin`.
    """
    oracle_args = dict(
        objective=kt.Objective(objective, direction="min"),
        seed=seed,
        hyperparameters=hyperparameters,
        tune_new_entries=False,
        # A failed trial is recorded and the search goes on, however many fail in a row.
        max_consecutive_failed_trials=MANY,
    )
    tuner_args = dict(
        hypermodel=hypermodel,
        directory=directory,
        project_name="tuner",
        overwrite=not resume,
        epoch_limit=max_epochs,
        **recording,
    )
    with contextlib.redirect_stdout(io.StringIO()):  # KerasTuner prints "Reloading Tuner ..."
        if kind == "hyperband":  # Hyperband's tuner runs the brackets' epochs itself
            tuner = _with_recording(kt.Hyperband)(
                max_epochs=max_epochs, factor=HYPERBAND_FACTOR, **oracle_args, **tuner_args
            )
            tuner.oracle.max_trials = max_trials
            return tuner
        oracle = _oracle(kind, max_trials, guide, portfolio, oracle_args, repair)
        return _with_recording(kt.Tuner)(oracle=oracle, **tuner_args)


def _oracle(kind: str, max_trials, guide, portfolio, oracle_args: dict[str, Any], repair=None):
    """A random or Bayesian oracle: defaults and portfolio first, steered by ``guide``; or
    ``diagnose --repair``'s rounds."""
    if repair is not None:
        return Repairing(rounds=repair[0], choose=repair[1], **oracle_args)
    if kind not in STARTING_FROM_DEFAULTS:
        raise ValueError(f"unknown tuner {kind!r}")
    oracle = STARTING_FROM_DEFAULTS[kind](max_trials=max_trials, **oracle_args)
    oracle.guide, oracle.portfolio = guide, list(portfolio or [])
    return oracle


def _with_recording(base: type) -> type:
    return type(f"Recording{base.__name__}", (RecordingMixin, base), {})
