"""Slow: a real search with the default space reaches sensible scores on real tables.

The floors sit well below the scikit-learn baselines of these datasets (penguins: accuracy
0.985, wine: 0.972, diabetes: R² 0.401 with HistGradientBoosting) so that they catch a broken
search, not noise.
"""

from __future__ import annotations

import pytest

from autotune.options import TuneOptions
from autotune.runner import run_search

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("name", "metric", "floor"),
    [
        ("penguins.csv", "accuracy", 0.95),
        ("wine.csv", "accuracy", 0.9),
        ("diabetes.csv", "r2", 0.3),
    ],
)
def test_default_space_reaches_a_sensible_test_score(tmp_path, data_dir, name, metric, floor):
    info = run_search(
        TuneOptions(data=data_dir / name, time_budget=60, out=tmp_path / "run").resolve()
    )
    assert info["trials"]["completed"] >= 3
    assert info["test_scores"][metric] >= floor
