"""The quality benchmark's markdown: peers per table, averages, and the ablation of the
defaults (see :mod:`benchmarks.quality`)."""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from benchmarks.outside_peers import OUTSIDE

PEERS = ("plain KerasTuner", *OUTSIDE, "sklearn MLP", "HistGradientBoosting")


def _metrics(results: dict) -> list[str]:
    if results["task"] == "classification":
        return ["accuracy", "balanced_accuracy"] + (["roc_auc"] if results["binary"] else [])
    return ["r2"]


def _mean(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return float(np.mean(values)) if values else None


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render(measured: dict, budget: float, arms: list[str], seeds: list[int]) -> str:
    names = list(dict.fromkeys(name for name, _ in measured))
    peers = [p for p in PEERS if all(p in r for r in measured.values())]  # as run (--arms)
    systems = [arms[0], *peers]
    lines = [
        f"Scores on outer test rows no system saw ({budget:g} s per search; mean over seeds "
        f"{', '.join(map(str, seeds))}; each system trained on the same train.csv, 80% of the "
        "rows; higher is better):",
        "",
        "| dataset | metric | " + " | ".join(systems) + " |",
        "|---|---|" + "---:|" * len(systems),
    ]
    for name in names:
        rows = [r for (n, _), r in measured.items() if n == name]
        for metric in _metrics(rows[0]):
            cells = [_cell(_mean([r[s]["scores"].get(metric) for r in rows])) for s in systems]
            lines.append(f"| {name} | {metric} | " + " | ".join(cells) + " |")
    lines += ["", *_averages(measured, [*arms, *peers])]
    lines += ["", *_ablation(measured, arms), "", *_trials(measured, arms)]
    lines += ["", _verdict(measured, arms[0], peers)]
    return "\n".join(lines)


def _averages(measured: dict, systems: list[str]) -> list[str]:
    """Mean accuracy over the classification tables and mean R² over the regression ones."""
    lines = [
        "| system | mean accuracy (classification) | mean R² (regression) |",
        "|---|---:|---:|",
    ]
    for system in systems:
        acc = _mean([r[system]["scores"]["accuracy"] for r in measured.values()
                     if r["task"] == "classification"])  # fmt: skip
        r2 = _mean([r[system]["scores"]["r2"] for r in measured.values()
                    if r["task"] == "regression"])  # fmt: skip
        lines.append(f"| {system} | {_cell(acc)} | {_cell(r2)} |")
    return lines


def _ablation(measured: dict, arms: list[str]) -> list[str]:
    """Each arm's headline score per table and seed, then its trials per minute, how often its
    shipped configuration was a later trial than trial 0, and its refits."""
    title = "Ablation (accuracy, or R² for regression, on the outer test rows):"
    lines = _per_search(title, measured, arms, lambda r, arm: _cell(_headline(r, arm)))
    lines += ["", "| arm | trials per minute | best trial later than trial 0 | best trial in the "
              "second half of the search | refits done | trials shipped (mean) |",
              "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    runs = list(measured.values())
    for arm in arms:
        trials = sum(r[arm]["trials"] for r in runs)
        minutes = sum(r[arm]["seconds"] for r in runs) / 60
        later = sum(r[arm]["best_trial"] != "0000" for r in runs)
        refits = sum(r[arm]["refit"] == "done" for r in runs)
        second = sum(r[arm]["second_half"] for r in runs)
        shipped = np.mean([r[arm].get("members", 1) for r in runs])
        lines.append(
            f"| {arm} | {trials / minutes:.1f} | {later} of {len(runs)} | {second} of "
            f"{len(runs)} | {refits} of {len(runs)} | {shipped:.1f} |"
        )
    first = arms[0]
    for arm in arms[1:]:
        wins = sum(_headline(r, first) > _headline(r, arm) for r in runs)
        losses = sum(_headline(r, first) < _headline(r, arm) for r in runs)
        lines.append(
            f"- {first} against {arm}: higher on {wins}, lower on {losses}, level on "
            f"{len(runs) - wins - losses} of {len(runs)} (table, seed) pairs"
        )
    return lines


def _trials(measured: dict, arms: list[str]) -> list[str]:
    """Trials each arm completed per table and seed (its search's share of the budget)."""
    title = "Trials completed per search:"
    lines = _per_search(title, measured, arms, lambda r, arm: str(r[arm]["trials"]))
    totals = [sum(r[a]["trials"] for r in measured.values()) for a in arms]
    lines.append("| all | | " + " | ".join(map(str, totals)) + " |")
    return lines


def _per_search(title: str, measured: dict, arms: list[str], cell) -> list[str]:
    """A table with one row per (table, seed) and one column per arm: ``cell(results, arm)``."""
    lines = [
        title,
        "",
        "| dataset | seed | " + " | ".join(arms) + " |",
        "|---|---:|" + "---:|" * len(arms),
    ]
    for (name, seed), r in measured.items():
        lines.append(f"| {name} | {seed} | " + " | ".join(cell(r, arm) for arm in arms) + " |")
    return lines


def _headline(results: dict[str, Any], system: str) -> float:
    metric = "accuracy" if results["task"] == "classification" else "r2"
    return results[system]["scores"][metric]


def _verdict(measured: dict, ours: str, peers: list[str]) -> str:
    """Against the goals: ahead of HistGradientBoosting on average (accuracy and R² apart),
    ahead of the plain KerasTuner loop on every table; and the gaps to the outside peers run."""
    names = list(dict.fromkeys(name for name, _ in measured))

    def mean_of(name: str, system: str) -> float:
        return float(np.mean([_headline(r, system) for (n, _), r in measured.items() if n == name]))

    parts = []
    if "plain KerasTuner" in peers:
        behind = [n for n in names if mean_of(n, ours) <= mean_of(n, "plain KerasTuner")]
        parts.append(
            f"{ours} is ahead of plain KerasTuner on {len(names) - len(behind)} of {len(names)} "
            "tables" + (f" (not on {', '.join(behind)})" if behind else "")
        )
    task_of = {name: r["task"] for (name, _), r in measured.items()}
    against = [p for p in (*OUTSIDE, "HistGradientBoosting") if p in peers]
    for peer, (task, label) in product(
        against, (("classification", "accuracy"), ("regression", "R²"))
    ):
        gaps = {n: mean_of(n, ours) - mean_of(n, peer) for n in names if task_of[n] == task}
        if gaps:
            each = ", ".join(f"{n} {gap:+.3f}" for n, gap in gaps.items())
            parts.append(
                f"against {peer} it is {np.mean(list(gaps.values())):+.3f} "
                f"{label} on average over {len(gaps)} table(s) ({each})"
            )
    return "On the headline metric (accuracy, or R²): " + "; ".join(parts) + "."
