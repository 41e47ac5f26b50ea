"""A CSV table -> typed feature columns, an inferred task, splits, and a preprocessing spec.

The preprocessing is *fitted* here (means, scales, category levels, on the training rows only)
and recorded as a JSON-able :class:`Preprocessing`; :mod:`autotune.data.preprocessing` turns
that spec into Keras layers, so the saved model carries the same preprocessing.
No TensorFlow here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from autotune.data.reading import read_csv
from autotune.errors import DataError, UsageError

TASKS = ("auto", "classification", "regression")
# A numeric target with integer values and at most this many distinct values is a class label.
MAX_INTEGER_CLASSES = 20
# A text column whose distinct values cover this share of its rows is an identifier, not a
# category (dates, names, ids); only checked from this many rows on.
ID_LIKE_UNIQUE_SHARE = 0.95
ID_LIKE_MIN_ROWS = 20
# A text column where at least this share of values parses as numbers is numeric.
NUMERIC_TEXT_SHARE = 0.95
# Category levels seen in fewer training rows than this are grouped into one "other" level.
MIN_LEVEL_ROWS = 3
MAX_LEVELS = 50
# Fewer rows than this cannot be split into training, validation and test rows usefully.
MIN_ROWS = 10


@dataclass
class NumericColumn:
    column: str
    mean: float
    std: float


@dataclass
class CategoricalColumn:
    column: str
    levels: list[str]


@dataclass
class Preprocessing:
    """Everything needed to turn raw rows into model inputs and outputs back into labels."""

    target: str
    task: str
    numeric: list[NumericColumn] = field(default_factory=list)
    categorical: list[CategoricalColumn] = field(default_factory=list)
    classes: list[Any] | None = None
    target_mean: float | None = None
    target_std: float | None = None

    @property
    def feature_columns(self) -> list[str]:
        return [c.column for c in self.numeric] + [c.column for c in self.categorical]

    @property
    def n_outputs(self) -> int:
        return len(self.classes) if self.task == "classification" else 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preprocessing:
        data = dict(data)
        data["numeric"] = [NumericColumn(**c) for c in data.get("numeric", [])]
        data["categorical"] = [CategoricalColumn(**c) for c in data.get("categorical", [])]
        return cls(**data)

    def encode_target(self, y: pd.Series) -> np.ndarray:
        """Class indices (classification) or the standardised target (regression)."""
        if self.task == "classification":
            index = {label: i for i, label in enumerate(self.classes)}
            return np.array([index[label] for label in normalise_labels(y)], dtype="int32")
        return ((y.to_numpy(dtype="float64") - self.target_mean) / self.target_std).astype(
            "float32"
        )


@dataclass
class Split:
    features: pd.DataFrame
    target: pd.Series


@dataclass
class TabularData:
    """A loaded table: its preprocessing spec, its splits, a summary and the warnings."""

    preprocessing: Preprocessing
    splits: dict[str, Split]
    summary: dict[str, Any]
    warnings: list[str]


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
    if task not in TASKS:
        raise UsageError(f"--task {task!r} is not one of {', '.join(TASKS)}")
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


def _profile_feature(name: str, series: pd.Series) -> tuple[str, pd.Series, str | None]:
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


def _fit_levels(text: np.ndarray) -> list[str]:
    counts = pd.Series(text).value_counts()
    kept = counts[counts >= MIN_LEVEL_ROWS].index[:MAX_LEVELS]
    return sorted(str(level) for level in kept)


def load_table(
    path: str | Path,
    target: str | None = None,
    task: str = "auto",
    test_size: float = 0.2,
    val_size: float = 0.2,
    seed: int = 0,
) -> TabularData:
    """Load a CSV, infer the task, split it and fit the preprocessing on the training rows.

    Args:
        path: the CSV file.
        target: the target column. Defaults to the last column.
        task: ``auto``, ``classification`` or ``regression``. Defaults to ``auto``.
        test_size: share of rows held out for the final, honest test score (0 disables it).
            Defaults to 0.2.
        val_size: share of the remaining rows used for validation during the search.
            Defaults to 0.2.
        seed: seed of the splits. Defaults to 0.

    Raises:
        DataError: for any input that cannot be used; the message says what to change.
    """
    if not 0 <= test_size < 0.9:
        raise UsageError(f"--test-size {test_size} must be in [0, 0.9); 0.2 is typical")
    if not 0 < val_size < 0.9:
        raise UsageError(f"validation size {val_size} must be in (0, 0.9)")
    frame = read_csv(path)
    source = frame.attrs["source"]
    columns = list(frame.columns)
    target = columns[-1] if target is None else target
    if target not in frame.columns:
        raise DataError(
            f"{source}: no column named {target!r}; the columns are: "
            + ", ".join(repr(str(c)) for c in columns)
        )
    warnings: list[str] = []
    missing_target = frame[target].isna()
    if missing_target.all():
        raise DataError(
            f"{source}: every value of target column {target!r} is missing; "
            "pick another column with --target"
        )
    if missing_target.any():
        warnings.append(
            f"{int(missing_target.sum())} row(s) with a missing {target!r} were dropped"
        )
        frame = frame.loc[~missing_target].reset_index(drop=True)

    if len(frame) < MIN_ROWS:
        raise DataError(
            f"{source}: only {len(frame)} row(s) with a target value; autotune needs at least "
            f"{MIN_ROWS} to train, validate and test a model, so add rows"
        )
    y = frame[target]
    task, task_reason = infer_task(y, task, target)
    classes = None
    if task == "classification":
        labels = normalise_labels(y)
        classes = sorted(set(labels), key=lambda v: (isinstance(v, str), v))
        if len(classes) < 2:
            raise DataError(
                f"{source}: target column {target!r} has a single class ({classes[0]!r}); "
                "a classifier needs at least two; pick another --target"
            )

    numeric: dict[str, pd.Series] = {}
    categorical: dict[str, pd.Series] = {}
    dropped: list[dict[str, str]] = []
    for name in columns:
        if name == target:
            continue
        kind, series, note = _profile_feature(str(name), frame[name])
        if kind == "drop":
            dropped.append({"column": str(name), "reason": note or ""})
            warnings.append(f"column {str(name)!r} was dropped: {note}")
            continue
        if note:
            warnings.append(note)
        (numeric if kind == "numeric" else categorical)[str(name)] = series
    if not numeric and not categorical:
        reasons = "; ".join(f"{d['column']}: {d['reason']}" for d in dropped) or "none"
        raise DataError(
            f"{source}: no usable feature column besides target {target!r} "
            f"(dropped: {reasons}); add informative columns"
        )
    features = pd.DataFrame({**numeric, **categorical})

    index, split_note = split_indices(features, y, task, test_size, val_size, seed)
    if split_note:
        warnings.append(split_note)
    train = index["train"]
    spec = Preprocessing(target=str(target), task=task, classes=classes)
    for name, series in numeric.items():
        values = series.to_numpy(dtype="float64")[train]
        mean = float(np.nanmean(values)) if np.isfinite(values).any() else 0.0
        std = float(np.nanstd(values)) if np.isfinite(values).any() else 0.0
        # A column constant on the training rows would divide by ~0: keep it unscaled.
        spec.numeric.append(NumericColumn(name, mean, std if std > 1e-12 else 1.0))
    for name, series in categorical.items():
        spec.categorical.append(CategoricalColumn(name, _fit_levels(as_text(series)[train])))
    if task == "regression":
        y_train = y.to_numpy(dtype="float64")[train]
        std = float(y_train.std())
        spec.target_mean, spec.target_std = float(y_train.mean()), std if std > 1e-12 else 1.0

    splits = {
        name: Split(features.iloc[rows].reset_index(drop=True), y.iloc[rows].reset_index(drop=True))
        for name, rows in index.items()
    }
    summary: dict[str, Any] = {
        "source": str(Path(source).resolve()),
        "name": Path(source).stem,
        "encoding": frame.attrs["encoding"],
        "delimiter": frame.attrs["delimiter"],
        "sha256": frame.attrs["sha256"],
        "rows": int(len(frame)),
        "columns": int(len(columns)),
        "target": str(target),
        "task": task,
        "task_reason": task_reason,
        "features": {
            "numeric": list(numeric),
            "categorical": list(categorical),
            "dropped": dropped,
        },
        "split_rows": {name: int(len(rows)) for name, rows in index.items()},
    }
    if classes is not None:
        counts = pd.Series(normalise_labels(y)).value_counts()
        summary["classes"] = [{"label": c, "rows": int(counts.get(c, 0))} for c in classes]
    return TabularData(spec, splits, summary, warnings)
