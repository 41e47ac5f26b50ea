"""Gradient health of each trial: the probe's per-layer series and the trial's findings."""

from __future__ import annotations

from typing import Any

from autotune.report.run_data import RunData
from autotune.vocabulary import describe_trial


def _rows(series: dict[str, Any], key: str) -> list[list[float | None]]:
    """Epochs x layers; an epoch the probe did not measure becomes an empty row."""
    return [row if isinstance(row, list) else [] for row in series.get(key) or []]


def health_info(run: RunData) -> dict[str, Any]:
    trials = []
    for trial in run.trials:
        series = trial.get("diagnostics") or {}
        first = trial.get("initial_epoch") or 0
        grad_norm = _rows(series, "grad_norm")
        trials.append(
            {
                "trial_id": trial["trial_id"],
                "rank": trial.get("rank"),
                "status": trial.get("status"),
                "error": trial.get("error"),
                "model": describe_trial(trial.get("hyperparameters", {})),
                "health": trial.get("health"),
                "measured": bool(grad_norm),
                "layers": series.get("layers") or [],
                "epochs": list(range(first + 1, first + len(grad_norm) + 1)),
                "grad_norm": grad_norm,
                "update_ratio": _rows(series, "update_ratio"),
                "dead_fraction": _rows(series, "dead_fraction"),
                "saturated_fraction": _rows(series, "saturated_fraction"),
                "probe_rows": series.get("probe_rows"),
                "findings": [
                    {
                        "name": f["name"],
                        "severity": f["severity"],
                        "summary": f["summary"],
                        "evidence": f.get("evidence") or {},
                        "remedies": f.get("remedies", []),
                    }
                    for f in trial.get("findings") or []
                ],
            }
        )
    measured = [t for t in trials if t["measured"]]
    default = (run.best or {}).get("trial_id") or (measured[0]["trial_id"] if measured else None)
    return {"trials": trials, "default": default}
