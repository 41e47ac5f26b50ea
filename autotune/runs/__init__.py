"""The run folder: where a run writes its results and where ``report`` and ``predict`` read.

Layout (the contract users script against)::

    RUN_DIR/
      run.json            dataset summary, task, metric and direction, space, tuner, seed,
                          budgets, library versions, status, best trial, test scores
      trials.csv          one row per trial, ranked (columns: TRIALS_COLUMNS + hyperparameters)
      trials/<id>.json    one trial: hyperparameters, per-epoch history, status, error
      guidance.json       the guided search's interventions
      workers/            a distributed search's worker heartbeats (and local workers' logs)
      best_model.keras    the best model with its preprocessing; raw rows in, predictions out
      tuner/              KerasTuner's own project folder (oracle state, checkpoints)
      report.html         the report, rebuilt from the files above by ``autotune report``

Every file is written atomically (:mod:`autotune.runs.files`), so an interrupted run never
leaves a half-written file. Imports only :mod:`autotune.errors`; no TensorFlow.
"""

from autotune.runs.files import atomic_path, read_json, write_json, write_text
from autotune.runs.folder import RunFolder
from autotune.runs.ranking import HEALTH_COLUMN, TRIALS_COLUMNS, rank_trials

__all__ = [
    "HEALTH_COLUMN",
    "TRIALS_COLUMNS",
    "RunFolder",
    "atomic_path",
    "rank_trials",
    "read_json",
    "write_json",
    "write_text",
]
