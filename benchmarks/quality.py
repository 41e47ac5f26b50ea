"""Quality against peers on the shared tables: the same split and wall-clock budget for all.

Per dataset, the rows are split once (``load_table``'s stratified 20% test split, seed 0,
the split ``autotune tune`` makes), and four systems are scored on the same test rows:

- **autotune**: ``autotune tune`` with ``--time-budget B`` (default space, random tuner);
- **plain KerasTuner**: a ``RandomSearch`` as a typical user writes it (1-3 Dense ReLU layers
  of 32-256 units, dropout 0-0.5, Adam with a log-uniform learning rate, batch 32,
  EarlyStopping with patience 5 restoring the best weights, 50 epochs), on one-hot /
  standardised inputs, on the same training and validation rows, stopped at the same budget
  (no trial starts after it; the running one stops at the end of its epoch);
- **sklearn MLP**: ``MLPClassifier`` / ``MLPRegressor`` with default settings, behind standard
  preprocessing (median imputation and scaling of numbers, most-frequent imputation and
  one-hot encoding of text; the regression target standardised), fitted on training +
  validation rows;
- **HistGradientBoosting**: scikit-learn's defaults, text columns as categories, on training +
  validation rows.

Every system gets the feature columns autotune keeps (ID-like, constant and empty columns
dropped), so the comparison is of the models, not of column cleaning. The scikit-learn models
take seconds, well under the budget; the budget binds the two searches.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks import plain_keras_tuner

DATASETS = (
    "penguins",
    "titanic",
    "glass",
    "seattle_weather",
    "default",
    "adult",
    "diabetes",
    "carseats",
)
SYSTEMS = ("autotune", "plain KerasTuner", "sklearn MLP", "HistGradientBoosting")


def _scores(task: str, y_test: pd.Series, output: np.ndarray, classes: list[Any]) -> dict:
    from autotune.data.columns import normalise_labels
    from autotune.problems.scores import classification_scores, regression_scores

    if task == "classification":
        output = np.asarray(output, dtype="float64")
        output = output / output.sum(axis=1, keepdims=True)  # float32 softmax rounding
        return classification_scores(normalise_labels(y_test), output, classes)
    return regression_scores(y_test.to_numpy(dtype="float64"), np.ravel(output))


def _sklearn(data, kind: str, seed: int) -> dict:
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from autotune.data.columns import normalise_labels

    spec = data.preprocessing
    frames = plain_keras_tuner.splits(data)
    x_fit = pd.concat([frames["train"][0], frames["val"][0]], ignore_index=True)
    y_fit = pd.concat([frames["train"][1], frames["val"][1]], ignore_index=True)
    x_test, y_test = frames["test"]
    numeric = [c.column for c in spec.numeric]
    categorical = [c.column for c in spec.categorical]
    classify = spec.task == "classification"
    labels = np.array(normalise_labels(y_fit), dtype=object) if classify else None
    if kind == "HistGradientBoosting":
        model_class = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
        model = model_class(categorical_features="from_dtype", random_state=seed)

        def prepare(x: pd.DataFrame) -> pd.DataFrame:
            x = x.copy()
            for column in categorical:
                levels = sorted(x_fit[column].dropna().astype(str).unique())
                x[column] = pd.Categorical(x[column].astype("string"), categories=levels)
            return x

        x_fit_ready, x_test_ready = prepare(x_fit), prepare(x_test)
    else:
        network = MLPClassifier(random_state=seed) if classify else MLPRegressor(random_state=seed)
        if not classify:
            network = TransformedTargetRegressor(regressor=network, transformer=StandardScaler())
        model = make_pipeline(plain_keras_tuner.preprocessor(numeric, categorical), network)
        x_fit_ready, x_test_ready = x_fit, x_test
    started = time.perf_counter()
    if classify:
        model.fit(x_fit_ready, list(labels))
        output = model.predict_proba(x_test_ready)
        classes = [_as_label(c) for c in model.classes_]
    else:
        model.fit(x_fit_ready, y_fit.to_numpy(dtype="float64"))
        output, classes = model.predict(x_test_ready), []
    seconds = time.perf_counter() - started
    return {"scores": _scores(spec.task, y_test, output, classes), "seconds": seconds, "trials": 1}


def _as_label(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _plain_keras_tuner(data, budget: float, seed: int, workdir: Path) -> dict:
    """The plain KerasTuner search, stopped at the budget, scored on the test rows."""
    arrays = plain_keras_tuner.encode(data)
    started = time.perf_counter()
    tuner = plain_keras_tuner.search(data, arrays, time.monotonic() + budget, seed, workdir)
    seconds = time.perf_counter() - started
    output = tuner.get_best_models(1)[0].predict(arrays.x["test"], verbose=0)
    if arrays.scaler is not None:
        output = arrays.scaler.inverse_transform(output.reshape(-1, 1)).ravel()
    spec = data.preprocessing
    scores = _scores(spec.task, data.splits["test"].target, output, spec.classes or [])
    return {"scores": scores, "seconds": seconds, "trials": len(tuner.oracle.trials)}


def _autotune(path: Path, budget: float, seed: int, workdir: Path) -> dict:
    from rich.console import Console

    from autotune.options import TuneOptions
    from autotune.runner import run_search

    started = time.perf_counter()
    info = run_search(
        TuneOptions(data=path, time_budget=budget, seed=seed, out=workdir / "autotune").resolve(),
        progress_console=Console(file=io.StringIO()),
    )
    return {
        "scores": info["test_scores"],
        "seconds": time.perf_counter() - started,
        "trials": info["trials"]["run"],
    }


def measure(path: Path, budget: float, seed: int = 0) -> dict[str, Any]:
    """Every system on one dataset: {system: {scores, seconds, trials}} and the task."""
    from autotune.data.tabular import load_table

    data = load_table(path, test_size=0.2, seed=seed)
    results: dict[str, Any] = {"task": data.preprocessing.task}
    with tempfile.TemporaryDirectory() as tmp:
        results["autotune"] = _autotune(path, budget, seed, Path(tmp))
        results["plain KerasTuner"] = _plain_keras_tuner(data, budget, seed, Path(tmp))
    results["sklearn MLP"] = _sklearn(data, "MLP", seed)
    results["HistGradientBoosting"] = _sklearn(data, "HistGradientBoosting", seed)
    results["binary"] = (
        data.preprocessing.task == "classification" and len(data.preprocessing.classes) == 2
    )
    return results


def _cell(result: dict, metric: str) -> str:
    value = result["scores"].get(metric)
    return "-" if value is None else f"{value:.3f}"


def run(folder: Path, budget: float = 60.0, datasets=DATASETS, seed: int = 0) -> str:
    """Measure every dataset and return the markdown tables."""
    os.environ.setdefault("AUTOTUNE_CACHE_DIR", tempfile.mkdtemp())
    measured = {name: measure(folder / f"{name}.csv", budget, seed) for name in datasets}
    lines = [
        f"Test scores on the shared tables, {budget:g} s budget for each search, seed {seed}, "
        "the same 20% test rows for every system (higher is better).",
        "",
        "| dataset | metric | " + " | ".join(SYSTEMS) + " |",
        "|---|---|" + "---:|" * len(SYSTEMS),
    ]
    primary: dict[str, dict[str, float]] = {}
    for name, results in measured.items():
        if results["task"] == "classification":
            metrics = ["accuracy", "balanced_accuracy"] + (["roc_auc"] if results["binary"] else [])
        else:
            metrics = ["r2"]
        primary[name] = {s: results[s]["scores"].get(metrics[0]) for s in SYSTEMS}
        for metric in metrics:
            cells = " | ".join(_cell(results[s], metric) for s in SYSTEMS)
            lines.append(f"| {name} | {metric} | {cells} |")
    lines += [
        "",
        "Trials run and seconds taken (searches: the budget binds; scikit-learn: one fit):",
        "",
        "| dataset | " + " | ".join(SYSTEMS) + " |",
        "|---|" + "---:|" * len(SYSTEMS),
    ]
    for name, results in measured.items():
        cells = " | ".join(
            f"{results[s]['trials']} in {results[s]['seconds']:.0f} s" for s in SYSTEMS
        )
        lines.append(f"| {name} | {cells} |")
    lines += ["", _verdict(primary)]
    return "\n".join(lines)


def _verdict(primary: dict[str, dict[str, float]]) -> str:
    """Against the goal: beat plain KerasTuner and the sklearn MLP everywhere, and come within
    one point of HistGradientBoosting on average (accuracy, or R² for regression)."""
    names = list(primary)
    beats = {
        peer: [n for n in names if primary[n]["autotune"] > primary[n][peer]]
        for peer in ("plain KerasTuner", "sklearn MLP")
    }
    gaps = [100 * (primary[n]["autotune"] - primary[n]["HistGradientBoosting"]) for n in names]
    mean_gap = float(np.mean(gaps))
    parts = []
    for peer, won in beats.items():
        lost = [n for n in names if n not in won]
        parts.append(
            f"autotune beats {peer} on {len(won)} of {len(names)} datasets"
            + (f" (not on {', '.join(lost)})" if lost else "")
        )
    parts.append(
        f"against HistGradientBoosting it is {mean_gap:+.1f} points on average "
        f"({'within' if mean_gap >= -1 else 'not within'} one point; per dataset: "
        + ", ".join(f"{n} {g:+.1f}" for n, g in zip(names, gaps, strict=True))
        + ")"
    )
    return "On the first metric of each dataset (accuracy, or R²): " + "; ".join(parts) + "."
