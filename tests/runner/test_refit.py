"""``--refit all`` (the default): every labelled row trains the shipped model, within the
time budget; the reported scores stay the searched model's."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rich.console import Console

from autotune.console.progress import SearchProgress
from autotune.data.tabular import load_table
from autotune.options import Budget, TuneOptions
from autotune.problems.table import TabularProblem
from autotune.runner import run_search
from autotune.runner.refit import RESERVE_SHARE, RESERVED_TRIALS, Refit, refit_seconds, reserve
from autotune.runs import RunFolder

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def problem():
    return TabularProblem(load_table(DATA / "penguins.csv", target="species", seed=0))


def _plan(data_dir, **options):
    return TuneOptions(data=data_dir / "penguins.csv", target="species", **options).resolve()


BEST = {"trial_id": "0003", "fit_seconds": 10.0, "best_epoch": 5, "epochs_run": 10,
        "hyperparameters": {"n_layers": 1, "units": 8}}  # fmt: skip


def test_the_estimate_scales_the_trial_to_its_best_epoch_and_every_row(problem):
    rows = problem.labelled_rows() / len(problem.train[1])
    assert refit_seconds(BEST, problem) == pytest.approx(10.0 * 0.5 * rows)
    assert refit_seconds({**BEST, "fit_seconds": None}, problem) is None


def test_the_search_keeps_the_refit_free_unless_it_is_too_dear(data_dir):
    plan, budget = _plan(data_dir), Budget(time.monotonic(), 100.0)
    assert reserve(plan, budget, [12.0]) == 12.0
    assert reserve(plan, budget, [RESERVE_SHARE * 100 + 1]) == 0.0
    assert reserve(_plan(data_dir, refit="none"), budget, [12.0]) == 0.0
    assert reserve(plan, Budget(time.monotonic(), None), [12.0]) == 0.0


def test_an_ensemble_keeps_its_likely_members_refits_free_as_far_as_they_fit(data_dir):
    plan, budget = _plan(data_dir), Budget(time.monotonic(), 100.0)
    # The best RESERVED_TRIALS trials' refits, while their sum fits in RESERVE_SHARE.
    assert RESERVED_TRIALS == 3
    assert reserve(plan, budget, [5.0, 6.0, 7.0, 8.0]) == 18.0
    assert reserve(plan, budget, [12.0, 15.0, 7.0]) == 27.0
    assert reserve(plan, budget, [12.0, None, 7.0]) == 12.0
    # The best trial alone when no ensemble is shipped.
    assert reserve(_plan(data_dir, ensemble="none"), budget, [5.0, 6.0, 7.0]) == 5.0


def test_a_refit_that_does_not_fit_in_the_time_left_is_skipped(data_dir, problem):
    spent = Budget(time.monotonic() - 100, 50.0)
    progress = SearchProgress(None, 2, "val_cross_entropy", console=Console(quiet=True))
    networks, record = Refit(problem, _plan(data_dir), spent, progress).run([BEST])
    assert networks == [None]
    assert record["status"] == "skipped" and record["seconds_left"] == 0.0
    # Seconds reserved for it are its own, even when the last trial ran into them.
    networks, record = Refit(problem, _plan(data_dir), spent, progress, reserved=60).run([BEST])
    assert networks[0] is not None and record["status"] == "done" and record["epochs"] == 5
    # ... all of them: a reserve of exactly the estimate (as the search keeps) is enough.
    exact = refit_seconds(BEST, problem)
    networks, record = Refit(problem, _plan(data_dir), spent, progress, exact).run([BEST])
    assert record["status"] == "done"


def test_an_ensemble_refits_its_members_heaviest_first_while_the_time_lasts(data_dir, problem):
    spent = Budget(time.monotonic() - 100, 50.0)
    progress = SearchProgress(None, 2, "val_cross_entropy", console=Console(quiet=True))
    cheap = {**BEST, "trial_id": "0001", "fit_seconds": 1.0, "epochs_run": 2, "best_epoch": 2}
    dear = {**BEST, "trial_id": "0002", "fit_seconds": 1000.0}
    members = [cheap, dear, {**cheap, "trial_id": "0004"}]
    networks, record = Refit(problem, _plan(data_dir), spent, progress, reserved=30).run(members)
    assert [n is not None for n in networks] == [True, False, True]
    assert record["status"] == "partial" and record["retrained"] == 2 and record["shipped"] == 3
    assert [m["status"] for m in record["members"]] == ["done", "skipped", "done"]
    assert record["rows"] == problem.labelled_rows()


def test_the_shipped_model_is_refitted_on_every_labelled_row(penguins_run):
    info = RunFolder(penguins_run).read_run()
    refit, rows = info["refit"], info["dataset"]["split_rows"]
    assert refit["status"] == "done"
    assert refit["rows"] == rows["train"] + rows["val"] + rows["test"]
    assert refit["train_rows"] == rows["train"]
    members = refit.get("members") or [{**refit, "trial_id": info["best_trial"]["trial_id"]}]
    trials = {t["trial_id"]: t for t in RunFolder(penguins_run).read_trials()}
    for member in members:  # each for its own trial's best epoch
        assert member["epochs"] == trials[member["trial_id"]]["best_epoch"]


def test_refit_none_and_ensemble_none_ship_the_best_searched_model(tmp_path, data_dir):
    info = run_search(_plan(data_dir, space="fast", max_trials=2, max_epochs=2, refit="none",
                            ensemble="none", out=tmp_path / "run"))  # fmt: skip
    assert info["refit"] == {"status": "off", "train_rows": info["dataset"]["split_rows"]["train"],
                             "why": "--refit none"}  # fmt: skip
    assert info["ensemble"] == {"status": "off", "why": "--ensemble none"}
    assert info["test_scores"] == info["best_trial"]["test_scores"]
