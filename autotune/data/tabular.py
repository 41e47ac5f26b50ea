"""A CSV table -> typed feature columns, an inferred task, splits, and a preprocessing spec.

The preprocessing is *fitted* here (means, scales, category levels, on the training rows only)
and recorded as a JSON-able :class:`Preprocessing`; :mod:`autotune.problems.table_encoding`
turns that spec into Keras layers, so the saved model carries the same preprocessing.
No TensorFlow here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from autotune.checks import TEST_SIZE
from autotune.data.columns import as_text, infer_task, normalise_labels, profile_feature
from autotune.data.reading import read_csv
from autotune.data.splits import split_indices
from autotune.errors import DataError, UsageError

# Category levels seen in fewer training rows than this are grouped into one "other" level.
MIN_LEVEL_ROWS = 3
MAX_LEVELS = 50
# Fewer rows than this cannot be split into training, validation and test rows usefully.
MIN_ROWS = 10


@dataclass
class NumericColumn:
    """A numeric column's fitted statistics: ``mean`` / ``std`` for standard scaling,
    ``median`` / ``spread`` for robust scaling ((x - median) / spread)."""

    column: str
    mean: float
    std: float
    median: float | None = None
    spread: float | None = None


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
    scaling: str = "standard"
    target_range: list[float] | None = None  # the training targets' [min, max] (regression)

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


@dataclass
class Features:
    """The feature columns kept (numeric and categorical, coerced) and those dropped."""

    numeric: dict[str, pd.Series]
    categorical: dict[str, pd.Series]
    dropped: list[dict[str, str]]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({**self.numeric, **self.categorical})


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
    scaling: str = "robust",
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
        scaling: how numbers are scaled (:data:`~autotune.vocabulary.SCALINGS`). Defaults to
            ``robust``.

    Raises:
        DataError: for any input that cannot be used; the message says what to change.
    """
    TEST_SIZE("--test-size", test_size)
    if not 0 < val_size < 0.9:
        raise UsageError(f"validation size {val_size} must be in (0, 0.9)")
    frame = read_csv(path)
    warnings: list[str] = []
    target = _target_column(frame, target)
    frame = _rows_with_target(frame, target, warnings)
    y = frame[target]
    task, task_reason = infer_task(y, task, target)
    classes = _classes(frame.attrs["source"], y, target) if task == "classification" else None
    features = _features(frame, target, warnings)
    table = features.frame()
    index, split_note = split_indices(table, y, task, test_size, val_size, seed)
    if split_note:
        warnings.append(split_note)
    spec = Preprocessing(str(target), task, classes=classes, scaling=scaling)
    spec = _fit(features, y, index["train"], spec)
    splits = {
        name: Split(table.iloc[rows].reset_index(drop=True), y.iloc[rows].reset_index(drop=True))
        for name, rows in index.items()
    }
    summary = _summary(frame, target, task, task_reason, features, index, classes)
    return TabularData(spec, splits, summary, warnings)


def _target_column(frame: pd.DataFrame, target: str | None) -> str:
    """The target's name (default: the last column), checked to be a column."""
    columns = list(frame.columns)
    target = columns[-1] if target is None else target
    if target not in frame.columns:
        raise DataError(
            f"{frame.attrs['source']}: no column named {target!r}; the columns are: "
            + ", ".join(repr(str(c)) for c in columns)
        )
    return target


def _rows_with_target(frame: pd.DataFrame, target: str, warnings: list[str]) -> pd.DataFrame:
    """The rows whose target is there; a warning says how many were dropped."""
    source = frame.attrs["source"]
    missing = frame[target].isna()
    if missing.all():
        raise DataError(
            f"{source}: every value of target column {target!r} is missing; "
            "pick another column with --target"
        )
    if missing.any():
        warnings.append(f"{int(missing.sum())} row(s) with a missing {target!r} were dropped")
        attrs = dict(frame.attrs)
        frame = frame.loc[~missing].reset_index(drop=True)
        frame.attrs.update(attrs)
    if len(frame) < MIN_ROWS:
        raise DataError(
            f"{source}: only {len(frame)} row(s) with a target value; autotune needs at least "
            f"{MIN_ROWS} to train, validate and test a model, so add rows"
        )
    return frame


def _classes(source: str, y: pd.Series, target: str) -> list[Any]:
    """The class labels, sorted (numbers before text); at least two."""
    classes = sorted(set(normalise_labels(y)), key=lambda v: (isinstance(v, str), v))
    if len(classes) < 2:
        raise DataError(
            f"{source}: target column {target!r} has a single class ({classes[0]!r}); "
            "a classifier needs at least two; pick another --target"
        )
    return classes


def _features(frame: pd.DataFrame, target: str, warnings: list[str]) -> Features:
    """Every column but the target, profiled: kept as numeric or categorical, or dropped."""
    kept = Features({}, {}, [])
    for name in frame.columns:
        if name == target:
            continue
        kind, series, note = profile_feature(str(name), frame[name])
        if kind == "drop":
            kept.dropped.append({"column": str(name), "reason": note or ""})
            warnings.append(f"column {str(name)!r} was dropped: {note}")
            continue
        if note:
            warnings.append(note)
        (kept.numeric if kind == "numeric" else kept.categorical)[str(name)] = series
    if not kept.numeric and not kept.categorical:
        reasons = "; ".join(f"{d['column']}: {d['reason']}" for d in kept.dropped) or "none"
        raise DataError(
            f"{frame.attrs['source']}: no usable feature column besides target {target!r} "
            f"(dropped: {reasons}); add informative columns"
        )
    return kept


def _fit(features: Features, y: pd.Series, train: np.ndarray, spec: Preprocessing) -> Preprocessing:
    """Fit the preprocessing on the training rows: scales, category levels, the target's."""
    for name, series in features.numeric.items():
        spec.numeric.append(_fit_numeric(name, series.to_numpy(dtype="float64")[train]))
    for name, series in features.categorical.items():
        spec.categorical.append(CategoricalColumn(name, _fit_levels(as_text(series)[train])))
    if spec.task == "regression":
        y_train = y.to_numpy(dtype="float64")[train]
        std = float(y_train.std())
        spec.target_mean, spec.target_std = float(y_train.mean()), std if std > 1e-12 else 1.0
        spec.target_range = [float(y_train.min()), float(y_train.max())]
    return spec


def _fit_numeric(name: str, values: np.ndarray) -> NumericColumn:
    """A column's mean and standard deviation, and its median and robust spread: the
    interquartile range, or half the range where the quartiles meet (skrub's and RealMLP's
    rule), or 1 for a column constant on the training rows (it would divide by ~0)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return NumericColumn(name, 0.0, 1.0, 0.0, 1.0)
    std = float(finite.std())
    low, median, high = np.quantile(finite, [0.25, 0.5, 0.75])
    spread = high - low
    if spread <= 1e-12:
        spread = (finite.max() - finite.min()) / 2
    return NumericColumn(
        name,
        float(finite.mean()),
        std if std > 1e-12 else 1.0,
        float(median),
        float(spread) if spread > 1e-12 else 1.0,
    )


def _summary(frame, target, task, task_reason, features: Features, index, classes):
    """``run.json``'s ``dataset``: what was read and how it was understood."""
    source = frame.attrs["source"]
    summary: dict[str, Any] = {
        "source": str(Path(source).resolve()),
        "name": Path(source).stem,
        "encoding": frame.attrs["encoding"],
        "delimiter": frame.attrs["delimiter"],
        "sha256": frame.attrs["sha256"],
        "rows": int(len(frame)),
        "columns": int(len(frame.columns)),
        "target": str(target),
        "task": task,
        "task_reason": task_reason,
        "features": {
            "numeric": list(features.numeric),
            "categorical": list(features.categorical),
            "dropped": features.dropped,
        },
        "split_rows": {name: int(len(rows)) for name, rows in index.items()},
    }
    if classes is not None:
        counts = pd.Series(normalise_labels(frame[target])).value_counts()
        summary["classes"] = [{"label": c, "rows": int(counts.get(c, 0))} for c in classes]
    return summary
