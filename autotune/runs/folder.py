"""The run folder's paths, and its reads and writes (each file written atomically)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from autotune.errors import RunFolderError
from autotune.runs.files import read_json, write_json
from autotune.runs.ranking import rank_trials, write_trials_csv


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
        write_trials_csv(self.trials_csv, ranked)
        return ranked
