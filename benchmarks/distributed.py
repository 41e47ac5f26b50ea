"""Wall time of one search in one process against the same search with ``--workers N``.

For each table and seed, ``autotune tune DATA --max-trials 12 --seed S`` runs as a user runs
it (the console script, start-up and the final model included) once in one process and once
with ``--workers N`` (a chief and N local worker processes), back to back in alternating
order. Reported per arm: wall seconds, trials completed, the summed fit seconds of the trials
(the training work), the best validation score and the test score; and the ratio of the wall
times (one process / workers: above 1 the workers were faster). Both arms draw their trials
from the same seeded oracle, so they try the same configurations unless the guided search
steers them differently (it reads findings as trials finish, and with workers trials finish in
another order).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATASETS = ("penguins", "titanic", "default")
AUTOTUNE = Path(sys.executable).parent / "autotune"


def run_arm(path: Path, trials: int, seed: int, out: Path, workers: int) -> dict:
    """One ``autotune tune`` command; its figures."""
    command = [str(AUTOTUNE), "tune", str(path), "--max-trials", str(trials), "--seed", str(seed)]
    command += ["--out", str(out)] + (["--workers", str(workers)] if workers else [])
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    info = json.loads((out / "run.json").read_text())
    records = [json.loads(p.read_text()) for p in (out / "trials").glob("*.json")]
    task = info["dataset"]["task"]
    return {
        "seconds": seconds,
        "completed": info["trials"]["completed"],
        "fit": sum(r.get("fit_seconds") or 0.0 for r in records),
        "val": info["best_trial"]["score"],
        "test": info["test_scores"]["accuracy" if task == "classification" else "r2"],
    }


def run(folder: Path, trials: int = 12, workers: int = 2, datasets=DATASETS, seeds=(0,)) -> str:
    arms = {"one process": 0, f"--workers {workers}": workers}
    lines = [
        f"Wall time of a {trials}-trial search (`autotune tune DATA --max-trials {trials}`, "
        f"the whole command) in one process and with `--workers {workers}`; "
        f"`python -m benchmarks distributed`.",
        "",
        "| dataset | seed | arm | wall s | completed | fit s (sum) | best val score | test |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    ratios = []
    for i, name in enumerate(datasets):
        for seed in seeds:
            order = list(arms.items())
            if (i + seed) % 2:
                order.reverse()  # alternate which arm runs first
            results = {}
            for label, count in order:
                with tempfile.TemporaryDirectory() as tmp:
                    results[label] = run_arm(
                        folder / f"{name}.csv", trials, seed, Path(tmp) / "run", count
                    )
                print(f"{name} seed {seed} {label}: {results[label]}", file=sys.stderr)
            for label in arms:
                r = results[label]
                lines.append(
                    f"| {name} | {seed} | {label} | {r['seconds']:.1f} | {r['completed']} | "
                    f"{r['fit']:.1f} | {r['val']:.4g} | {r['test']:.3f} |"
                )
            one, many = (results[label]["seconds"] for label in arms)
            ratios.append((name, seed, one / many))
    lines += ["", "| dataset | seed | one process / workers (wall time) |", "|---|---:|---:|"]
    lines += [f"| {name} | {seed} | {ratio:.2f}x |" for name, seed, ratio in ratios]
    return "\n".join(lines)
