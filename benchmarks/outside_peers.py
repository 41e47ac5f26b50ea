"""Peers that live outside autotune's environment: AutoGluon Tabular and pytabkit's
RealMLP-TD, each fitted by :mod:`benchmarks.peer_fit` under the interpreter named by
``AUTOTUNE_PEERS_PYTHON`` (a virtual environment of their own, since both pin PyTorch and
their own scikit-learn and numpy):

    python3.11 -m venv peers && peers/bin/pip install autogluon.tabular pytabkit
    AUTOTUNE_PEERS_PYTHON=peers/bin/python python -m benchmarks quality --arms autotune,AutoGluon

They get the same ``train.csv`` feature columns and target as every other system, the same
wall-clock budget (AutoGluon's ``time_limit``; RealMLP-TD trains its defaults once and takes
what it takes), and are scored on the same outer test rows.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

OUTSIDE = ("AutoGluon", "RealMLP-TD")
SCRIPT = Path(__file__).resolve().parent / "peer_fit.py"


def interpreter() -> str:
    """The peers' Python, or a one-line reason to stop."""
    python = os.environ.get("AUTOTUNE_PEERS_PYTHON")
    if not python or not Path(python).exists():
        raise SystemExit(
            f"--arms: {' and '.join(OUTSIDE)} run in their own environment: set "
            "AUTOTUNE_PEERS_PYTHON to a Python with autogluon.tabular and pytabkit installed "
            "(python3.11 -m venv peers && peers/bin/pip install autogluon.tabular pytabkit)"
        )
    return python


def fit(system: str, train: pd.DataFrame, test: pd.DataFrame, spec, budget: float, seed: int,
        folder: Path):  # fmt: skip
    """One outside peer on ``train`` (feature columns and target, as ``spec`` names them); its
    test-row outputs (probabilities in ``spec``'s class order, or predictions), its seconds and
    its number of models."""
    paths = {name: folder / f"{system}-{name}.csv" for name in ("train", "test", "out")}
    train.to_csv(paths["train"], index=False)
    test[spec.feature_columns].to_csv(paths["test"], index=False)
    command = [interpreter(), str(SCRIPT), system, *map(str, paths.values())]
    command += ["--target", spec.target, "--task", spec.task]
    command += ["--budget", f"{budget:g}", "--seed", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{system} failed on {spec.target!r}: {done.stderr.strip()[-2000:]}")
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    output = pd.read_csv(paths["out"])
    if spec.task == "classification":
        output = output.reindex(columns=[str(c) for c in spec.classes], fill_value=0.0)
        return output.to_numpy(dtype="float64"), facts
    return np.ravel(output["prediction"].to_numpy(dtype="float64")), facts
