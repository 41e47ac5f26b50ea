"""``trials.csv``: the trials ranked, one row each, with documented columns. No TensorFlow."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

from autotune.runs.files import atomic_path, clean_number

# trials.csv: fixed columns first, then one column per hyperparameter (sorted by name).
TRIALS_COLUMNS: dict[str, str] = {
    "rank": "1 = best; completed trials by score, then failed trials (no rank)",
    "trial_id": "KerasTuner's trial id; trials/<trial_id>.json holds the details",
    "status": "completed, or failed (an exception, or a loss that became NaN / infinite)",
    "score": "the objective at the best epoch (run.json names it); lower is better",
    "val_cross_entropy": "validation cross-entropy at the best epoch (classification)",
    "val_mse": "validation mean squared error of the standardised target (regression)",
    "val_loss": "validation loss at the best epoch, including the L1/L2 penalty",
    "val_accuracy": "validation accuracy at the best epoch (classification)",
    "val_r2": "validation R² at the best epoch (regression)",
    "best_epoch": "epoch (1-based) with the best score; the model is restored from it",
    "epochs_run": "epochs trained before early stopping, the epoch limit or the time budget",
    "stopped_by": "early_stopping, max_epochs, time_budget, interrupted, nan_loss, error, "
    "diagnosis (--early-abort ended a hopeless trial; its record's aborted says why) or "
    "worker_lost (a distributed search's worker stopped during the trial)",
    "fit_seconds": "wall-clock seconds spent building and training the trial",
    "ensemble_weight": "the trial's weight in the shipped ensemble (empty: not a member)",
    "worker": "the worker that ran the trial (a distributed search only)",
    "error": "why a failed trial failed (one line)",
}
# After the hyperparameter columns:
HEALTH_COLUMN = ("health", "the trial's findings (comma-separated names), or healthy")


def rank_trials(trials: list[dict[str, Any]], direction: str) -> list[dict[str, Any]]:
    """Completed trials with a finite score, best first, then every other trial.

    A failed trial never ranks above a completed one, whatever score it reported.
    """

    def ok(trial: dict[str, Any]) -> bool:
        score = trial.get("score")
        return (
            trial.get("status") == "completed"
            and isinstance(score, int | float)
            and math.isfinite(score)
        )

    sign = 1 if direction == "min" else -1
    completed = sorted(
        (t for t in trials if ok(t)), key=lambda t: (sign * t["score"], t["trial_id"])
    )
    others = sorted((t for t in trials if not ok(t)), key=lambda t: t["trial_id"])
    ranked = [{**trial, "rank": rank} for rank, trial in enumerate(completed, start=1)]
    return ranked + [{**trial, "rank": None} for trial in others]


def write_trials_csv(path: Path, ranked: list[dict[str, Any]]) -> None:
    """Write ranked trials as ``trials.csv`` (atomically)."""
    names = sorted(
        {
            name
            for t in ranked
            for name in t.get("hyperparameters", {})
            if not name.startswith("tuner/")
        }
    )
    present = {key for t in ranked for key, value in t.items() if value is not None}
    columns = [c for c in TRIALS_COLUMNS if c in present or c in ("rank", "score")]
    rows = []
    for trial in ranked:
        row = {c: clean_number(trial.get(c)) for c in columns}
        row.update({n: trial.get("hyperparameters", {}).get(n) for n in names})
        row[HEALTH_COLUMN[0]] = trial.get("health", "")
        rows.append(row)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns + names + [HEALTH_COLUMN[0]])
        writer.writeheader()
        writer.writerows(rows)
