"""``diagnose --repair``'s chain: each round's finding, the change it made, and what it did."""

from __future__ import annotations

from typing import Any

from autotune.report.run_data import RunData
from autotune.runs.rounds import chain, change_text
from autotune.vocabulary import describe_trial


def repair_info(run: RunData) -> dict[str, Any]:
    """The rounds in order (round 0 first); ``rounds`` is empty when the run has none."""
    rounds = []
    records = chain(run.trials)
    for number, trial in enumerate(records):
        remedy = trial.get("remedy")
        before = records[number - 1] if number else None
        rounds.append(
            {
                "number": number,
                "trial_id": trial["trial_id"],
                "model": describe_trial(trial.get("hyperparameters", {})),
                "finding": remedy["finding"] if remedy else None,
                "remedy": remedy["text"] if remedy else None,
                "change": change_text(before["hyperparameters"], remedy["change"])
                if remedy
                else None,
                "val_accuracy": trial.get("val_accuracy"),
                "score": trial.get("score"),
                "status": trial.get("status"),
                "health": trial.get("health"),
                "best": trial["trial_id"] == (run.best or {}).get("trial_id"),
                "measured": bool((trial.get("diagnostics") or {}).get("grad_norm")),
            }
        )
    return {"rounds": rounds, "metric": run.metric}
