"""A run folder read once for the report: ``run.json`` and every trial, ranked.

A run that is still going, was interrupted or failed is read as it is: the report says so and
shows the trials that finished. No TensorFlow here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autotune.runs import RunFolder, rank_trials, read_json


@dataclass
class RunData:
    """What the report's sections read.

    Attributes:
        folder: the run folder's paths.
        info: ``run.json``.
        trials: every recorded trial, ranked (completed best first, then failed; ``rank`` None
            for a failed trial).
    """

    folder: RunFolder
    info: dict[str, Any]
    trials: list[dict[str, Any]]

    @property
    def metric(self) -> str:
        return self.info["metric"]

    @property
    def loss_key(self) -> str:
        """The unpenalised training loss in the histories (``cross_entropy`` / ``mse``)."""
        return self.metric.removeprefix("val_")

    @property
    def task(self) -> str:
        return self.info["dataset"]["task"]

    @property
    def completed(self) -> list[dict[str, Any]]:
        return [t for t in self.trials if t.get("rank") is not None]

    @property
    def best(self) -> dict[str, Any] | None:
        return self.completed[0] if self.completed else None

    @property
    def guidance(self) -> dict[str, Any] | None:
        """The guided search's record: ``run.json``'s, else (a run cut short)
        ``guidance.json``'s interventions; None when the run had no guide."""
        if self.info.get("guidance") is not None:
            return self.info["guidance"]
        log = self.folder.path / "guidance.json"
        if log.exists():
            return {"enabled": True, **read_json(log)}
        return None

    @property
    def searched(self) -> dict[str, dict[str, Any]]:
        """The hyperparameters the space let vary (``fixed`` ones left out), by name."""
        space = self.info.get("space", {}).get("hyperparameters", {})
        return {name: spec for name, spec in space.items() if spec.get("type") != "fixed"}


def load_run(path: str | Path) -> RunData:
    """Read a run folder (complete or not).

    Raises:
        RunFolderError: not a run folder, or a file in it is not valid JSON.
    """
    folder = RunFolder(path)
    info = folder.read_run()
    trials = folder.read_trials() if folder.trials_dir.is_dir() else []
    return RunData(folder, info, rank_trials(trials, info.get("direction", "min")))
