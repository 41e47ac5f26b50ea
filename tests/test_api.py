"""The Python API: options by keyword, checked by their declarations; a run read back."""

from __future__ import annotations

import pytest

import autotune
from autotune.api import Run, load_run, tune_options
from autotune.errors import UsageError


def test_an_unknown_keyword_names_the_closest_option(data_dir, tmp_path):
    with pytest.raises(
        UsageError, match="no option 'max_trial' \\(did you mean 'max_trials'\\?\\)"
    ):
        autotune.tune(data_dir / "iris.csv", max_trial=3, out=tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_keywords_become_the_options_of_tune(data_dir):
    options = tune_options(str(data_dir / "iris.csv"), {"max_trials": 2, "space": "fast"})
    assert options.max_trials == 2 and options.data == data_dir / "iris.csv"


def test_a_run_reads_back_from_its_folder(penguins_run):
    run = load_run(penguins_run)
    assert isinstance(run, Run) and run.path == penguins_run
    assert list(run.trials["rank"]) == [1, 2]
    assert run.best_trial["trial_id"] in set(run.trials["trial_id"])
    assert 0 <= run.test_scores["accuracy"] <= 1
    assert repr(run) == f"Run({str(penguins_run)!r}, status='completed')"
