"""How often ``diagnose --repair`` repairs, against a random remedy (Kim et al. 2023).

Every pathological case (:mod:`benchmarks.diagnosis_cases`) on every table and seed is
diagnosed and repaired for at most 2 rounds twice: once with autotune's remedy order (the
first remedy of the first finding), once with a remedy drawn at random from the whole
catalogue (same rounds, same seeds; round 0 is the same training in both). A case is
*repaired* when a round is healthy (no finding at all) and scores better on the validation
rows than round 0 (or round 0 diverged). Cases whose round 0 is healthy are counted apart: the
configuration did not provoke its pathology there. Reported per round 0's first finding.
"""

from __future__ import annotations

import platform
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.diagnosis_cases import DATASETS, PATHOLOGICAL, diagnose_case

__all__ = ["DATASETS", "run"]

ARMS = {"autotune order": "first_remedy", "random remedy": "random"}
ROUNDS = 2


def healed(rounds: list[dict[str, Any]]) -> bool:
    """A later round is healthy, whatever its score."""
    return any(r["status"] == "completed" and r["health"] == "healthy" for r in rounds[1:])


def repaired(rounds: list[dict[str, Any]]) -> bool:
    """A later round is healthy and better than round 0 on the validation rows."""
    first = rounds[0]
    for later in rounds[1:]:
        better = first["score"] is None or (
            later["score"] is not None and later["score"] < first["score"]
        )
        if later["status"] == "completed" and later["health"] == "healthy" and better:
            return True
    return False


def run(folder: Path, datasets=DATASETS, seeds=(0, 1)) -> str:
    outcomes: dict[str, dict[str, list[tuple[bool, bool]]]] = defaultdict(lambda: defaultdict(list))
    healthy_start, details = 0, []
    for case, (config, epochs) in PATHOLOGICAL.items():
        for name in datasets:
            for seed in seeds:
                results = {
                    arm: diagnose_case(folder / f"{name}.csv", config, epochs, seed, ROUNDS, how)
                    for arm, how in ARMS.items()
                }
                first = results["autotune order"][0]
                if not first["findings"]:
                    healthy_start += 1
                    continue
                finding = first["findings"][0]["name"]
                for arm, rounds in results.items():
                    outcomes[finding][arm].append((repaired(rounds), healed(rounds)))
                details.append(_detail(case, name, seed, results))
    return _table(outcomes, healthy_start, details, datasets, seeds)


def _detail(case: str, name: str, seed: int, results: dict[str, list]) -> str:
    def path(rounds):
        steps = [r["remedy"]["name"] for r in rounds[1:]]
        end = rounds[-1]["health"]
        return (
            f"{' → '.join(steps) or 'no remedy'} ({end}{', repaired' if repaired(rounds) else ''})"
        )

    first = results["autotune order"][0]
    arms = "; ".join(f"{arm}: {path(rounds)}" for arm, rounds in results.items())
    return f"| {case} | {name} | {seed} | {first['health']} | {arms} |"


def _share(values: list[bool]) -> str:
    return f"{sum(values)}/{len(values)} ({sum(values) / len(values):.0%})" if values else "–"


def _cells(pairs: list[tuple[bool, bool]]) -> str:
    """Repaired, and healthy whatever the score."""
    return f"{_share([p[0] for p in pairs])} | {_share([p[1] for p in pairs])}"


def _table(outcomes, healthy_start, details, datasets, seeds) -> str:
    arms = list(ARMS)
    heads = " | ".join(f"{a}: repaired | {a}: healthy" for a in arms)
    lines = [
        f"Repair (`python -m benchmarks repair`): {len(PATHOLOGICAL)} pathological "
        f"configurations x {len(datasets)} tables ({', '.join(datasets)}) x seeds "
        f"{', '.join(map(str, seeds))}; at most {ROUNDS} rounds of repair, each from scratch "
        "with the same seed and epochs. Repaired: a round is healthy and beats round 0's "
        "validation score; healthy: a round is healthy, whatever its score. "
        f"{healthy_start} runs whose round 0 was already healthy are left out. "
        f"{platform.machine()}, Python {platform.python_version()}.",
        "",
        f"| round 0's first finding | cases | {heads} |",
        "|---|---:|" + "---:|" * (2 * len(arms)),
    ]
    for finding in sorted(outcomes):
        n = len(outcomes[finding][arms[0]])
        cells = " | ".join(_cells(outcomes[finding][a]) for a in arms)
        lines.append(f"| {finding} | {n} | {cells} |")
    every = {a: [v for f in outcomes.values() for v in f[a]] for a in arms}
    cells = " | ".join(_cells(every[a]) for a in arms)
    lines.append(f"| **all** | **{len(every[arms[0]])}** | {cells} |")
    lines += [
        "",
        "Each run: the remedies applied round by round, and the last round's health.",
        "",
        "| configuration | table | seed | round 0 | rounds |",
        "|---|---|---:|---|---|",
        *details,
    ]
    return "\n".join(lines)
