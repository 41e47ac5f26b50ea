"""What a resumed run must share with the run it continues."""

from __future__ import annotations

import pytest

from autotune.errors import RunFolderError
from autotune.runs.folder import RunFolder
from autotune.runs.same_run import RESUME_MUST_MATCH, check_resumable, first_difference

RUN = {
    "dataset": {"sha256": "abc", "target": "y", "task": "regression"},
    "options": {"test_size": 0.2, "weights": "imagenet", "pretrain": None},
    "seed": 0,
    "tuner": "random",
    "space": {"hyperparameters": {"units": {"type": "int", "min": 8, "max": 64}}},
    "init_from": None,
}


def test_the_same_run_has_no_difference():
    assert first_difference(RUN, RUN, RESUME_MUST_MATCH) is None


def test_the_first_difference_is_named_and_shortened():
    other = {**RUN, "seed": 1, "dataset": {**RUN["dataset"], "sha256": "x" * 60}}
    name, old, new = first_difference(RUN, other, RESUME_MUST_MATCH)
    assert name == "the data file's content" and old == "'abc'" and new.endswith("...")
    assert len(new) == 40


def test_resuming_another_run_is_refused(tmp_path):
    with pytest.raises(
        RunFolderError, match=r"--resume .*: --seed differs from the run's \(0 then"
    ):
        check_resumable(RUN, {**RUN, "seed": 3}, RunFolder(tmp_path))


def test_a_run_from_before_scaling_resumes_with_standard_scaling(tmp_path):
    now = {**RUN, "options": {**RUN["options"], "scaling": "standard"}}
    check_resumable(RUN, now, RunFolder(tmp_path))  # the old run scaled numbers that way
    robust = {**RUN, "options": {**RUN["options"], "scaling": "robust"}}
    with pytest.raises(RunFolderError, match="--scaling differs"):
        check_resumable(RUN, robust, RunFolder(tmp_path))
