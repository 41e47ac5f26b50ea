"""``diagnose --repair``: which change the next round of training makes, and how a round reads.

Each round after the first trains the round before with one remedy applied: the first remedy
of its first finding that changes a hyperparameter (serious findings come first, each
finding's remedies in its own order; :mod:`autotune.diagnostics`). A healthy round, or one
whose findings offer no such change, ends the chain. :func:`random_remedy` draws from the
whole catalogue instead: the baseline a repair is measured against (Kim et al. 2023 found that
a random change often repairs as well). No TensorFlow here.
"""

from __future__ import annotations

import json
import random
from typing import Any

from autotune.diagnostics.remedies import REMEDIES
from autotune.vocabulary import resolve

REPAIR_CHOICES = ("first_remedy", "random")


def changes(params: dict[str, Any], change: dict[str, Any]) -> bool:
    """Whether ``change`` sets some hyperparameter to a value it does not have yet."""
    return any(params.get(name) != value for name, value in change.items())


def first_remedy(record: dict[str, Any]) -> dict[str, Any] | None:
    """The remedy the next round applies to a trial: ``{finding, name, change, text}``, or
    None when the trial is healthy or none of its remedies changes a hyperparameter."""
    params = resolve(record["hyperparameters"])
    for finding in record.get("findings") or []:
        for remedy in finding["remedies"]:
            if remedy["change"] and changes(params, remedy["change"]):
                return _applied(finding["name"], remedy)
    return None


def random_remedy(record: dict[str, Any], rng: random.Random) -> dict[str, Any] | None:
    """A remedy drawn at random from every one that changes the trial's hyperparameters,
    whatever its findings; None when the trial is healthy."""
    findings = record.get("findings") or []
    if not findings:
        return None
    params = resolve(record["hyperparameters"])
    offered = [make(params) for make in REMEDIES.values()]
    usable = [r for r in offered if r and r["change"] and changes(params, r["change"])]
    return _applied(findings[0]["name"], rng.choice(usable)) if usable else None


def chooser(how: str, seed: int):
    """``record -> remedy or None``: :func:`first_remedy`, or :func:`random_remedy` seeded."""
    if how == "first_remedy":
        return first_remedy
    if how == "random":
        # Seeded by the run's seed and the trial's values: the same case draws alike,
        # different cases draw apart.
        def draw(record):
            values = json.dumps(record["hyperparameters"], sort_keys=True, default=str)
            return random_remedy(record, random.Random(f"repair-{seed}-{values}"))

        return draw
    raise ValueError(f"unknown repair choice {how!r}; one of {', '.join(REPAIR_CHOICES)}")


def _applied(finding: str, remedy: dict[str, Any]) -> dict[str, Any]:
    return {
        "finding": finding,
        "name": remedy["id"],
        "change": dict(remedy["change"]),
        "text": remedy["text"],
    }
