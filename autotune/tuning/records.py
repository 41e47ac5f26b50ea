"""How a finished KerasTuner trial becomes autotune's record (``trials/<id>.json``): its whole
learning curve, the best epoch, how it stopped, why it failed, and its findings."""

from __future__ import annotations

import math
from typing import Any

from autotune.diagnostics import diagnose, health
from autotune.vocabulary import resolve


def one_line(message: str | None) -> str | None:
    """The last line of a traceback (the exception itself); out-of-memory says what to try."""
    if not message:
        return None
    text = str(message)
    if "_InactiveRpcError" in text and "StatusCode." in text:  # a distributed worker's call
        code = text.split("StatusCode.", 1)[1].split()[0]
        return f"the call to the chief failed (gRPC {code}); the chief is gone or unreachable"
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    line = lines[-1][:500]
    if "ResourceExhaustedError" in line or "OOM when allocating" in line:
        return f"out of memory ({line[:300]}); a smaller batch_size or fewer units may fit"
    return line


def trial_record(trial, run: dict[str, Any], metric: str) -> dict[str, Any]:
    """A finished trial as the JSON record stored in ``trials/<id>.json``."""
    history = run.get("history", {})
    curve = history.get(metric, [])
    initial = run.get("initial_epoch", 0)
    finite = [(v, i) for i, v in enumerate(curve) if math.isfinite(v)]
    nan_loss = any(not math.isfinite(v) for v in history.get("loss", []))
    status, error = "completed", None
    if nan_loss or (trial.status == "COMPLETED" and not finite):
        status, error = "failed", "the loss became NaN or infinite (diverged)"
    elif trial.status != "COMPLETED":
        status = "failed"
        error = one_line(trial.message) or f"KerasTuner ended the trial as {trial.status}"
    best = min(finite) if finite else None
    best_epoch = initial + best[1] + 1 if best else None
    epochs_run = len(curve)
    if status == "failed":
        stopped_by = "nan_loss" if nan_loss else "error"
    elif run.get("stopped_by"):
        stopped_by = run["stopped_by"]  # time_budget, interrupted, or diagnosis (hopeless)
    elif initial + epochs_run >= run.get("max_epochs", 0):
        stopped_by = "max_epochs"
    else:
        stopped_by = "early_stopping"
    params = resolve(trial.hyperparameters.values)
    findings = diagnose(history, run.get("diagnostics"), params, metric.removeprefix("val_"))
    record: dict[str, Any] = {
        "trial_id": trial.trial_id,
        "status": status,
        "score": best[0] if best and status == "completed" else None,
        "best_epoch": best_epoch,
        "epochs_run": epochs_run,
        "initial_epoch": initial,
        "stopped_by": stopped_by,
        "fit_seconds": run.get("fit_seconds"),
        "error": error,
        "hyperparameters": dict(trial.hyperparameters.values),
        "health": health(findings, status),
        "findings": findings,
        "history": history,
        "diagnostics": run.get("diagnostics"),
    }
    for extra in ("pretraining", "reuse"):  # --pretrain, --init-from
        if run.get(extra):
            record[extra] = run[extra]
    if stopped_by == "diagnosis":  # --early-abort: why
        record["aborted"] = run["aborted"]
    if best:
        for key, values in history.items():
            if key.startswith("val_") and key != metric and best[1] < len(values):
                record[key] = values[best[1]]
        record[metric] = best[0]
    return record
