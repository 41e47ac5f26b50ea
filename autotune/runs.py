"""The run folder: where a run writes its results and where ``report`` and ``predict`` read.

Layout (the contract users script against)::

    RUN_DIR/
      run.json            dataset summary, task, metric and direction, space, tuner, seed,
                          budgets, library versions, status, best trial, test scores
      trials.csv          one row per trial, ranked (columns: TRIALS_COLUMNS + hyperparameters)
      trials/<id>.json    one trial: hyperparameters, per-epoch history, status, error
      workers/            a distributed search's worker heartbeats (and local workers' logs)
      best_model.keras    the best model with its preprocessing; raw rows in, predictions out
      tuner/              KerasTuner's own project folder (oracle state, checkpoints)
      report.html         the report, rebuilt from the files above by ``autotune report``

Every file is written atomically (to a temporary name, then renamed), so an interrupted run
never leaves a half-written file. No TensorFlow here.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from autotune.errors import RunFolderError

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
    "stopped_by": "early_stopping, max_epochs, time_budget, interrupted, nan_loss, error or "
    "worker_lost (a distributed search's worker stopped during the trial)",
    "fit_seconds": "wall-clock seconds spent building and training the trial",
    "worker": "the worker that ran the trial (a distributed search only)",
    "error": "why a failed trial failed (one line)",
}
# After the hyperparameter columns:
HEALTH_COLUMN = ("health", "the trial's findings (comma-separated names), or healthy")


def _json_default(value: Any) -> Any:
    """Anything else JSON cannot hold (a path, say) is written as text."""
    return str(value)


def clean_number(value: Any) -> Any:
    """NaN / infinity -> None, so JSON stays standard and CSV cells stay empty."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _publish(tmp: str, path: Path) -> None:
    """Give a finished temporary file the usual permissions and move it into place."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically: a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (see :func:`write_text`)."""
    text = json.dumps(_clean(data), indent=2, default=_json_default, allow_nan=False)
    write_text(path, text + "\n")


def _clean(data: Any) -> Any:
    """Plain JSON values: numpy scalars and arrays become Python ones, NaN becomes None."""
    if hasattr(data, "tolist") and not isinstance(data, str):
        data = data.tolist()  # numpy scalar -> number, numpy array -> (nested) list
    if isinstance(data, dict):
        return {str(k): _clean(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_clean(v) for v in data]
    return clean_number(data)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RunFolderError(
            f"{path}: missing; is {path.parent} a complete autotune run folder?"
        ) from exc
    except json.JSONDecodeError as exc:
        raise RunFolderError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc


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
    ranked = []
    for rank, trial in enumerate(completed, start=1):
        ranked.append({**trial, "rank": rank})
    for trial in others:
        ranked.append({**trial, "rank": None})
    return ranked


class RunFolder:
    """Paths and atomic reads / writes of one run folder."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.run_json = self.path / "run.json"
        self.trials_csv = self.path / "trials.csv"
        self.trials_dir = self.path / "trials"
        self.best_model = self.path / "best_model.keras"
        self.tuner_dir = self.path / "tuner"
        self.report = self.path / "report.html"

    def create(self, overwrite: bool = False, resume: bool = False) -> None:
        """Make the folder; refuse to reuse one that holds files unless ``overwrite`` (replace
        it) or ``resume`` (continue the run in it, keeping every file)."""
        if self.path.exists() and not self.path.is_dir():
            raise RunFolderError(f"--out {self.path}: is a file, not a folder; pick another path")
        holds_files = self.path.is_dir() and any(self.path.iterdir())
        if resume:
            if not self.run_json.exists():
                raise RunFolderError(
                    f"--out {self.path}: no run to resume (no run.json); drop --resume to start "
                    "a new run there"
                )
        elif holds_files:
            if not self.run_json.exists():
                raise RunFolderError(
                    f"--out {self.path}: not an autotune run folder (no run.json) and not "
                    "empty; choose an empty or new folder"
                )
            if not overwrite:
                raise RunFolderError(
                    f"--out {self.path}: the folder already holds a run; pass --resume to "
                    "continue it or --overwrite to replace it, or choose another --out"
                )
            shutil.rmtree(self.path)
        try:
            self.trials_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunFolderError(
                f"--out {self.path}: cannot create the folder ({exc.strerror}); choose a "
                "writable location"
            ) from exc
        if not os.access(self.path, os.W_OK):
            raise RunFolderError(f"--out {self.path}: the folder is not writable; choose another")

    def write_run(self, info: dict[str, Any]) -> None:
        write_json(self.run_json, info)

    def read_run(self) -> dict[str, Any]:
        if not self.path.is_dir():
            raise RunFolderError(f"{self.path}: no such run folder; pass the folder `tune` printed")
        return read_json(self.run_json)

    def write_trial(self, trial: dict[str, Any]) -> None:
        write_json(self.trials_dir / f"{trial['trial_id']}.json", trial)

    def read_trials(self) -> list[dict[str, Any]]:
        return [read_json(p) for p in sorted(self.trials_dir.glob("*.json"))]

    def write_trials_csv(
        self, trials: list[dict[str, Any]], direction: str
    ) -> list[dict[str, Any]]:
        """Rank the trials and write ``trials.csv``; return the ranked rows."""
        ranked = rank_trials(trials, direction)
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
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".trials.csv.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns + names + [HEALTH_COLUMN[0]])
                writer.writeheader()
                writer.writerows(rows)
            _publish(tmp, self.trials_csv)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return ranked
