"""A run's inputs, checked before anything is written; then the problem built from them."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from autotune.console.progress import SearchProgress
from autotune.errors import UsageError
from autotune.options import TuneOptions
from autotune.problems.base import Problem
from autotune.problems.prepare import Prepared, build_problem, prepare


def test_a_table_is_loaded_split_and_given_its_space(data_dir, tmp_path):
    plan = TuneOptions(data=data_dir / "iris.csv", out=tmp_path / "r").resolve()
    prepared = prepare(plan)
    assert isinstance(prepared, Prepared) and prepared.space.name == "mlp"
    assert prepared.space_note is None and prepared.backbones == {}
    assert set(prepared.data.splits) == {"train", "val", "test"}
    assert not (tmp_path / "r").exists()  # nothing written


def test_an_image_folder_gets_its_space_from_its_class_sizes(image_folder, tmp_path):
    plan = TuneOptions(data=image_folder, backbone="none", out=tmp_path / "r").resolve()
    prepared = prepare(plan)
    assert prepared.space.name == "image_cnn" and "CNN from scratch" in prepared.space_note


def test_a_weights_file_needs_one_backbone(image_folder, tmp_path):
    weights = tmp_path / "w.h5"
    weights.write_bytes(b"x")
    plan = TuneOptions(data=image_folder, weights=str(weights), image_size=32).resolve()
    with pytest.raises(UsageError, match="a weights file holds one backbone"):
        prepare(plan)


def test_the_problem_of_a_table_trains_on_encoded_arrays(data_dir):
    plan = TuneOptions(data=data_dir / "iris.csv", space="fast").resolve()
    progress = SearchProgress(1, 1, "val_cross_entropy", console=Console(file=io.StringIO()))
    problem = build_problem(prepare(plan), plan, progress)
    assert isinstance(problem, Problem) and problem.objective == "val_cross_entropy"
    assert problem.train[0].shape == (96, 4) and problem.val[0].shape == (24, 4)
