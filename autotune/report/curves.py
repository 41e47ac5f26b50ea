"""Learning curves: training and validation loss and metric per epoch, for every trial."""

from __future__ import annotations

from typing import Any

from autotune.report.run_data import RunData

# The best trials drawn in colour (the others in grey).
HIGHLIGHTED = 3
# The metric beside the loss, by task.
CURVE_METRIC = {"classification": "accuracy", "regression": "r2"}


def curves_info(run: RunData) -> dict[str, Any]:
    metric = CURVE_METRIC.get(run.task)
    trials = []
    for trial in run.trials:
        history = trial.get("history") or {}
        loss = history.get(run.loss_key) or history.get("loss") or []
        if not loss:
            continue
        first = trial.get("initial_epoch") or 0
        trials.append(
            {
                "trial_id": trial["trial_id"],
                "rank": trial.get("rank"),
                "highlighted": trial.get("rank") is not None and trial["rank"] <= HIGHLIGHTED,
                "epochs": list(range(first + 1, first + len(loss) + 1)),
                "loss": loss,
                "val_loss": history.get(f"val_{run.loss_key}") or history.get("val_loss") or [],
                "metric": history.get(metric) or [] if metric else [],
                "val_metric": history.get(f"val_{metric}") or [] if metric else [],
                "learning_rate": history.get("learning_rate") or [],
                "best_epoch": trial.get("best_epoch"),
                "stopped_by": trial.get("stopped_by"),
                "last_epoch": first + len(loss),
            }
        )
    # Grey trials first so the highlighted ones are drawn on top.
    trials.sort(key=lambda t: (t["highlighted"], -(t["rank"] or 10**9)))
    return {
        "loss_name": run.loss_key,
        "metric_name": metric,
        "trials": trials,
        "has_learning_rate": any(t["learning_rate"] for t in trials),
    }
