"""The reference beside every table search: scikit-learn's HistGradientBoosting with its
defaults, fitted on the same training rows as the trials and scored on the same validation and
test rows as the shipped model. It is a yardstick in ``run.json`` and the report, never the
shipped model. No TensorFlow here.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from autotune.data.columns import as_text, normalise_labels
from autotune.data.tabular import Preprocessing, TabularData
from autotune.metrics import objective_from_scores
from autotune.problems.scores import classification_scores, regression_scores
from autotune.vocabulary import metric_of

NAME = "HistGradientBoosting"
DESCRIPTION = "gradient boosting (scikit-learn's HistGradientBoosting, default settings)"


def gradient_boosting_reference(
    data: TabularData, seed: int = 0, metric: str = "auto"
) -> dict[str, Any]:
    """HistGradientBoosting fitted on the training rows; its scores on the other splits, and
    ``score``: the ``metric``'s objective on the validation rows, in the trials' units.

    Category columns keep autotune's levels (rarer ones are missing), so both models see the
    same columns.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    spec = data.preprocessing
    train = data.splits["train"]
    classify = spec.task == "classification"
    kind = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    model = kind(categorical_features="from_dtype", random_state=seed)
    started = time.perf_counter()
    model.fit(_features(train.features, spec), spec.encode_target(train.target))
    record: dict[str, Any] = {
        "model": NAME,
        "description": DESCRIPTION,
        "train_rows": int(len(train.target)),
        "fit_seconds": round(time.perf_counter() - started, 2),
    }
    for split in ("val", "test"):
        if split in data.splits:
            record[f"{split}_scores"] = _scores(model, data, split)
    record["score"] = objective_from_scores(
        metric_of(spec.task, metric), spec.task, record["val_scores"], spec.target_std or 1.0
    )
    return record


def _features(frame: pd.DataFrame, spec: Preprocessing) -> pd.DataFrame:
    """Numbers as floats (NaN for missing), categories as pandas categoricals."""
    columns: dict[str, Any] = {}
    for column in spec.numeric:
        columns[column.column] = pd.to_numeric(frame[column.column], errors="coerce")
    for column in spec.categorical:
        levels = column.levels or ["<none>"]
        columns[column.column] = pd.Categorical(as_text(frame[column.column]), categories=levels)
    return pd.DataFrame(columns).replace([np.inf, -np.inf], np.nan)


def _scores(model, data: TabularData, split: str) -> dict[str, float]:
    spec, rows = data.preprocessing, data.splits[split]
    x = _features(rows.features, spec)
    if spec.task == "regression":
        predicted = model.predict(x) * spec.target_std + spec.target_mean
        return regression_scores(rows.target.to_numpy(dtype="float64"), predicted)
    proba = np.zeros((len(x), len(spec.classes)))
    proba[:, model.classes_] = model.predict_proba(x)  # a class the training rows lack: 0
    return classification_scores(normalise_labels(rows.target), proba, spec.classes)
