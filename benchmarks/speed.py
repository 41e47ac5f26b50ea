"""Speed against a plain KerasTuner loop: trials per minute and the best validation loss
reached after 60 / 120 / 300 s, on the same data, the same split and the same space; and the
start-up time of ``autotune --help``.

The space is the one a typical KerasTuner user writes (1-3 ReLU Dense layers of 32-256 units,
dropout 0-0.5, Adam with a log-uniform learning rate 1e-4 to 1e-2, batch 32, Keras' default
Glorot initialisation, EarlyStopping patience 5, at most 50 epochs); autotune searches the
same ranges (``SPACE`` below; its widths narrow by a searched factor where the plain loop picks
each layer's width). Both minimise the validation cross-entropy (no weight penalty in this
space, so it is ``val_loss`` for both). A trial's time is when its record was written,
counted from the start of the search call (autotune: the run, data loading included).
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks import plain_keras_tuner

SPACE = """\
name: plain_equivalent
description: The plain KerasTuner loop's space, in autotune's names.
hyperparameters:
  n_layers: {type: int, min: 1, max: 3, default: 1}
  units: {type: choice, values: [32, 64, 128, 256], default: 32}
  shrink: {type: choice, values: [0.25, 0.5, 1.0], default: 1.0}
  activation: {type: fixed, value: relu}
  initializer: {type: fixed, value: glorot_uniform}
  dropout: {type: float, min: 0.0, max: 0.5, step: 0.1, default: 0.0}
  optimizer: {type: fixed, value: adam}
  learning_rate: {type: float, min: 1.0e-4, max: 1.0e-2, sampling: log, default: 1.0e-3}
  batch_size: {type: fixed, value: 32}
"""
CHECKPOINTS = (60, 120, 300)


def _autotune_curve(path: Path, budget: float, seed: int, workdir: Path) -> list[tuple]:
    from rich.console import Console

    from autotune.options import TuneOptions
    from autotune.runner import run_search

    space = workdir / "space.yaml"
    space.write_text(SPACE)
    out = workdir / "autotune"
    started = time.time()
    run_search(
        TuneOptions(
            data=path, space=str(space), time_budget=budget, seed=seed, out=out, max_epochs=50
        ).resolve(),
        progress_console=Console(file=io.StringIO()),
    )
    points = []
    for record in (out / "trials").glob("*.json"):
        trial = json.loads(record.read_text())
        points.append((record.stat().st_mtime - started, trial.get("score")))
    return sorted(points, key=lambda p: p[0])


def _plain_curve(path: Path, budget: float, seed: int, workdir: Path) -> list[tuple]:
    from autotune.data.tabular import load_table

    started = time.time()
    deadline = time.monotonic() + budget  # data loading counts, as it does for autotune
    data = load_table(path, test_size=0.2, seed=seed)
    if data.preprocessing.task != "classification":
        raise SystemExit(f"benchmarks: {path}: speed compares classifiers; pass a class target")
    points: list[tuple] = []
    plain_keras_tuner.search(
        data,
        plain_keras_tuner.encode(data),
        deadline,
        seed,
        workdir,
        on_trial_end=lambda trial: points.append((time.time() - started, trial.score)),
    )
    return points


def _best_by(points: list[tuple], seconds: float) -> float | None:
    scores = [s for t, s in points if t <= seconds and s is not None and np.isfinite(s)]
    return min(scores) if scores else None


def help_seconds(repeats: int = 5) -> float:
    """Median wall time of ``autotune --help`` (a fresh process each time)."""
    autotune = Path(sys.executable).parent / "autotune"
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([str(autotune), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(path: Path, budget: float = 300.0, seed: int = 0) -> str:
    checkpoints = [c for c in CHECKPOINTS if c <= budget] or [budget]
    with tempfile.TemporaryDirectory() as tmp:
        curves = {
            "autotune": _autotune_curve(path, budget, seed, Path(tmp)),
            "plain KerasTuner": _plain_curve(path, budget, seed, Path(tmp)),
        }
    lines = [
        f"Search speed on {path.name}, the same space and split, {budget:g} s each, seed {seed} "
        "(best validation cross-entropy so far; lower is better):",
        "",
        "| system | trials | trials / min | "
        + " | ".join(f"best after {c:g} s" for c in checkpoints)
        + " |",
        "|---|---:|---:|" + "---:|" * len(checkpoints),
    ]
    for name, points in curves.items():
        ends = [t for t, _ in points]
        minutes = (max(ends) if ends else budget) / 60
        cells = " | ".join(
            "-" if (v := _best_by(points, c)) is None else f"{v:.4f}" for c in checkpoints
        )
        lines.append(f"| {name} | {len(points)} | {len(points) / minutes:.1f} | {cells} |")
    ratio = (len(curves["autotune"]) or 1) / max(len(curves["plain KerasTuner"]), 1)
    lines += [
        "",
        f"Trials per minute, autotune / plain KerasTuner: {ratio:.2f} (autotune's time includes "
        "reading the CSV, the per-epoch gradient probe and writing every trial's record).",
        "",
        f"`autotune --help` start-up: {help_seconds():.2f} s (median of 5 fresh processes; "
        "TensorFlow is not imported).",
    ]
    return "\n".join(lines)
