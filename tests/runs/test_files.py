"""Atomic files: a reader sees the old content or the new, never half; JSON stays standard."""

from __future__ import annotations

import math
import os
import stat

import numpy as np
import pytest

from autotune.errors import RunFolderError
from autotune.runs.files import atomic_path, clean_number, read_json, write_json, write_text


def test_a_finished_write_replaces_the_file_with_the_usual_permissions(tmp_path):
    path = tmp_path / "deep" / "file.txt"
    write_text(path, "old")
    with atomic_path(path) as tmp:
        tmp.write_text("new")
        assert path.read_text() == "old"  # still the old content while writing
    assert path.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in path.parent.iterdir()) == ["file.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    path = tmp_path / "run.json"
    write_json(path, {"status": "running"})
    with pytest.raises(RuntimeError), atomic_path(path, suffix=".keras") as tmp:
        assert tmp.name.endswith(".keras")
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert read_json(path) == {"status": "running"}
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_json_holds_plain_values(tmp_path):
    path = tmp_path / "x.json"
    write_json(path, {"a": np.float32(0.5), "b": np.arange(3), "c": math.nan, 1: (math.inf,)})
    assert read_json(path) == {"a": 0.5, "b": [0, 1, 2], "c": None, "1": [None]}
    assert clean_number(math.nan) is None and clean_number(2.0) == 2.0


def test_a_missing_or_broken_file_says_which(tmp_path):
    with pytest.raises(RunFolderError, match="x.json: missing; is .* a complete autotune run"):
        read_json(tmp_path / "x.json")
    (tmp_path / "y.json").write_text("{")
    with pytest.raises(RunFolderError, match=r"y.json: not valid JSON \(.*line 1\)"):
        read_json(tmp_path / "y.json")
