"""A search over a real table's problem: its trials' callbacks, its trials, its best network."""

from __future__ import annotations

import gc
import io

from autotune.backend import keras

import numpy as np
import pytest
from rich.console import Console

from autotune.console.progress import SearchProgress
from autotune.options import TuneOptions
from autotune.problems.prepare import build_problem, prepare
from autotune.tuning.search import Search


def make(data_dir, tmp_path, **values):
    plan = TuneOptions(data=data_dir / "iris.csv", space="fast", max_epochs=2, out=tmp_path,
                       **values).resolve()  # fmt: skip
    progress = SearchProgress(2, 2, "val_cross_entropy", console=Console(file=io.StringIO()))
    prepared = prepare(plan)
    problem = build_problem(prepared, plan, progress)
    records = []
    search = Search(plan, prepared.space, problem, progress, plan.start_clock(), records.append)
    return search, problem, records


def test_each_trial_gets_nan_stopping_and_early_stopping_on_the_objective(data_dir, tmp_path):
    search, _, _ = make(data_dir, tmp_path, max_trials=1, patience=3)
    nan, hopeless, early = search.trial_callbacks()
    assert type(nan).__name__ == "StopOnNaN" and type(hopeless).__name__ == "StopHopeless"
    assert isinstance(early, keras.callbacks.EarlyStopping) and early.patience == 3
    assert early.monitor == "val_cross_entropy" and search.guide is not None


def test_no_patience_no_early_stopping_and_hyperband_is_not_guided(data_dir, tmp_path):
    search, _, _ = make(data_dir, tmp_path, max_trials=1, patience=None, tuner="hyperband")
    assert [type(c).__name__ for c in search.trial_callbacks()] == ["StopOnNaN", "StopHopeless"]
    assert search.guide is None
    search, _, _ = make(data_dir, tmp_path / "off", max_trials=1, patience=None, early_abort=False)
    assert [type(c).__name__ for c in search.trial_callbacks()] == ["StopOnNaN"]


def test_the_trials_run_and_the_best_network_is_their_best_epoch(data_dir, tmp_path):
    search, problem, records = make(data_dir, tmp_path, max_trials=2)
    search.run()
    assert [r["trial_id"] for r in records] == ["0", "1"]
    assert gc.get_freeze_count() == 0  # what the search froze for its trials is unfrozen
    best = min(records, key=lambda r: r["score"])
    network = search.best_network(best["trial_id"])
    proba = network.predict(problem.val[0], verbose=0)
    picked = np.clip(proba[np.arange(len(proba)), problem.val[1]], 1e-7, 1)
    assert float(-np.log(picked).mean()) == pytest.approx(best["score"], rel=1e-4)
