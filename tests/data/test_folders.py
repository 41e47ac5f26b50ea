"""Class-folder layouts, checked before any image is decoded."""

from __future__ import annotations

import pytest

from autotune.data.folders import class_folders
from autotune.errors import DataError


def test_class_folders_are_the_visible_sub_folders_in_order(tmp_path):
    for name in ("b", "a", ".hidden"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.png").write_bytes(b"1")
    assert [p.name for p in class_folders(tmp_path)] == ["a", "b"]


@pytest.mark.parametrize(
    ("folders", "message"),
    [
        ([], "a folder with no class sub-folders"),
        (["only"], r"one class folder only \(only\)"),
        (["a", "empty"], "empty: empty class folder; add its images or remove it"),
    ],
)
def test_bad_layouts_are_named(tmp_path, folders, message):
    for name in folders:
        (tmp_path / name).mkdir()
        if name != "empty":
            (tmp_path / name / "x.png").write_bytes(b"1")
    with pytest.raises(DataError, match=message):
        class_folders(tmp_path)
