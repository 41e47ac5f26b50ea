"""Training, validation and test rows: disjoint, complete, stratified when the classes allow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from autotune.data.splits import split_indices


def test_splits_are_disjoint_complete_and_stratified():
    y = pd.Series(["a"] * 60 + ["b"] * 40)
    index, note = split_indices(pd.DataFrame(index=range(100)), y, "classification", 0.2, 0.2, 0)
    rows = np.concatenate(list(index.values()))
    assert note is None and sorted(rows) == list(range(100))
    assert [len(index[s]) for s in ("train", "val", "test")] == [64, 16, 20]
    assert (y[index["test"]] == "a").sum() == 12  # 60% of the test rows, as in the data


def test_a_class_too_small_to_stratify_splits_at_random_and_says_so():
    y = pd.Series(["a"] * 30 + ["b"])
    index, note = split_indices(pd.DataFrame(index=range(31)), y, "classification", 0.2, 0.2, 0)
    assert "class 'b' has only 1 row(s), too few to stratify" in note
    assert sum(map(len, index.values())) == 31


def test_no_test_split_and_the_seed_decides():
    frame, y = pd.DataFrame(index=range(50)), pd.Series(np.arange(50.0))
    first, _ = split_indices(frame, y, "regression", 0, 0.2, 1)
    again, _ = split_indices(frame, y, "regression", 0, 0.2, 1)
    assert set(first) == {"train", "val"} and np.array_equal(first["val"], again["val"])
