"""How right the findings are: each finding's recall and false alarms against labels measured
independently (:mod:`benchmarks.physics`), on pathological and healthy configurations
(:mod:`benchmarks.diagnosis_cases`) x tables x seeds, each trained as ``autotune diagnose``
trains it.

Recall: of the runs whose measured series show a pathology, the share where autotune names
it. False alarms: the runs where autotune names a finding that the series do not show. A
healthy configuration's run is *clean* when autotune names nothing.
"""

from __future__ import annotations

import platform
from collections import Counter
from pathlib import Path

from benchmarks.diagnosis_cases import DATASETS, HEALTHY, PATHOLOGICAL, diagnose_case
from benchmarks.physics import labels

FINDINGS = (
    "nan_loss", "exploding_gradients", "vanishing_gradients", "dying_relu", "saturation",
    "stalled_weights", "stagnant_loss", "oscillating_loss", "slow_convergence", "overfitting",
)  # fmt: skip
LOSS_KEY = {"diabetes": "mse"}  # the regression tables; the others are classifications


def _share(part: int, whole: int) -> str:
    return f"{part} ({part / whole:.0%})" if whole else "–"


def run(folder: Path, datasets=DATASETS, seeds=(0, 1, 2)) -> str:
    hits, shown, alarms = Counter(), Counter(), Counter()
    clean, healthy_runs, rows = 0, 0, []
    cases = {c: (v, False) for c, v in PATHOLOGICAL.items()}
    cases.update({c: (v, True) for c, v in HEALTHY.items()})
    for case, ((config, epochs), healthy) in cases.items():
        for name in datasets:
            for seed in seeds:
                record = diagnose_case(folder / f"{name}.csv", config, epochs, seed)[0]
                found = {f["name"] for f in record["findings"]}
                measured = labels(record, LOSS_KEY.get(name, "cross_entropy"))
                shown.update(measured)
                hits.update(found & measured)
                alarms.update(found - measured)
                if healthy:
                    healthy_runs += 1
                    clean += not found
                rows.append(
                    f"| {case} | {name} | {seed} | {', '.join(sorted(measured)) or '–'} "
                    f"| {', '.join(sorted(found)) or '–'} | {'' if found == measured else '≠'} |"
                )
    n = len(cases) * len(datasets) * len(seeds)
    lines = [
        f"Diagnosis (`python -m benchmarks diagnosis`): {len(PATHOLOGICAL)} pathological and "
        f"{len(HEALTHY)} healthy configurations x {len(datasets)} tables ({', '.join(datasets)}) "
        f"x seeds {', '.join(map(str, seeds))} = {n} runs, each trained as `autotune diagnose` "
        "trains it; labels measured from each run's series by `benchmarks/physics.py`, not by "
        f"autotune's rules. {platform.machine()}, Python {platform.python_version()}.",
        "",
        "| finding | runs that show it | autotune names it (recall) | false alarms |",
        "|---|---:|---:|---:|",
    ]
    for f in FINDINGS:
        lines.append(f"| {f} | {shown[f]} | {_share(hits[f], shown[f])} | {alarms[f]} |")
    every = sum(shown.values())
    lines += [
        f"| **all** | **{every}** | **{_share(sum(hits.values()), every)}** "
        f"| **{sum(alarms.values())}** |",
        "",
        f"Healthy configurations: {clean} of {healthy_runs} runs with no finding at all.",
        "",
        "Every run: its measured labels and autotune's findings (≠: they differ).",
        "",
        "| configuration | table | seed | measured | autotune | |",
        "|---|---|---:|---|---|---|",
        *rows,
    ]
    return "\n".join(lines)
