"""What the shipped model is, in words, read from ``run.json``: what it was trained on (the
refit), what it averages (the ensemble) and how it compares with the reference model. The
terminal and the report say the same sentences. No TensorFlow here."""

from __future__ import annotations

from collections import Counter
from typing import Any

from autotune.vocabulary import GREATER_IS_BETTER

# The score a sentence compares on: accuracy, or R² for regression (higher is better).
HEADLINE = {"classification": "accuracy", "regression": "r2"}


def headline(info: dict[str, Any]) -> str:
    """The score the sentences compare on: the run's ``--metric`` when higher is better
    (balanced accuracy, F1...), else accuracy or R²."""
    chosen = info.get("selection_metric")
    return chosen if chosen in GREATER_IS_BETTER else HEADLINE[info["dataset"]["task"]]


def refit_sentence(refit: dict[str, Any] | None, unit: str = "rows") -> str | None:
    """What the shipped model was trained on, in one sentence (None: a run before refits)."""
    if not refit:
        return None
    searched = f"the shipped model is the searched one, trained on {refit['train_rows']} {unit}"
    status = refit["status"]
    if refit.get("members"):
        return _members_refit(refit, unit)
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


def _members_refit(refit: dict[str, Any], unit: str) -> str:
    """An ensemble's refit: how many members were retrained, and why the others were not."""
    shipped, retrained = refit["shipped"], refit.get("retrained", 0)
    others = [m for m in refit["members"] if m["status"] != "done"]
    reasons = [
        f"{count} {_MEMBER_WHY.get(status, status)}"
        for status, count in sorted(Counter(m["status"] for m in others).items())
    ]
    untried = refit.get("untried")
    if untried:
        why = "after Ctrl-C" if untried["why"] == "interrupted" else "for lack of time"
        reasons.append(f"{untried['members']} not tried {why}")
    kept = f"trained on {refit['train_rows']} {unit} ({'; '.join(reasons)})"
    if not retrained:
        return f"the shipped ensemble's {shipped} members are the searched ones, {kept}"
    other = shipped - retrained
    done = (
        f"all {shipped} members of the shipped ensemble were"
        if refit["status"] == "done"
        else f"{retrained} of the shipped ensemble's {shipped} members were"
    )
    tail = (
        f"; the other {other} {'is the searched one' if other == 1 else 'are the searched ones'}"
        f", {kept}"
    )
    return (
        f"{done} retrained on all {refit['rows']} labelled {unit} (train + validation + test) "
        f"for their trials' best epochs, in {refit['seconds']:.0f} s"
        + (tail if refit["status"] == "partial" else "")
        + "; the scores above are the searched ensemble's, measured before the refit, on rows "
        "it had not trained on"
    )


_MEMBER_WHY = {
    "skipped": "skipped for lack of time",
    "stopped": "stopped at the time budget",
    "interrupted": "interrupted (Ctrl-C)",
    "diverged": "dropped for a NaN loss",
}


def ensemble_sentence(info: dict[str, Any]) -> str | None:
    """What the shipped model averages, in one sentence (None: the best trial alone, or a
    run from before ensembles)."""
    ensemble = info.get("ensemble") or {}
    if ensemble.get("status") != "done":
        return None
    members = ", ".join(f"{m['trial_id']} ({m['weight']:.2f})" for m in ensemble["members"])
    metric = headline(info)
    single = (info.get("best_trial") or {}).get("test_scores") or {}
    ours = (info.get("test_scores") or {}).get(metric)
    name = "R²" if metric == "r2" else metric
    compared = (
        f"; on the test rows its {name} is {ours:.4f}, the best trial's alone {single[metric]:.4f}"
        if ours is not None and metric in single
        else ""
    )
    return (
        f"the shipped model averages {len(ensemble['members'])} trials (weights in brackets): "
        f"{members}, {selection_words(ensemble)} from the {ensemble['candidates']} best on "
        f"the validation rows, so its validation scores are optimistic{compared}"
    )


# How the members were chosen, by --ensemble.
SELECTED = {
    "greedy": "chosen greedily",
    "bagged": "chosen greedily over 20 random halves",
}


def selection_words(ensemble: dict[str, Any]) -> str:
    """How an ensemble's members were chosen, in words (runs before ``method`` were greedy)."""
    words = SELECTED.get(ensemble.get("method", "greedy"), "chosen")
    if ensemble.get("fallback"):  # bagged's average lost to the best trial on validation
        words += " (the bagged selection's average did worse than the best trial alone)"
    return words


def reference_sentence(info: dict[str, Any]) -> str | None:
    """The best network against the reference model on the test rows (else the validation
    rows), in one sentence; None when the run has no reference."""
    reference = info.get("reference")
    if not reference:
        return None
    metric = headline(info)
    split = "test" if info.get("test_scores") and reference.get("test_scores") else "val"
    ours = (info.get(f"{split}_scores") or {}).get(metric)
    theirs = (reference.get(f"{split}_scores") or {}).get(metric)
    if ours is None or theirs is None:
        return None
    gap = ours - theirs
    where = "above" if gap > 0 else "below" if gap < 0 else "level with"
    amount = f"{abs(gap):.3f} " if gap else ""
    name = "R²" if metric == "r2" else metric
    optimistic = split == "val" and (info.get("ensemble") or {}).get("status") == "done"
    return (
        f"the best network is {amount}{where} {reference['description']} on the {split} rows "
        f"({name} {ours:.4f} against {theirs:.4f}; both trained on the same "
        f"{reference['train_rows']} rows"
        + ("; the ensemble's weights were chosen on these rows" if optimistic else "")
        + ")"
    )
