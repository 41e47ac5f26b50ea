"""Labelled configurations for the diagnosis benchmarks: each provokes a pathology by the way it
trains (not by the table it trains on), and each is run on several tables and seeds.

A case is a ``diagnose`` configuration (names of :mod:`autotune.vocabulary`) and its epochs.
:func:`diagnose_case` trains one as ``autotune diagnose`` does (optionally with ``--repair``)
and returns its rounds' trial records.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

import yaml

# Each provokes its pathology by its arithmetic: a saturating activation many layers deep, a
# step far too large or far too small, an optimiser without adaptive steps.
PATHOLOGICAL: dict[str, tuple[dict[str, Any], int]] = {
    "10 sigmoid layers, SGD": (
        dict(
            n_layers=10, units=32, shrink=1.0, activation="sigmoid",
            initializer="glorot_uniform", optimizer="sgd", learning_rate=0.01,
        ),
        20,
    ),
    "10 tanh layers, tiny initial weights": (
        dict(
            n_layers=10, units=32, shrink=1.0, activation="tanh",
            initializer="random_normal", optimizer="sgd", learning_rate=0.01,
        ),
        20,
    ),
    "SGD at learning rate 10": (dict(optimizer="sgd", learning_rate=10.0, momentum=0.9), 10),
    "Adam at learning rate 3, ReLU": (
        dict(n_layers=3, units=64, activation="relu", optimizer="adam", learning_rate=3.0),
        10,
    ),
    "SGD 0.1 with momentum, batch 8, ReLU": (
        dict(
            n_layers=3, units=32, activation="relu", optimizer="sgd", learning_rate=0.1,
            momentum=0.9, batch_size=8,
        ),
        20,
    ),
    "sigmoid, Adam at 0.5": (
        dict(n_layers=2, units=64, activation="sigmoid", optimizer="adam", learning_rate=0.5),
        20,
    ),
    "SGD at 1e-6": (dict(n_layers=2, units=32, optimizer="sgd", learning_rate=1e-6), 15),
    "RMSprop at 0.1, batch 16": (
        dict(n_layers=2, units=64, optimizer="rmsprop", learning_rate=0.1, batch_size=16),
        20,
    ),
    "plain SGD at 1e-3": (dict(n_layers=2, units=32, optimizer="sgd", learning_rate=1e-3), 30),
    "wide net, long training": (
        dict(
            n_layers=2, units=256, shrink=1.0, optimizer="adam", learning_rate=3e-4,
            batch_size=64,
        ),
        80,
    ),
}  # fmt: skip

# Healthy: the usual good practice, regularised or not (dropout and L2 converge more slowly,
# and are healthy all the same), each for the same epochs as the pathological ones.
HEALTHY: dict[str, tuple[dict[str, Any], int]] = {
    "ReLU + Adam": (dict(n_layers=2, units=64, activation="relu", optimizer="adam"), 20),
    "ReLU + Adam, dropout 0.3": (
        dict(n_layers=2, units=64, activation="relu", optimizer="adam", dropout=0.3), 20,
    ),
    "ReLU + Adam, L2 1e-3": (
        dict(n_layers=2, units=64, activation="relu", optimizer="adam", l2=1e-3), 20,
    ),
    "10 ReLU layers, He, BatchNorm": (
        dict(
            n_layers=10, units=32, shrink=1.0, activation="relu", initializer="he_normal",
            batch_norm=True, optimizer="adam",
        ),
        20,
    ),
    "ReLU + Adam, batch 8": (
        dict(n_layers=2, units=64, activation="relu", optimizer="adam", batch_size=8), 20,
    ),
    "ReLU + Adam, warm-up and cosine schedule": (
        dict(
            n_layers=2, units=64, activation="relu", optimizer="adam", learning_rate=3e-3,
            lr_schedule="warmup_cosine",
        ),
        20,
    ),
    "tanh, Glorot, Adam": (
        dict(
            n_layers=3, units=64, activation="tanh", initializer="glorot_uniform",
            optimizer="adam",
        ),
        20,
    ),
    "SGD with momentum 0.9": (
        dict(n_layers=2, units=64, optimizer="sgd", learning_rate=0.05, momentum=0.9), 20,
    ),
}  # fmt: skip

DATASETS = ("iris", "penguins", "wine", "diabetes")


def diagnose_case(
    data: Path,
    config: dict[str, Any],
    epochs: int,
    seed: int,
    rounds: int = 0,
    choice: str = "first_remedy",
    base: str = "mlp",
) -> list[dict[str, Any]]:
    """Train ``config`` on ``data`` as ``autotune diagnose --epochs EPOCHS --seed SEED
    [--repair --rounds ROUNDS]`` does; the rounds' records, round 0 first. ``base``: the
    space whose defaults fill the names ``config`` leaves out (``image_cnn`` for images)."""
    from rich.console import Console

    from autotune.errors import SearchFailedError
    from autotune.options import TuneOptions
    from autotune.runner import run_search
    from autotune.runs import RunFolder
    from autotune.runs.rounds import chain
    from autotune.spaces import load_config

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(yaml.safe_dump(config))
        options = TuneOptions(
            data=data,
            space=load_config(path, base),
            max_trials=1 + rounds,
            max_epochs=epochs,
            patience=None,
            early_abort=False,  # as diagnose: every epoch runs
            seed=seed,
            ensemble="none",
            refit="none",
            out=Path(folder) / "run",
            reseed_trials=True,
            repair_rounds=rounds,
            repair_choice=choice,
        )
        try:
            run_search(options.resolve(), progress_console=Console(file=io.StringIO()))
        except SearchFailedError:
            pass  # every round diverged: their records say so
        records = RunFolder(Path(folder) / "run").read_trials()
    return chain(records) or records[:1]
