"""One tuning run, end to end: CSV -> splits -> search -> best model -> test score -> run folder.

Data flows one way: the table is loaded and its preprocessing fitted once; every trial trains
on the same in-memory encoded arrays; the best trial's network is joined to the preprocessing
front-end and saved; the held-out test split, never seen by the search, gives the final score.
"""

from __future__ import annotations

import os
import platform
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import keras

from autotune.data.preprocessing import (
    as_dataset,
    build_preprocessor,
    encode,
    export_model,
    model_inputs,
)
from autotune.data.tabular import TabularData, load_table, normalise_labels
from autotune.errors import SearchFailedError, UsageError
from autotune.metrics import classification_scores, regression_scores
from autotune.models.mlp import MLPHyperModel
from autotune.models.params import describe_trial
from autotune.progress import SearchProgress
from autotune.runs import RunFolder
from autotune.search.callbacks import ReportEpochs, StopAtDeadline
from autotune.search.tuner import TUNERS, make_tuner
from autotune.spaces import load_space

METRIC, DIRECTION = "val_loss", "min"
VERSIONED = ("autotune", "tensorflow", "keras", "keras-tuner", "scikit-learn", "pandas", "numpy")


@dataclass
class TuneOptions:
    """The options of ``autotune tune``; see the CLI help for each."""

    data: Path
    target: str | None = None
    task: str = "auto"
    space: str = "mlp"
    tuner: str = "random"
    max_trials: int = 20
    max_epochs: int = 50
    time_budget: float | None = None
    seed: int = 0
    out: Path | None = None
    overwrite: bool = False
    test_size: float = 0.2
    patience: int = 5

    def check(self) -> None:
        if self.tuner not in TUNERS:
            raise UsageError(f"--tuner {self.tuner!r} is not one of {', '.join(TUNERS)}")
        for flag, value in (
            ("--max-trials", self.max_trials),
            ("--max-epochs", self.max_epochs),
            ("--patience", self.patience),
        ):
            if value < 1:
                raise UsageError(f"{flag} {value}: must be at least 1")
        if self.time_budget is not None and self.time_budget <= 0:
            raise UsageError(
                f"--time-budget {self.time_budget}: must be a positive number of seconds"
            )


def default_out(data: Path) -> Path:
    """``reports/<data name>-<YYYYmmdd-HHMMSS>``."""
    return Path("reports") / f"{Path(data).stem}-{datetime.now():%Y%m%d-%H%M%S}"


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def evaluate(model: keras.Model, data: TabularData, split: str) -> dict[str, float]:
    """Scores of the exported model (raw rows in) on one split, in the target's own units."""
    spec = data.preprocessing
    rows = data.splits[split]
    output = model.predict(as_dataset(model_inputs(rows.features, spec)), verbose=0)
    if spec.task == "classification":
        return classification_scores(normalise_labels(rows.target), output, spec.classes)
    return regression_scores(rows.target.to_numpy(dtype="float64"), output.ravel())


def run_search(options: TuneOptions, progress_console=None) -> dict[str, Any]:
    """Run a whole search and fill the run folder; return the final ``run.json`` content.

    Raises:
        AutotuneError: bad input (exit code 2), or every trial failed (exit code 1).
    """
    options.check()
    space = load_space(options.space)
    data = load_table(
        options.data, options.target, options.task, test_size=options.test_size, seed=options.seed
    )
    folder = RunFolder(options.out or default_out(options.data))
    folder.create(overwrite=options.overwrite)
    spec = data.preprocessing
    started = time.monotonic()
    info: dict[str, Any] = {
        "autotune_version": versions()["autotune"],
        "status": "running",
        "created": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv) if Path(sys.argv[0]).name == "autotune" else None,
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
        "dataset": data.summary,
        "warnings": data.warnings,
        "preprocessing": spec.to_dict(),
        "metric": METRIC,
        "direction": DIRECTION,
        "score": f"{METRIC} of the best epoch; lower is better",
        "space": space.to_dict(),
        "tuner": options.tuner,
        "seed": options.seed,
        "budgets": {
            "max_trials": options.max_trials,
            "max_epochs": options.max_epochs,
            "time_budget_seconds": options.time_budget,
            "patience": options.patience,
        },
        "versions": versions(),
    }
    folder.write_run(info)

    progress = SearchProgress(
        options.max_trials,
        options.max_epochs,
        METRIC,
        options.time_budget,
        console=progress_console,
    )
    _announce(progress, data, folder)
    keras.utils.set_random_seed(options.seed)
    preprocessor = build_preprocessor(spec)
    arrays = {
        name: encode(preprocessor, split.features, spec) for name, split in data.splits.items()
    }
    targets = {name: spec.encode_target(split.target) for name, split in data.splits.items()}

    records: dict[str, dict[str, Any]] = {}
    deadline = started + options.time_budget if options.time_budget else None
    stopper = StopAtDeadline(deadline)

    def trial_done(record: dict[str, Any]) -> None:
        records[record["trial_id"]] = record
        folder.write_trial(record)
        ranked = folder.write_trials_csv(list(records.values()), DIRECTION)
        progress.trial_ended(
            record, is_best=ranked[0]["trial_id"] == record["trial_id"] and ranked[0]["rank"] == 1
        )

    hypermodel = MLPHyperModel(
        arrays["train"].shape[1],
        spec.n_outputs,
        spec.task,
        fit_callbacks=[stopper, ReportEpochs(progress)],
    )
    tuner = make_tuner(
        options.tuner,
        hypermodel,
        space.to_hyperparameters(),
        max_trials=options.max_trials,
        max_epochs=options.max_epochs,
        seed=options.seed,
        directory=str(folder.path),
        on_trial_done=trial_done,
        deadline=deadline,
        deadline_callback=stopper,
        on_trial_start=lambda trial: progress.trial_started(
            trial.trial_id, describe_trial(trial.hyperparameters.values)
        ),
    )
    try:
        with progress:
            tuner.search(
                arrays["train"],
                targets["train"],
                validation_data=(arrays["val"], targets["val"]),
                epochs=options.max_epochs,
                callbacks=[
                    keras.callbacks.EarlyStopping(monitor=METRIC, patience=options.patience),
                    keras.callbacks.TerminateOnNaN(),
                ],
                verbose=0,
            )
    except KeyboardInterrupt:
        info.update(status="interrupted", elapsed_seconds=round(time.monotonic() - started, 1))
        info["trials"] = _counts(records)
        folder.write_run(info)
        raise

    ranked = folder.write_trials_csv(list(records.values()), DIRECTION)
    info["trials"] = _counts(records)
    best = ranked[0] if ranked and ranked[0]["rank"] == 1 else None
    if best is None:
        info.update(status="failed", elapsed_seconds=round(time.monotonic() - started, 1))
        folder.write_run(info)
        reasons = sorted({r.get("error") or r["status"] for r in records.values()})
        raise SearchFailedError(
            f"all {len(records)} trial(s) failed ({'; '.join(reasons)[:300]}); see "
            f"{folder.trials_csv}. Try --space fast, a smaller learning rate, or check the data"
        )

    with warnings.catch_warnings():
        # The checkpoint holds optimizer state that inference does not need.
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        trained = tuner.load_model(tuner.oracle.get_trial(best["trial_id"]))
    # An uncompiled copy: the saved model carries no optimizer state, only what predicts.
    network = keras.models.clone_model(trained)
    network.set_weights(trained.get_weights())
    model = export_model(preprocessor, network, spec)
    tmp = folder.best_model.with_name(".best_model.tmp.keras")
    model.save(tmp)
    os.replace(tmp, folder.best_model)

    info.update(
        status="completed",
        finished=datetime.now().isoformat(timespec="seconds"),
        elapsed_seconds=round(time.monotonic() - started, 1),
        best_trial={
            k: best.get(k)
            for k in ("trial_id", "score", "best_epoch", "epochs_run", "hyperparameters")
        },
        val_scores=evaluate(model, data, "val"),
        test_scores=evaluate(model, data, "test") if "test" in data.splits else None,
    )
    folder.write_run(info)
    return info


def _counts(records: dict[str, dict[str, Any]]) -> dict[str, int]:
    statuses = [r["status"] for r in records.values()]
    return {
        "run": len(statuses),
        "completed": statuses.count("completed"),
        "failed": statuses.count("failed"),
    }


def _announce(progress: SearchProgress, data: TabularData, folder: RunFolder) -> None:
    s = data.summary
    feats = s["features"]
    progress.log(
        f"data: {s['source']} ({s['rows']} rows, {s['columns']} columns; "
        f"{len(feats['numeric'])} numeric and {len(feats['categorical'])} categorical "
        f"features)"
    )
    progress.log(f"task: {s['task']} ({s['task_reason']})")
    split = s["split_rows"]
    progress.log(
        "split: "
        + ", ".join(f"{name} {n}" for name, n in split.items())
        + (" (test rows are held out from the search)" if "test" in split else "")
    )
    for warning in data.warnings:
        progress.log(f"[yellow]warning:[/] {warning}")
    progress.log(f"run folder: {folder.path}")
