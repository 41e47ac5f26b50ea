"""Guided against unguided search on the shared tables (see :mod:`benchmarks.arms`).

Both arms are ``autotune tune`` with the default space and the random tuner; the guided arm
adds ``--guided``: earlier trials' findings steer later trials' values.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.arms import compare, table, totals
from benchmarks.quality import DATASETS

ARMS = {"guided": {"guided": True}, "unguided": {"guided": False}}


def run(folder: Path, budget: float = 60.0, datasets=DATASETS, seeds=(0,)) -> str:
    results = compare(folder, list(datasets), ARMS, budget, list(seeds))
    interventions = sum(r["guided"]["interventions"] for r in results.values())
    lines = [
        f"Guided against unguided search: {budget:g} s per search, seeds "
        f"{', '.join(map(str, seeds))}, the default space, random tuner, the same 20% test "
        "rows for both arms (test: accuracy, or R² for regression; higher is better). "
        "Lost: trials that failed or had a serious finding.",
        "",
        *table(results, list(ARMS)),
        "",
        *totals(results, list(ARMS)),
        f"- the guide changed {interventions} trials' values in all.",
    ]
    return "\n".join(lines)
