"""Greedy layer-wise autoencoder pre-training on or off, on the small shared tables (see
:mod:`benchmarks.arms`).

Both arms are ``autotune tune`` with the default space, the random tuner and no guidance;
the first adds ``--pretrain autoencoder``. Pre-training costs time in every trial, so within
the same budget that arm runs fewer trials: the comparison is the one a user makes.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.arms import compare, table, totals

# The shared tables with fewer than 500 rows: "small tables", where pre-training is said to
# help.
SMALL = ("iris", "wine", "glass", "penguins", "carseats", "diabetes")
ARMS = {
    "pretrain": {"pretrain": "autoencoder", "guided": False},
    "no pretrain": {"guided": False},
}


def run(folder: Path, budget: float = 60.0, datasets=SMALL, seeds=(0, 1)) -> str:
    results = compare(folder, list(datasets), ARMS, budget, list(seeds))
    lines = [
        f"Autoencoder pre-training on or off: {budget:g} s per search, seeds "
        f"{', '.join(map(str, seeds))}, the default space, random tuner, unguided, the same "
        "20% test rows for both arms (test: accuracy, or R² for regression; higher is "
        "better). Lost: trials that failed or had a serious finding.",
        "",
        *table(results, list(ARMS)),
        "",
        *totals(results, list(ARMS)),
    ]
    return "\n".join(lines)
