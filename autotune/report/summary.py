"""Summary: the dataset, the metric, the tuner and budget used, the best trial and its scores."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from autotune.report.remedies import leading_remedies
from autotune.report.run_data import RunData
from autotune.runs.shipped import ensemble_sentence, reference_sentence, refit_sentence
from autotune.vocabulary import describe_trial

STATUS_TEXT = {
    "completed": "completed",
    "running": "still running, or stopped without a word (killed): the trials so far",
    "interrupted": "interrupted: a partial report of the trials that finished",
    "failed": "failed: no trial completed",
}


def _failures(run: RunData) -> dict[str, Any] | None:
    """Why no trial completed, and what to try: the reasons and the remedies that came first."""
    if run.best is not None or not run.trials:
        return None
    reasons = Counter(t.get("error") or t.get("status") for t in run.trials)
    findings = [f for t in run.trials for f in t.get("findings") or []]
    return {
        "reasons": [{"reason": r, "trials": n} for r, n in reasons.most_common()],
        "advice": [remedy["text"] for remedy, _ in leading_remedies(findings, first=2)[:3]],
    }


def summary_info(run: RunData) -> dict[str, Any]:
    info = run.info
    data = info["dataset"]
    return {
        "title": data.get("name") or Path(data.get("source", "run")).stem,
        "status": info.get("status", "running"),
        "status_text": STATUS_TEXT.get(info.get("status", "running"), info.get("status")),
        "created": info.get("created"),
        "finished": info.get("finished"),
        "command": info.get("command"),
        "run_folder": str(run.folder.path.resolve()),
        "dataset": _dataset(data),
        "warnings": info.get("warnings", []),
        "space_choice": info.get("space_choice"),
        "features": info.get("features") or {},
        "fine_tune": info.get("fine_tune"),
        "ensemble_sentence": _capitalised(ensemble_sentence(info)),
        "single_scores": _single_scores(info),
        "refit_sentence": _capitalised(refit_sentence(info.get("refit"), _unit(data))),
        "reference_sentence": _capitalised(reference_sentence(info)),
        "reference": info.get("reference"),
        "metric": info["metric"],
        "direction": info.get("direction", "min"),
        "score_text": info.get("score"),
        "selection_metric": info.get("selection_metric"),
        "class_weight": info.get("class_weight"),
        "tuner": info.get("tuner"),
        "guided": (run.guidance or {}).get("enabled"),
        # Trials steered (a trial may have been changed by more than one rule).
        "interventions": len(
            {i["trial_id"] for i in (run.guidance or {}).get("interventions", [])}
        ),
        "distributed": info.get("distributed"),
        "pretrain": (info.get("options") or {}).get("pretrain"),
        "init_from": info.get("init_from"),
        "space": info.get("space", {}).get("name"),
        "seed": info.get("seed"),
        "budget": _budget(run),
        "best": _best(run),
        "failures": _failures(run),
        "val_scores": info.get("val_scores"),
        "test_scores": info.get("test_scores"),
        "test_rows": data.get("split_rows", {}).get("test"),
        "val_rows": data.get("split_rows", {}).get("val"),
        "versions": info.get("versions", {}),
    }


def _single_scores(info: dict[str, Any]) -> dict[str, Any] | None:
    """The best trial's own scores, shown beside an ensemble's (None: it shipped alone)."""
    if (info.get("ensemble") or {}).get("status") != "done":
        return None
    best = info.get("best_trial") or {}
    return {"val": best.get("val_scores") or {}, "test": best.get("test_scores") or {}}


def _unit(data: dict[str, Any]) -> str:
    return "images" if data.get("kind") == "images" else "rows"


def _capitalised(sentence: str | None) -> str | None:
    return sentence[0].upper() + sentence[1:] if sentence else None


def _dataset(data: dict[str, Any]) -> dict[str, Any]:
    """The dataset as the summary shows it, with each class's share and the imbalance."""
    classes = data.get("classes") or []
    total = sum(c["rows"] for c in classes) or 1
    features = data.get("features", {})
    return {
        "kind": data.get("kind", "table"),
        "images": data.get("images"),
        "image_size": data.get("image_size"),
        "image_size_reason": data.get("image_size_reason"),
        "channels": data.get("channels"),
        "sizes": data.get("sizes"),
        "modes": data.get("modes", {}),
        "files_skipped": data.get("files_skipped", []),
        "source": data.get("source"),
        "rows": data.get("rows"),
        "columns": data.get("columns"),
        "target": data.get("target"),
        "task": data.get("task"),
        "task_reason": data.get("task_reason"),
        "numeric": features.get("numeric", []),
        "categorical": features.get("categorical", []),
        "dropped": features.get("dropped", []),
        "split_rows": data.get("split_rows", {}),
        "classes": [
            {"label": c["label"], "rows": c["rows"], "share": c["rows"] / total} for c in classes
        ],
        # Largest class over smallest: 1.0 is balanced.
        "imbalance": (
            max(c["rows"] for c in classes) / max(min(c["rows"] for c in classes), 1)
            if classes
            else None
        ),
    }


def _budget(run: RunData) -> dict[str, Any]:
    """The limits the run had and what it used of them."""
    info = run.info
    counts = info.get("trials") or {
        "run": len(run.trials),
        "completed": len(run.completed),
        "failed": len(run.trials) - len(run.completed),
    }
    budgets = info.get("budgets", {})
    return {
        "max_trials": budgets.get("max_trials"),
        "max_epochs": budgets.get("max_epochs"),
        "time_budget_seconds": budgets.get("time_budget_seconds"),
        "patience": budgets.get("patience"),
        "trials_run": counts["run"],
        "completed": counts["completed"],
        "failed": counts["failed"],
        "search_seconds": info.get("search_seconds"),
        "elapsed_seconds": info.get("elapsed_seconds"),
    }


def _best(run: RunData) -> dict[str, Any] | None:
    best = run.best
    if best is None:
        return None
    return {
        "trial_id": best["trial_id"],
        "score": best["score"],
        "best_epoch": best.get("best_epoch"),
        "epochs_run": best.get("epochs_run"),
        "model": describe_trial(best["hyperparameters"]),
        "health": best.get("health"),
    }
