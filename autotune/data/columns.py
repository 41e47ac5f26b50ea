"""What a table's columns are: text or numbers, a category or an identifier, and whether the
target is a class label or a quantity. No TensorFlow here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from autotune.checks import OneOf
from autotune.errors import DataError
from autotune.vocabulary import TASKS

# A numeric target with integer values and at most this many distinct values is a class label.
MAX_INTEGER_CLASSES = 20
# A text column whose distinct values cover this share of its rows is an identifier, not a
# category (dates, names, ids); only checked from this many rows on.
ID_LIKE_UNIQUE_SHARE = 0.95
ID_LIKE_MIN_ROWS = 20
# A text column where at least this share of values parses as numbers is numeric.
NUMERIC_TEXT_SHARE = 0.95


def as_text(series: pd.Series) -> np.ndarray:
    """Category values as strings, the same way at fit and at predict time.

    Missing values become ``""``; integer-valued floats lose their ``.0`` so that a column
    read as numbers in one file and as text in another maps to the same levels.
    """

    def fmt(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    missing = series.isna().to_numpy()
    text = np.array([fmt(v) for v in series.to_numpy(dtype=object)], dtype=object)
    text[missing] = ""
    return text


def normalise_labels(y: pd.Series) -> list[Any]:
    """Class labels as plain Python values (integer-valued floats become ints)."""
    if pd.api.types.is_bool_dtype(y):
        return [str(v) for v in y]
    if pd.api.types.is_numeric_dtype(y):
        values = y.to_numpy(dtype="float64")
        if np.all(np.mod(values, 1) == 0):
            return [int(v) for v in values]
        return [float(v) for v in values]
    return [str(v) for v in y]


def infer_task(y: pd.Series, task: str, target: str) -> tuple[str, str]:
    """Decide classification vs regression; return the task and the reason, in words."""
    OneOf(TASKS)("--task", task)
    numeric = pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)
    n_values = y.nunique()
    if task == "regression":
        if not numeric:
            raise DataError(
                f"target column {target!r} holds text (e.g. {y.iloc[0]!r}); regression needs "
                "numbers: use --task classification or pick another --target"
            )
        return task, "set with --task regression"
    if task == "classification":
        return task, "set with --task classification"
    if not numeric:
        return "classification", f"target {target!r} holds text labels ({n_values} classes)"
    values = y.to_numpy(dtype="float64")
    if np.all(np.mod(values, 1) == 0) and n_values <= MAX_INTEGER_CLASSES:
        return "classification", (
            f"target {target!r} has {n_values} distinct integer values, read as class labels; "
            "use --task regression to treat them as numbers"
        )
    return "regression", (
        f"target {target!r} is numeric with {n_values} distinct values; "
        "use --task classification to treat them as classes"
    )


def profile_feature(name: str, series: pd.Series) -> tuple[str, pd.Series, str | None]:
    """Classify one feature column: ``numeric``, ``categorical`` or ``drop``.

    Returns the kind, the (possibly coerced) series, and a warning or drop reason.
    """
    values = series.dropna()
    if values.empty:
        return "drop", series, "every value is missing"
    if pd.api.types.is_bool_dtype(series):
        return "categorical", series, None
    if pd.api.types.is_numeric_dtype(series):
        note = None
        infinite = np.isinf(series.to_numpy(dtype="float64"))
        if infinite.any():
            series = series.where(~infinite)
            note = f"column {name!r}: {int(infinite.sum())} infinite value(s) treated as missing"
            if series.dropna().empty:
                return "drop", series, "every value is missing or infinite"
        if series.nunique() <= 1:
            return "drop", series, "it has a single value"
        return "numeric", series.astype("float64"), note
    coerced = pd.to_numeric(values, errors="coerce")
    parsed = coerced.notna().mean()
    if parsed >= NUMERIC_TEXT_SHARE:
        bad = values[coerced.isna()]
        note = (
            f"column {name!r}: {len(bad)} non-numeric value(s) (e.g. {bad.iloc[0]!r}) treated "
            "as missing"
        )
        series = pd.to_numeric(series, errors="coerce")
        if series.nunique() <= 1:
            return "drop", series, "it has a single numeric value"
        return "numeric", series.astype("float64"), note
    n_unique = values.nunique()
    if n_unique <= 1:
        return "drop", series, "it has a single value"
    if len(values) >= ID_LIKE_MIN_ROWS and n_unique >= ID_LIKE_UNIQUE_SHARE * len(values):
        return (
            "drop",
            series,
            (
                f"text with a distinct value in {n_unique} of {len(values)} rows (an identifier "
                "such as a date, name or id, not a category)"
            ),
        )
    if parsed > 0:
        return (
            "categorical",
            series,
            (f"column {name!r} mixes numbers and text; all its values are used as categories"),
        )
    return "categorical", series, None
