"""The same seed and data give the same trials: the same hyperparameters in the same order and
the same scores (within float tolerance on CPU)."""

from __future__ import annotations

import json

import pytest

from autotune.options import TuneOptions
from autotune.runner import run_search


def _search(tmp_path, data_dir, name: str, seed: int) -> list[dict]:
    out = tmp_path / name
    run_search(
        TuneOptions(
            data=data_dir / "penguins.csv",
            space="fast",
            max_trials=3,
            max_epochs=3,
            seed=seed,
            out=out,
        ).resolve()
    )
    return [json.loads(p.read_text()) for p in sorted((out / "trials").glob("*.json"))]


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_same_seed_same_trials_and_scores(tmp_path, data_dir):
    first = _search(tmp_path, data_dir, "a", seed=7)
    second = _search(tmp_path, data_dir, "b", seed=7)
    assert [t["hyperparameters"] for t in first] == [t["hyperparameters"] for t in second]
    for a, b in zip(first, second, strict=True):
        assert a["score"] == pytest.approx(b["score"], rel=1e-4)
        assert a["history"]["loss"] == pytest.approx(b["history"]["loss"], rel=1e-4)
    other = _search(tmp_path, data_dir, "c", seed=8)
    assert [t["hyperparameters"] for t in other] != [t["hyperparameters"] for t in first]
