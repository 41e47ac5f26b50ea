"""The run folder: creating, reusing and replacing it, and its ranked trials.csv."""

from __future__ import annotations

import csv
import json

import pytest

from autotune.errors import RunFolderError
from autotune.runs.files import write_json
from autotune.runs.folder import RunFolder
from autotune.runs.ranking import TRIALS_COLUMNS, rank_trials


def trial(trial_id, status="completed", score=None, **extra):
    return {
        "trial_id": trial_id,
        "status": status,
        "score": score,
        "hyperparameters": {"units": 8, "tuner/epochs": 2},
        **extra,
    }


def test_failed_trials_rank_below_completed_ones_whatever_their_score():
    trials = [
        trial("0", score=0.5),
        trial("1", "failed", score=0.01),
        trial("2", score=0.2),
        trial("3", score=float("nan")),
    ]
    ranked = rank_trials(trials, "min")
    assert [(t["trial_id"], t["rank"]) for t in ranked] == [
        ("2", 1),
        ("0", 2),
        ("1", None),
        ("3", None),
    ]


def test_max_direction_ranks_high_scores_first():
    ranked = rank_trials([trial("0", score=0.5), trial("1", score=0.9)], "max")
    assert [t["trial_id"] for t in ranked] == ["1", "0"]


def test_trials_csv_is_ranked_with_documented_columns(tmp_path):
    folder = RunFolder(tmp_path / "run")
    folder.create()
    folder.write_trials_csv(
        [trial("0", score=0.5, val_loss=0.5, error=None), trial("1", "failed", error="boom")], "min"
    )
    rows = list(csv.DictReader(folder.trials_csv.open()))
    assert [r["trial_id"] for r in rows] == ["0", "1"]
    assert rows[1]["rank"] == "" and rows[1]["error"] == "boom"
    fixed = [c for c in rows[0] if c in TRIALS_COLUMNS]
    assert fixed == ["rank", "trial_id", "status", "score", "val_loss", "error"]
    assert "units" in rows[0] and "tuner/epochs" not in rows[0]


def test_write_json_replaces_nan_with_null_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "x.json"
    write_json(path, {"a": float("nan"), "b": [1.0, float("inf")]})
    assert json.loads(path.read_text()) == {"a": None, "b": [1.0, None]}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_existing_run_folder_needs_overwrite(tmp_path):
    folder = RunFolder(tmp_path / "run")
    folder.create()
    folder.write_run({"status": "completed"})
    with pytest.raises(
        RunFolderError, match="already holds a run; pass --resume to continue it or --overwrite"
    ):
        RunFolder(tmp_path / "run").create()
    RunFolder(tmp_path / "run").create(overwrite=True)
    assert not folder.run_json.exists()


def test_resume_keeps_every_file_and_needs_a_run(tmp_path):
    folder = RunFolder(tmp_path / "run")
    with pytest.raises(RunFolderError, match="no run to resume .*drop --resume"):
        folder.create(resume=True)
    folder.create()
    folder.write_run({"status": "running"})
    folder.write_trial({"trial_id": "00", "status": "completed"})
    RunFolder(tmp_path / "run").create(resume=True)
    assert folder.read_run() == {"status": "running"}
    assert folder.read_trials() == [{"trial_id": "00", "status": "completed"}]


def test_overwrite_refuses_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(RunFolderError, match="not an autotune run folder"):
        RunFolder(tmp_path / "mine").create(overwrite=True)
    assert (tmp_path / "mine" / "thesis.tex").exists()


def test_out_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(RunFolderError, match="is a file, not a folder"):
        RunFolder(tmp_path / "f").create()


def test_missing_run_folder(tmp_path):
    with pytest.raises(RunFolderError, match="no such run folder"):
        RunFolder(tmp_path / "nope").read_run()


def test_write_json_turns_numpy_values_into_plain_json(tmp_path):
    import numpy as np

    path = tmp_path / "n.json"
    write_json(path, {"a": np.float32(1.5), "b": np.array([1.0, np.nan]), "c": np.int64(3)})
    assert json.loads(path.read_text()) == {"a": 1.5, "b": [1.0, None], "c": 3}
