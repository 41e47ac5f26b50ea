"""Early abort of hopeless trials on against off (see :mod:`benchmarks.arms`).

Both arms are ``autotune tune`` with its defaults (the default space, the refine tuner, guided
search); the second adds ``--no-early-abort``. Reported per table and seed: the trials run in
the budget (how many early abort ended), the trials lost to pathologies, and the test score.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.arms import compare, table, totals
from benchmarks.quality import DATASETS

ARMS = {"early abort": {"early_abort": True}, "no early abort": {"early_abort": False}}


def run(folder: Path, budget: float = 60.0, datasets=DATASETS, seeds=(0, 1)) -> str:
    results = compare(folder, list(datasets), ARMS, budget, list(seeds))
    aborted = sum(r["early abort"]["aborted"] for r in results.values())
    trials = sum(r["early abort"]["trials"] for r in results.values())
    lines = [
        f"Early abort on against off (`python -m benchmarks early_abort`): {budget:g} s per "
        f"search, seeds {', '.join(map(str, seeds))}, autotune's defaults otherwise, the same "
        "20% test rows for both arms (test: accuracy, or R² for regression; higher is better). "
        "Lost: trials that failed or had a serious finding.",
        "",
        *table(results, list(ARMS)),
        "",
        *totals(results, list(ARMS)),
        f"- early abort ended {aborted} of the {trials} trials of its arm.",
    ]
    return "\n".join(lines)
