"""Training, validation and test rows, stratified by class where the classes allow it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from autotune.data.columns import normalise_labels


def split_indices(
    features: pd.DataFrame, y: pd.Series, task: str, test_size: float, val_size: float, seed: int
) -> tuple[dict[str, np.ndarray], str | None]:
    """Row indices of the train / val / test splits, stratified for classification."""
    rows = np.arange(len(features))
    labels = np.array(normalise_labels(y), dtype=object) if task == "classification" else None
    note = None

    def cut(index: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
        nonlocal note
        if labels is not None:
            try:
                return train_test_split(
                    index, test_size=size, random_state=seed, stratify=labels[index]
                )
            except ValueError:
                counts = pd.Series(labels[index]).value_counts()
                note = (
                    f"class {counts.index[-1]!r} has only {counts.iloc[-1]} row(s), too few to "
                    "stratify; the splits are random, so some classes may be missing from one"
                )
        return train_test_split(index, test_size=size, random_state=seed)

    rest, test = cut(rows, test_size) if test_size > 0 else (rows, None)
    train, val = cut(rest, val_size)
    splits = {"train": train, "val": val}
    if test is not None:
        splits["test"] = test
    return splits, note
