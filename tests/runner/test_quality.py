"""Slow: a real search with the default space reaches sensible scores on real tables.

The classification floors sit well below the scikit-learn baselines of these datasets
(penguins: accuracy 0.985, wine: 0.972 with HistGradientBoosting) so that they catch a broken
search, not noise. diabetes has no fixed floor: R² on its 89 test rows moves with the split
far more than with the model (HistGradientBoosting's defaults score 0.255 on this run's split;
the same search scored 0.22 and 0.41 on two other splits, ``python -m benchmarks quality``),
so the search must instead score no lower than HistGradientBoosting's defaults on the same
rows (the run's own ``reference``).
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
        ("diabetes.csv", "r2", None),
    ],
)
def test_default_space_reaches_a_sensible_test_score(tmp_path, data_dir, name, metric, floor):
    info = run_search(
        TuneOptions(data=data_dir / name, time_budget=60, out=tmp_path / "run").resolve()
    )
    assert info["trials"]["completed"] >= 3
    if floor is None:
        floor = info["reference"]["test_scores"][metric]
    assert info["test_scores"][metric] >= floor
