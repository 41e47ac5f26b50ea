"""``run.json`` as a run starts: what it runs on, with what, and the libraries' versions."""

from __future__ import annotations

import platform
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from autotune.options import TunePlan
from autotune.problems.prepare import Prepared
from autotune.vocabulary import metric_of, objective_name

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


def first_info(plan: TunePlan, prepared: Prepared) -> dict[str, Any]:
    """``run.json`` of a run that is starting (status ``running``)."""
    library_versions = versions()
    task = prepared.data.preprocessing.task
    metric = objective_name(task, plan.metric)
    chosen = metric_of(task, plan.metric)
    what = f"1 - {chosen} on the validation rows" if metric.endswith("_error") else metric
    return {
        "autotune_version": library_versions["autotune"],
        "status": "running",
        "created": datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv) if Path(sys.argv[0]).name == "autotune" else None,
        "options": plan.record(),
        "dataset": prepared.data.summary,
        "warnings": prepared.data.warnings,
        "preprocessing": prepared.data.preprocessing.to_dict(),
        "metric": metric,
        "direction": DIRECTION,
        "score": f"{what} of the best epoch (without the L1/L2 penalty); lower is better",
        "space": prepared.space.to_dict(),
        "init_from": prepared.init_from,
        "space_choice": prepared.space_note,
        "tuner": plan.tuner,
        "seed": plan.seed,
        "budgets": {
            "max_trials": plan.max_trials,
            "max_epochs": plan.max_epochs,
            "time_budget_seconds": plan.time_budget,
            "patience": plan.patience,
        },
        "versions": library_versions,
    }


def guidance_record(search, plan: TunePlan) -> dict[str, Any]:
    """``run.json``'s record of the guided search: on or off (and why), its rules, and every
    intervention it made."""
    from autotune.tuning.guidance import RULES

    if search.guide is None:
        off = "hyperband continues trials with their values" if plan.guided else "--unguided"
        return {"enabled": False, "why_off": off, "interventions": []}
    return {"enabled": True, "rules": RULES, "interventions": search.guide.interventions}


def trial_counts(records: dict[str, dict[str, Any]]) -> dict[str, int]:
    statuses = [r["status"] for r in records.values()]
    return {
        "run": len(statuses),
        "completed": statuses.count("completed"),
        "failed": statuses.count("failed"),
    }
