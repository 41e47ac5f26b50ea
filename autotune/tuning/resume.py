"""A resumed run keeps every trial it recorded as finished.

A trial's record (``trials/<id>.json``) is written just before KerasTuner's oracle is told the
trial ended (so that no ended trial lacks a record). A run killed in between leaves a trial
that the reloaded oracle would train again, although its record says it finished: such a
trial is ended in the oracle with its record's result instead.
"""

from __future__ import annotations

from pathlib import Path

from autotune.backend import kt  # noqa: F401  (KerasTuner loads after TensorFlow)

from keras_tuner.src.engine.trial import TrialStatus

from autotune.errors import RunFolderError
from autotune.runs.files import read_json


def keep_recorded_trials(oracle, trials_dir: Path) -> list[str]:
    """End, with their records' results, the trials a reloaded ``oracle`` would run again but
    that were recorded as finished; return their ids."""
    kept = []
    for trial_id in list(oracle._retry_queue):
        record = _finished_record(Path(trials_dir) / f"{trial_id}.json")
        if record is None:
            continue
        oracle._retry_queue.remove(trial_id)
        trial = oracle.trials[trial_id]
        if record["status"] == "completed" and record.get("score") is not None:
            step = max(0, (record.get("best_epoch") or 1) - 1)
            oracle.update_trial(trial_id, {oracle.objective.name: record["score"]}, step=step)
            trial.status = TrialStatus.COMPLETED
        else:
            trial.status = TrialStatus.FAILED
            trial.message = record.get("error")
        kept.append(trial_id)
    verbose, oracle.verbose = oracle.verbose, 0  # KerasTuner's display never saw them start
    try:
        for trial_id in kept:
            oracle.end_trial(oracle.trials[trial_id])
    finally:
        oracle.verbose = verbose
    return kept


def _finished_record(path: Path) -> dict | None:
    try:
        record = read_json(path)
    except RunFolderError:
        return None  # no record: the trial was cut short, it runs again
    return record if record.get("status") in ("completed", "failed") else None
