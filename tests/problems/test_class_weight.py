"""``--class-weight``: balanced weights give every class the same total weight; auto turns
them on only when the smallest class is under 10% of the training rows."""

from __future__ import annotations

import numpy as np
import pytest

from autotune.problems.class_weight import class_weighting, keras_class_weight

CLASSES = ["a", "b", "c"]


def test_balanced_weights_give_each_class_the_same_total():
    labels = np.array([0] * 80 + [1] * 15 + [2] * 5)
    record = class_weighting(labels, CLASSES, "balanced")
    weights = keras_class_weight(record, CLASSES)
    totals = [weights[c] * np.sum(labels == c) for c in range(3)]
    assert totals == pytest.approx([len(labels) / 3] * 3, rel=1e-3)
    assert record["why"] == "--class-weight balanced"


def test_auto_balances_only_a_rare_class():
    rare = class_weighting(np.array([0] * 80 + [1] * 15 + [2] * 5), CLASSES, "auto")
    assert rare["balanced"] and "5.0% of the training rows, under 10.0%" in rare["why"]
    even = class_weighting(np.array([0] * 40 + [1] * 30 + [2] * 30), CLASSES, "auto")
    assert not even["balanced"] and keras_class_weight(even, CLASSES) is None
    assert "at least 10.0%" in even["why"]
    # Ten even classes hold about 10% each: not imbalanced (the limit is half an even share).
    ten = class_weighting(np.repeat(np.arange(10), [31] + [32] * 9), list(range(10)), "auto")
    assert not ten["balanced"] and "at least 5.0%" in ten["why"]


def test_none_keeps_equal_weights_even_for_a_rare_class():
    record = class_weighting(np.array([0] * 99 + [1]), ["a", "b"], "none")
    assert not record["balanced"] and "weights" not in record
