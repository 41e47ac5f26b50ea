"""Two ways of running ``autotune tune``, side by side on the same tables, seeds and budget.

Used by ``guided`` (the diagnosis-guided search against the oracle alone) and ``pretrain``
(greedy layer-wise autoencoder pre-training against none). For every table and seed the two
arms run back to back with the same split, seed and wall-clock budget, in alternating order
(the first arm of one table runs second on the next), and each is scored on the same
held-out test rows. Per arm:

- **trials** run within the budget;
- **lost**: trials lost to pathologies: failed (NaN loss, error) or with a serious finding
  (``nan_loss``, ``exploding_gradients``, ``vanishing_gradients``, ``dying_relu``,
  ``stagnant_loss``);
- **test**: the best model's test score (accuracy, or R² for regression);
- **to 99%**: seconds of training (the trials' fit time, in the order run) until the best
  validation loss so far came within 1% of the arm's final best (loss <= best / 0.99).
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from autotune.diagnostics import SEVERITY

SERIOUS = {name for name, level in SEVERITY.items() if level == "serious"}


def lost(record: dict[str, Any]) -> bool:
    """Whether a trial was lost to a pathology (failed, or a serious finding)."""
    names = {f["name"] for f in record.get("findings") or []}
    return record["status"] == "failed" or bool(names & SERIOUS)


def seconds_to_near_best(records: list[dict[str, Any]], share: float = 0.99) -> float | None:
    """Fit seconds, in trial order, until the best score so far is within ``1 - share`` of
    the final best (scores are losses: lower is better)."""
    scored = [r for r in records if r.get("score") is not None]
    if not scored:
        return None
    final = min(r["score"] for r in scored)
    target = final / share if final > 0 else final * share
    elapsed, best = 0.0, None
    for record in records:
        elapsed += record.get("fit_seconds") or 0.0
        if record.get("score") is not None:
            best = record["score"] if best is None else min(best, record["score"])
        if best is not None and best <= target:
            return elapsed
    return elapsed


def run_arm(path: Path, budget: float, seed: int, workdir: Path, **options: Any) -> dict:
    """One ``autotune tune`` search; its figures for the table."""
    from rich.console import Console

    from autotune.options import TuneOptions
    from autotune.runner import run_search
    from autotune.runs import RunFolder

    out = workdir / "run"
    info = run_search(
        TuneOptions(data=path, time_budget=budget, seed=seed, out=out, **options).resolve(),
        progress_console=Console(file=io.StringIO()),
    )
    records = sorted(RunFolder(out).read_trials(), key=lambda r: int(r["trial_id"]))
    task = info["dataset"]["task"]
    return {
        "task": task,
        "test": info["test_scores"]["accuracy" if task == "classification" else "r2"],
        "trials": len(records),
        "lost": sum(lost(r) for r in records),
        "aborted": sum(r.get("stopped_by") == "diagnosis" for r in records),
        "to_99": seconds_to_near_best(records),
        "fit_seconds": sum(r.get("fit_seconds") or 0.0 for r in records),
        "interventions": len((info.get("guidance") or {}).get("interventions", [])),
    }


def compare(
    folder: Path,
    datasets: list[str],
    arms: dict[str, dict[str, Any]],
    budget: float,
    seeds: list[int],
) -> dict[tuple[str, int], dict[str, dict]]:
    """Every (dataset, seed): each arm's figures, the arms in alternating order."""
    os.environ.setdefault("AUTOTUNE_CACHE_DIR", tempfile.mkdtemp())
    results = {}
    turn = 0
    for name in datasets:
        for seed in seeds:
            order = list(arms) if turn % 2 == 0 else list(reversed(arms))
            turn += 1
            row = {}
            for arm in order:
                with tempfile.TemporaryDirectory() as tmp:
                    row[arm] = run_arm(folder / f"{name}.csv", budget, seed, Path(tmp), **arms[arm])
            results[(name, seed)] = {arm: row[arm] for arm in arms}
    return results


def table(results: dict[tuple[str, int], dict[str, dict]], arms: list[str]) -> list[str]:
    """Markdown rows: per dataset and seed, each arm's trials, lost, test score, to 99%."""
    head = ["dataset", "seed"]
    for arm in arms:
        head += [f"{arm}: trials (lost)", f"{arm}: test", f"{arm}: to 99% s"]
    lines = ["| " + " | ".join(head) + " |", "|---|---:|" + "---:|" * (3 * len(arms))]
    for (name, seed), row in results.items():
        cells = [name, str(seed)]
        for arm in arms:
            r = row[arm]
            cells += [
                f"{r['trials']} ({r['lost']})",
                f"{r['test']:.3f}",
                "-" if r["to_99"] is None else f"{r['to_99']:.0f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def totals(results: dict[tuple[str, int], dict[str, dict]], arms: list[str]) -> list[str]:
    """Sums and means over every row, one line per arm, and the wins of the first arm."""
    lines = []
    rows = list(results.values())
    for arm in arms:
        trials = sum(r[arm]["trials"] for r in rows)
        lost_trials = sum(r[arm]["lost"] for r in rows)
        mean = sum(r[arm]["test"] for r in rows) / len(rows)
        to_99 = [r[arm]["to_99"] for r in rows if r[arm]["to_99"] is not None]
        lines.append(
            f"- {arm}: {trials} trials, {lost_trials} lost to pathologies "
            f"({100 * lost_trials / max(trials, 1):.0f}%); mean test score {mean:.4f}; "
            f"median seconds to 99% of the final best {sorted(to_99)[len(to_99) // 2]:.0f}"
        )
    first, second = arms
    better = sum(r[first]["test"] > r[second]["test"] for r in rows)
    worse = sum(r[first]["test"] < r[second]["test"] for r in rows)
    lines.append(
        f"- {first} scores higher than {second} on {better} of {len(rows)} rows, lower on "
        f"{worse}, the same on {len(rows) - better - worse}."
    )
    return lines
