"""Labelled cases, trained for real: configurations built to provoke one pathology each, and
healthy ones (regularised, normalised, small batches, schedules), each on tables where it does
so, on three seeds.

A run's label is measured from its own series by ``benchmarks/physics.py`` (gradient ratios,
dead and saturated shares, update ratios, the loss against the constant prediction), never
taken from what autotune printed. Each pathological run must show its pathology by that
measure and autotune must name it; each healthy run must be healthy by that measure and
autotune must name nothing. Seed 0 on the first table runs in the default suite, the rest in
the slow set; ``python -m benchmarks diagnosis`` reports every finding's recall and false
alarms over all of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from autotune.diagnostics import FINDINGS  # noqa: E402
from benchmarks.diagnosis_cases import HEALTHY, PATHOLOGICAL, diagnose_case  # noqa: E402
from benchmarks.physics import labels  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"  # the shared tables' copies

# The pathology each configuration is built to provoke, and (up to three of) the tables where
# it does so on seeds 0, 1 and 2, as `python -m benchmarks diagnosis` measured; the healthy
# ones on the tables where they are healthy on all three.
PROVOKES = {
    "10 sigmoid layers, SGD": ("vanishing_gradients", ("iris", "penguins", "wine")),
    "10 tanh layers, tiny initial weights": ("stalled_weights", ("iris", "penguins", "wine")),
    "SGD at learning rate 10": ("nan_loss", ("iris", "diabetes")),
    "Adam at learning rate 3, ReLU": ("exploding_gradients", ("iris", "penguins", "wine")),
    "SGD 0.1 with momentum, batch 8, ReLU": ("dying_relu", ("diabetes",)),
    "sigmoid, Adam at 0.5": ("saturation", ("iris", "penguins", "wine")),
    "SGD at 1e-6": ("stagnant_loss", ("wine", "diabetes")),
    "RMSprop at 0.1, batch 16": ("oscillating_loss", ("iris", "penguins", "diabetes")),
    "plain SGD at 1e-3": ("slow_convergence", ("penguins",)),
    "wide net, long training": ("overfitting", ("diabetes",)),
}
HEALTHY_ON = {
    "ReLU + Adam": ("iris", "penguins", "wine"),
    "ReLU + Adam, dropout 0.3": ("iris", "penguins", "wine"),
    "ReLU + Adam, L2 1e-3": ("iris", "penguins", "wine"),
    "10 ReLU layers, He, BatchNorm": ("penguins",),
    "ReLU + Adam, batch 8": ("iris", "penguins", "wine"),
    "ReLU + Adam, warm-up and cosine schedule": ("iris", "penguins", "wine"),
    "tanh, Glorot, Adam": ("iris", "penguins", "wine"),
    "SGD with momentum 0.9": ("iris", "wine"),
}
SEEDS = (0, 1, 2)


def runs(tables: dict[str, tuple[str, ...]]):
    """(case, table, seed), seed 0 on the case's first table in the default suite."""
    for case, names in tables.items():
        for name in names:
            for seed in SEEDS:
                first = name == names[0] and seed == 0
                marks = () if first else (pytest.mark.slow,)
                yield pytest.param(case, name, seed, marks=marks, id=f"{case}-{name}-{seed}")


def trained(case: str, name: str, seed: int, cases) -> tuple[set[str], set[str]]:
    config, epochs = cases[case]
    record = diagnose_case(DATA / f"{name}.csv", config, epochs, seed)[0]
    loss_key = "mse" if name == "diabetes" else "cross_entropy"
    return labels(record, loss_key), {f["name"] for f in record["findings"]}


def test_every_finding_has_a_case_that_provokes_it():
    assert {finding for finding, _ in PROVOKES.values()} == set(FINDINGS)
    assert set(PROVOKES) == set(PATHOLOGICAL) and set(HEALTHY_ON) == set(HEALTHY)


@pytest.mark.parametrize(
    ("case", "name", "seed"),
    runs({case: names for case, (_, names) in PROVOKES.items()}),
)
def test_a_pathology_that_the_series_show_is_named(case, name, seed):
    measured, found = trained(case, name, seed, PATHOLOGICAL)
    pathology = PROVOKES[case][0]
    assert pathology in measured, f"the run does not show {pathology}: {sorted(measured)}"
    assert pathology in found, f"measured {sorted(measured)}, autotune named {sorted(found)}"


@pytest.mark.parametrize(("case", "name", "seed"), runs(HEALTHY_ON))
def test_a_healthy_run_gets_no_finding(case, name, seed):
    measured, found = trained(case, name, seed, HEALTHY)
    assert measured == set(), f"the run is not healthy by its series: {sorted(measured)}"
    assert found == set(), f"false alarm on a healthy run: {sorted(found)}"
