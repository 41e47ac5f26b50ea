"""What the shipped model is, in words, read from ``run.json``: what it was trained on (the
refit) and how it compares with the reference model. The terminal and the report say the same
sentences. No TensorFlow here."""

from __future__ import annotations

from typing import Any

# The score a sentence compares on: accuracy, or R² for regression (higher is better).
HEADLINE = {"classification": "accuracy", "regression": "r2"}


def refit_sentence(refit: dict[str, Any] | None, unit: str = "rows") -> str | None:
    """What the shipped model was trained on, in one sentence (None: a run before refits)."""
    if not refit:
        return None
    searched = f"the shipped model is the searched one, trained on {refit['train_rows']} {unit}"
    status = refit["status"]
    if status == "done":
        return (
            f"the shipped model was retrained on all {refit['rows']} labelled {unit} (train + "
            f"validation + test) for {refit['epochs']} epochs, the best trial's, in "
            f"{refit['seconds']:.0f} s; the scores above are the searched model's, measured "
            "before, on rows it had not seen"
        )
    if status == "skipped":
        estimate = refit.get("estimated_seconds")
        cost = f"about {estimate:.0f} s" if estimate is not None else "an unknown time"
        return (
            f"{searched}: retraining on all {refit['rows']} {unit} would take {cost} and "
            f"{refit['seconds_left']:.0f} s of the time budget were left"
        )
    if status == "diverged":
        return (
            f"{searched}: retraining on all {refit['rows']} {unit} diverged (its loss became "
            f"NaN) after {refit['epochs_run']} epochs and was dropped"
        )
    if status in ("stopped", "interrupted"):
        why = "reached the time budget" if status == "stopped" else "was interrupted (Ctrl-C)"
        return (
            f"{searched}: retraining on all {refit['rows']} {unit} {why} after "
            f"{refit['epochs_run']} of {refit['epochs']} epochs and was dropped"
        )
    return f"{searched} ({refit['why']})"


def reference_sentence(info: dict[str, Any]) -> str | None:
    """The best network against the reference model on the test rows (else the validation
    rows), in one sentence; None when the run has no reference."""
    reference = info.get("reference")
    if not reference:
        return None
    metric = HEADLINE[info["dataset"]["task"]]
    split = "test" if info.get("test_scores") and reference.get("test_scores") else "val"
    ours = (info.get(f"{split}_scores") or {}).get(metric)
    theirs = (reference.get(f"{split}_scores") or {}).get(metric)
    if ours is None or theirs is None:
        return None
    gap = ours - theirs
    where = "above" if gap > 0 else "below" if gap < 0 else "level with"
    amount = f"{abs(gap):.3f} " if gap else ""
    name = "R²" if metric == "r2" else metric
    return (
        f"the best network is {amount}{where} {reference['description']} on the {split} rows "
        f"({name} {ours:.4f} against {theirs:.4f}; both trained on the same "
        f"{reference['train_rows']} rows)"
    )
