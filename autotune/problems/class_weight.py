"""``--class-weight``: how much each class's training rows count in the loss.

``balanced`` weighs class c by ``n_rows / (n_classes * rows_of_c)`` (scikit-learn's
``class_weight="balanced"``), so every class carries the same total weight; ``auto`` is
balanced when the smallest class is under :data:`AUTO_SHARE` of the training rows and under
half of an even share (``1 / (2 * n_classes)``: ten even classes are not imbalanced), else
equal weights; ``none`` (the default) keeps equal weights. Only the training loss is weighted: the
validation scores the search ranks by are not. No TensorFlow.
"""

from __future__ import annotations

from typing import Any

import numpy as np

AUTO_SHARE = 0.10


def class_weighting(labels: np.ndarray, classes: list[Any], mode: str) -> dict[str, Any]:
    """What ``--class-weight mode`` does on these training labels (class indices), for
    ``run.json``: the mode, whether weights apply and why, and the weights by class."""
    counts = np.bincount(np.asarray(labels, dtype="int64"), minlength=len(classes))
    share = float(counts.min() / counts.sum())
    limit = min(AUTO_SHARE, 0.5 / len(classes))
    applied = mode == "balanced" or (mode == "auto" and share < limit)
    if mode == "auto":
        relation = "under" if applied else "at least"
        why = f"auto: the smallest class is {share:.1%} of the training rows, {relation} "
        why += f"{limit:.1%}"
    else:
        why = f"--class-weight {mode}"
    record: dict[str, Any] = {"mode": mode, "balanced": applied, "why": why}
    if applied:
        weights = counts.sum() / (len(classes) * np.maximum(counts, 1))
        record["weights"] = {
            str(c): round(float(w), 4) for c, w in zip(classes, weights, strict=True)
        }
    return record


def keras_class_weight(record: dict[str, Any], classes: list[Any]) -> dict[int, float] | None:
    """The record's weights as ``model.fit`` takes them (class index -> weight), or None."""
    if not record["balanced"]:
        return None
    return {i: record["weights"][str(c)] for i, c in enumerate(classes)}
