"""KerasTuner tuners that record every trial's whole learning curve and respect a deadline.

KerasTuner keeps only the best step of a trial; autotune records the per-epoch history, the
fit time and how the trial stopped, and hands each finished trial to ``on_trial_done``.
The same mixin serves the three strategies (random, bayesian, hyperband).
"""

from __future__ import annotations

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import contextlib
import io
import math
import time
from collections.abc import Callable
from typing import Any

import keras
import keras_tuner as kt
from keras_tuner.src import config as kt_config
from keras_tuner.src.engine.tuner_utils import SaveBestEpoch

from autotune.diagnostics.rules import diagnose, health
from autotune.models.params import resolve
from autotune.search.graph_memory import released_after
from autotune.search.guidance import Guided

# KerasTuner prints the traceback of every trial that raises; the trial's record holds the
# error as one line (trials.csv, trials/<id>.json).
kt_config.DEBUG = False

# Hyperband's halving factor (KerasTuner's default).
HYPERBAND_FACTOR = 3
# "No limit" for KerasTuner's count of consecutive failed trials.
MANY = 10**9


def _one_line(message: str | None) -> str | None:
    """The last line of a traceback (the exception itself); out-of-memory says what to try."""
    if not message:
        return None
    text = str(message)
    if "_InactiveRpcError" in text and "StatusCode." in text:  # a distributed worker's call
        code = text.split("StatusCode.", 1)[1].split()[0]
        return f"the call to the chief failed (gRPC {code}); the chief is gone or unreachable"
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    line = lines[-1][:500]
    if "ResourceExhaustedError" in line or "OOM when allocating" in line:
        return f"out of memory ({line[:300]}); a smaller batch_size or fewer units may fit"
    return line


class DefaultsFirst:
    """An oracle whose first trial trains the space's default values.

    A space's defaults are its known-good configuration (for ``mlp``: two ReLU layers of
    128 and 64 units, He initialisation, Adam at 1e-3, batch 32), so a short search never
    ends below that baseline; the oracle's own strategy picks every later trial. The same
    practice as KerasTuner's ``GridSearch`` (defaults first) and Optuna's ``enqueue_trial``.
    """

    def populate_space(self, trial_id):
        if not self.trials:  # resuming a run that has trials skips this
            values = {hp.name: hp.default for hp in self.hyperparameters.space}
            return {"status": kt.engine.trial.TrialStatus.RUNNING, "values": values}
        return super().populate_space(trial_id)


# The oracles of ``random`` and ``bayesian`` searches: defaults first, then the strategy's own
# proposals, each steered by the run's findings when the search is guided.
STARTING_FROM_DEFAULTS = {
    kind: type(f"DefaultsFirst{base.__name__}", (Guided, DefaultsFirst, base), {})
    for kind, base in (
        ("random", kt.oracles.RandomSearchOracle),
        ("bayesian", kt.oracles.BayesianOptimizationOracle),
    )
}


class KeepBestEpoch(SaveBestEpoch):
    """KerasTuner's best-epoch checkpoint, kept in memory and written once when training ends.

    ``SaveBestEpoch`` writes an ``.h5`` file at every improving epoch: ~65 ms each, a third
    of a small table's trial. This keeps the weights (a copy in memory) and writes the same
    file, which ``Tuner.load_model`` reads, once.
    """

    def __init__(self, objective, filepath):
        super().__init__(objective, filepath)
        self._best_weights = None

    def _save_model(self):
        self._best_weights = self.model.get_weights()

    def on_train_end(self, logs=None):
        if self._best_weights is None:
            return
        last = self.model.get_weights()
        self.model.set_weights(self._best_weights)
        super()._save_model()
        self.model.set_weights(last)
        self._best_weights = None


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
        # writer for one that writes once.
        kwargs["callbacks"] = [
            KeepBestEpoch(c.objective, c.filepath) if type(c) is SaveBestEpoch else c
            for c in kwargs.get("callbacks", [])
        ]
        return super()._build_and_fit_model(trial, *args, **kwargs)

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
            run["diagnostics"] = getattr(histories[-1], "diagnostics", None)
            run["pretraining"] = getattr(histories[-1], "pretraining", None)
            run["reuse"] = getattr(histories[-1], "reuse", None)
        if self.deadline_callback is not None and self.deadline_callback.fired:
            run["stopped_by"] = self.deadline_callback.reason
        return results

    def on_trial_end(self, trial):
        # The record is written before KerasTuner ends the trial in its oracle: a process
        # killed in between leaves a trial that the oracle runs again on resume (and whose
        # record is then replaced), never an ended trial without a record.
        run = self._runs.pop(trial.trial_id, {"history": {}})
        self.on_trial_done(trial_record(trial, run, self.oracle.objective.name))
        super().on_trial_end(trial)


def trial_record(trial, run: dict[str, Any], metric: str) -> dict[str, Any]:
    """A finished trial as the JSON record stored in ``trials/<id>.json``."""
    history = run.get("history", {})
    curve = history.get(metric, [])
    initial = run.get("initial_epoch", 0)
    finite = [(v, i) for i, v in enumerate(curve) if math.isfinite(v)]
    nan_loss = any(not math.isfinite(v) for v in history.get("loss", []))
    status, error = "completed", None
    if nan_loss or (trial.status == "COMPLETED" and not finite):
        status, error = "failed", "the loss became NaN or infinite (diverged)"
    elif trial.status != "COMPLETED":
        status = "failed"
        error = _one_line(trial.message) or f"KerasTuner ended the trial as {trial.status}"
    best = min(finite) if finite else None
    best_epoch = initial + best[1] + 1 if best else None
    epochs_run = len(curve)
    if status == "failed":
        stopped_by = "nan_loss" if nan_loss else "error"
    elif run.get("stopped_by"):
        stopped_by = run["stopped_by"]  # time_budget or interrupted
    elif initial + epochs_run >= run.get("max_epochs", 0):
        stopped_by = "max_epochs"
    else:
        stopped_by = "early_stopping"
    params = resolve(trial.hyperparameters.values)
    findings = diagnose(history, run.get("diagnostics"), params, metric.removeprefix("val_"))
    record: dict[str, Any] = {
        "trial_id": trial.trial_id,
        "status": status,
        "score": best[0] if best and status == "completed" else None,
        "best_epoch": best_epoch,
        "epochs_run": epochs_run,
        "initial_epoch": initial,
        "stopped_by": stopped_by,
        "fit_seconds": run.get("fit_seconds"),
        "error": error,
        "hyperparameters": dict(trial.hyperparameters.values),
        "health": health(findings, status),
        "findings": findings,
        "history": history,
        "diagnostics": run.get("diagnostics"),
    }
    for extra in ("pretraining", "reuse"):  # --pretrain, --init-from
        if run.get(extra):
            record[extra] = run[extra]
    if best:
        for key, values in history.items():
            if key.startswith("val_") and key != metric and best[1] < len(values):
                record[key] = values[best[1]]
        record[metric] = best[0]
    return record


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
        resume: reload the tuner's state from ``directory`` (KerasTuner's own resume: finished
            trials are kept, the trials that were running are run again).
        guide: a :class:`~autotune.search.guidance.Guide` that steers each new trial by the
            earlier trials' findings (random and bayesian), or None.
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
        if kind not in STARTING_FROM_DEFAULTS:
            raise ValueError(f"unknown tuner {kind!r}")
        oracle = STARTING_FROM_DEFAULTS[kind](max_trials=max_trials, **oracle_args)
        oracle.guide = guide
        return _with_recording(kt.Tuner)(oracle=oracle, **tuner_args)


def _with_recording(base: type) -> type:
    return type(f"Recording{base.__name__}", (RecordingMixin, base), {})
