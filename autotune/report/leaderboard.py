"""Leaderboard: every trial ranked, failed ones last with their reason."""

from __future__ import annotations

from typing import Any

from autotune.report.run_data import RunData
from autotune.runs.shipped import selection_words
from autotune.vocabulary import extras_of, image_base, initializer_of, pyramid_widths, resolve

# The validation metric shown beside the score, by task.
SHOWN_METRIC = {"classification": "val_accuracy", "regression": "val_r2"}


def architecture(values: dict[str, Any]) -> str:
    """Widths, activation, initializer, optimizer and regularisers (the rest has columns)."""
    p = resolve(values)
    widths = pyramid_widths(p["n_layers"], p["units"], p["shrink"], p["min_units"])
    return image_base(values) + " ".join(
        [
            f"[{'-'.join(map(str, widths)) or 'linear'}]",
            p["activation"],
            initializer_of(p),
            p["optimizer"],
            *extras_of(p),
        ]
    )


def leaderboard_info(run: RunData) -> dict[str, Any]:
    metric = SHOWN_METRIC.get(run.task)
    steered: dict[str, list[str]] = {}
    for intervention in (run.guidance or {}).get("interventions", []):
        steered.setdefault(intervention["trial_id"], []).append(intervention["why"])
    ensemble = _ensemble(run.info.get("ensemble"), run.info, metric)
    weights = {m["trial_id"]: m["weight"] for m in (ensemble or {}).get("members", [])}
    rows = []
    for trial in run.trials:
        findings = trial.get("findings") or []
        rows.append(
            {
                "rank": trial.get("rank"),
                "trial_id": trial["trial_id"],
                "status": trial.get("status"),
                "score": trial.get("score"),
                "metric": trial.get(metric) if metric else None,
                "best_epoch": trial.get("best_epoch"),
                "epochs_run": trial.get("epochs_run"),
                "stopped_by": trial.get("stopped_by"),
                "fit_seconds": trial.get("fit_seconds"),
                "architecture": architecture(trial.get("hyperparameters", {})),
                "hyperparameters": trial.get("hyperparameters", {}),
                "badges": [
                    {"name": f["name"], "severity": f.get("severity", "warning")} for f in findings
                ],
                "error": trial.get("error"),
                "guided": steered.get(trial["trial_id"]),
                "worker": trial.get("worker"),
                "weight": weights.get(trial["trial_id"]),
            }
        )
    workers = any(r["worker"] for r in rows)  # a distributed search
    return {
        "metric": run.metric,
        "shown_metric": metric,
        "rows": rows,
        "workers": workers,
        "reference": _reference(run.info.get("reference"), metric),
        "ensemble": ensemble,
    }


def _ensemble(
    ensemble: dict[str, Any] | None, info: dict[str, Any], metric: str | None
) -> dict[str, Any] | None:
    """The shipped ensemble's row (None: the best trial shipped alone)."""
    if not ensemble or ensemble.get("status") != "done":
        return None
    shown = metric.removeprefix("val_") if metric else None
    return {
        **ensemble,
        "how": selection_words(ensemble),
        "metric": (info.get("val_scores") or {}).get(shown),
    }


def _reference(reference: dict[str, Any] | None, metric: str | None) -> dict[str, Any] | None:
    """The reference model's row: its score in the trials' units and the shown metric."""
    if not reference or "score" not in reference:
        return None
    shown = metric.removeprefix("val_") if metric else None
    return {**reference, "metric": (reference.get("val_scores") or {}).get(shown)}
