"""One tuning run, end to end: data -> splits -> search -> best model -> test score -> run folder.

Data flows one way: the table (or image folder) is loaded and its preprocessing fitted once;
every trial trains on the same in-memory arrays; the best trial's network is joined to the
preprocessing front-end (or the backbone) and saved; the held-out test split, never seen by
the search, gives the final score. Everything that can be wrong with the input is checked
before the run folder is written, and before TensorFlow is imported where it can be.
"""

from __future__ import annotations

import platform
import sys
import time
from dataclasses import asdict
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from autotune.data.images import ImageData, load_images
from autotune.data.tabular import TabularData, load_table
from autotune.errors import SearchFailedError, UsageError
from autotune.models.params import objective_name
from autotune.progress import SearchProgress
from autotune.runs import RunFolder
from autotune.search.ctrl_c import stop_on_ctrl_c
from autotune.search.image_space import backbones_of, choose_space
from autotune.search.options import TuneOptions
from autotune.search.same_run import check_resumable
from autotune.spaces import SearchSpace, load_space

DIRECTION = "min"
VERSIONED = ("autotune", "tensorflow", "keras", "keras-tuner", "scikit-learn", "pandas", "numpy")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def run_search(options: TuneOptions, progress_console=None) -> dict[str, Any]:
    """Run a whole search and fill the run folder; return the final ``run.json`` content.

    Raises:
        AutotuneError: bad input (exit code 2), or every trial failed (exit code 1).
    """
    options.check()
    if options.role == "worker":
        raise UsageError("run_search runs a chief or a whole search; a worker runs run_worker")
    images = options.data.is_dir()
    backbones, space_note, init_from = {}, None, None
    if images:
        data = load_images(
            options.data,
            test_size=options.test_size,
            seed=options.seed,
            strict=options.strict,
            image_size=options.image_size,
        )
        space, space_note = choose_space(
            options.space, options.backbone, min(c["rows"] for c in data.summary["classes"])
        )
        backbones = _load_backbones(space, options, data)
    else:
        space, data, init_from = load_table_search(options)
    folder = RunFolder(options.out)
    previous = folder.read_run() if options.resume and folder.run_json.exists() else None
    folder.create(overwrite=options.overwrite, resume=options.resume)
    started = time.monotonic()
    library_versions = versions()
    metric = objective_name(data.preprocessing.task)
    info: dict[str, Any] = {
        "autotune_version": library_versions["autotune"],
        "status": "running",
        "created": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv) if Path(sys.argv[0]).name == "autotune" else None,
        "options": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in asdict(options).items()
            if k != "space"
        },
        "dataset": data.summary,
        "warnings": data.warnings,
        "preprocessing": data.preprocessing.to_dict(),
        "metric": metric,
        "direction": DIRECTION,
        "score": f"{metric} of the best epoch (without the L1/L2 penalty); lower is better",
        "space": space.to_dict(),
        "init_from": init_from,
        "space_choice": space_note,
        "tuner": options.tuner,
        "seed": options.seed,
        "budgets": {
            "max_trials": options.max_trials,
            "max_epochs": options.max_epochs,
            "time_budget_seconds": options.time_budget,
            "patience": options.patience,
        },
        "versions": library_versions,
    }
    records: dict[str, dict[str, Any]] = {}
    if previous is not None:
        check_resumable(previous, info, folder)
        info["created"] = previous.get("created", info["created"])
        info["resumed"] = previous.get("resumed", []) + [datetime.now().isoformat("T", "seconds")]
        records = {t["trial_id"]: t for t in folder.read_trials()}
    folder.write_run(info)
    progress = progress_of(options, metric, started, progress_console)
    _announce(progress, data, folder)
    if space_note:
        progress.log(f"space: {space.name} ({space_note})")
    if init_from:
        progress.log(
            f"starting from: the first {init_from['layers']} hidden layer(s) of "
            f"{init_from['run_dir']} (trial {init_from['source_trial']}), frozen first, then "
            "fine-tuned"
        )
    if options.pretrain:
        progress.log(f"pre-training: {options.pretrain}, greedy, layer by layer, every trial")
    if previous is not None:
        progress.log(
            f"resuming: {len(records)} finished trial(s) kept; a trial cut short is run again"
        )

    from autotune.search.training import Search, save_model  # TensorFlow loads here

    if images:
        from autotune.search.images import ImageProblem

        problem = ImageProblem(data, backbones, options.weights, options.seed, progress)
        info["features"] = problem.feature_runs
    else:
        from autotune.search.tables import TabularProblem

        problem = TabularProblem(data, pretrain=options.pretrain, init_from=init_from)

    def trial_seen(record: dict[str, Any]) -> None:
        records[record["trial_id"]] = record
        ranked = folder.write_trials_csv(list(records.values()), DIRECTION)
        progress.trial_ended(
            record, is_best=ranked[0]["trial_id"] == record["trial_id"] and ranked[0]["rank"] == 1
        )

    def trial_done(record: dict[str, Any]) -> None:
        folder.write_trial(record)
        trial_seen(record)

    deadline = started + options.time_budget if options.time_budget else None
    args = (options, space, problem, str(folder.path), progress, deadline)
    if options.is_chief:  # the trials run in worker processes, which write their records
        from autotune.search.distributed import ChiefSearch

        def listening(address: str) -> None:
            info["distributed"] = search.cluster_info()
            folder.write_run(info)
            progress.log(f"chief: the oracle listens at {address}")
            if not options.workers:
                progress.log(
                    "chief: waiting for workers; on each machine run this command with "
                    f"--role worker --worker-id N --oracle {address} --out {folder.path}"
                )

        search = ChiefSearch(
            *args, trial_seen, options.resume, folder=folder, on_listening=listening
        )
    else:
        search = Search(*args, trial_done, options.resume)
    try:
        with progress, stop_on_ctrl_c(search, progress, folder, info):
            search.run()
    except KeyboardInterrupt:
        _distributed(search, options, info)
        info["guidance"] = _guidance(search, options)
        info.update(
            status="interrupted",
            trials=_counts(records),
            elapsed_seconds=round(time.monotonic() - started, 1),
        )
        folder.write_run(info)
        raise
    info["search_seconds"] = round(time.monotonic() - started, 1)
    info["guidance"] = _guidance(search, options)
    _distributed(search, options, info)

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

    network = search.best_network(best["trial_id"])
    params = best["hyperparameters"]
    if images and params.get("backbone", "none") != "none":
        with stop_on_ctrl_c(problem, progress, folder, info):  # Ctrl-C skips fine-tuning
            info["fine_tune"] = problem.fine_tune(
                network, params, options.max_epochs, options.patience or 5, progress
            )
    model = problem.export(network, params)
    save_model(model, folder.best_model)
    info.update(
        status="completed",
        finished=datetime.now().isoformat(timespec="seconds"),
        elapsed_seconds=round(time.monotonic() - started, 1),
        best_trial={
            k: best.get(k)
            for k in ("trial_id", "score", "best_epoch", "epochs_run", "hyperparameters")
        },
        val_scores=problem.evaluate(model, "val"),
        test_scores=problem.evaluate(model, "test") if "test" in data.splits else None,
    )
    folder.write_run(info)
    return info


def load_table_search(
    options: TuneOptions,
) -> tuple[SearchSpace, TabularData, dict[str, Any] | None]:
    """A table search's space, data (split, preprocessing fitted) and checked ``--init-from``
    source (or None); every input error is raised here, before anything is written."""
    space = options.space if isinstance(options.space, SearchSpace) else load_space(options.space)
    data = load_table(
        options.data, options.target, options.task, test_size=options.test_size, seed=options.seed
    )
    init_from = None
    if options.init_from is not None:
        from autotune.search.init_from import check_init_from

        init_from = check_init_from(options.init_from, data.preprocessing, options.init_layers)
    return space, data, init_from


def progress_of(options: TuneOptions, metric: str, started: float, console=None) -> SearchProgress:
    """The terminal display of a search with these options."""
    return SearchProgress(
        options.max_trials,
        options.max_epochs,
        metric,
        options.time_budget,
        started=started,
        console=console,
    )


def _guidance(search, options: TuneOptions) -> dict[str, Any]:
    """``run.json``'s record of the guided search: on or off (and why), its rules, and every
    intervention it made."""
    from autotune.search.guidance import RULES

    guide = search.guide
    if guide is None:
        off = "hyperband continues trials with their values" if options.guided else "--unguided"
        return {"enabled": False, "why_off": off, "interventions": []}
    return {"enabled": True, "rules": RULES, "interventions": guide.interventions}


def _distributed(search, options: TuneOptions, info: dict[str, Any]) -> None:
    """``run.json``'s ``distributed`` section, for a chief."""
    if options.is_chief:
        info["distributed"] = search.cluster_info()


def _counts(records: dict[str, dict[str, Any]]) -> dict[str, int]:
    statuses = [r["status"] for r in records.values()]
    return {
        "run": len(statuses),
        "completed": statuses.count("completed"),
        "failed": statuses.count("failed"),
    }


def _load_backbones(space: SearchSpace, options: TuneOptions, data: ImageData) -> dict[str, Any]:
    """Load every backbone the space can pick, so a weights problem stops the run before its
    folder is written (this imports TensorFlow)."""
    names = backbones_of(space)
    if not names:
        return {}
    if options.weights not in ("imagenet", "none") and len(names) > 1:
        raise UsageError(
            f"--weights {options.weights}: a weights file holds one backbone, and the search "
            f"would pick among {', '.join(names)}; add --backbone {names[0]} (or the one the "
            "file belongs to)"
        )
    from autotune.models.transfer import load_backbone

    side = data.preprocessing.image_size
    return {name: load_backbone(name, options.weights, side, options.seed) for name in names}


def _announce(progress: SearchProgress, data: TabularData | ImageData, folder: RunFolder) -> None:
    s = data.summary
    if s.get("kind") == "images":
        classes = ", ".join(f"{c['label']} {c['rows']}" for c in s["classes"])
        modes = ", ".join(f"{n} {mode}" for mode, n in s["modes"].items())
        progress.log(
            f"data: {s['source']} ({s['images']} images in {len(s['classes'])} classes: "
            f"{classes}; modes {modes})"
        )
        progress.log(
            f"images: resized to {s['image_size']}x{s['image_size']}, {s['channels']} "
            f"channel(s) ({s['image_size_reason']})"
        )
    else:
        feats = s["features"]
        progress.log(
            f"data: {s['source']} ({s['rows']} rows, {s['columns']} columns; "
            f"{len(feats['numeric'])} numeric and {len(feats['categorical'])} categorical "
            "features)"
        )
    progress.log(f"task: {s['task']} ({s['task_reason']})")
    split = s["split_rows"]
    progress.log(
        "split: "
        + ", ".join(f"{name} {n}" for name, n in split.items())
        + (
            f" (test {'images' if s.get('kind') == 'images' else 'rows'} are held out from the "
            "search)"
            if "test" in split
            else ""
        )
    )
    for warning in data.warnings:
        progress.log(f"[yellow]warning:[/] {warning}")
    progress.log(f"run folder: {folder.path}")
