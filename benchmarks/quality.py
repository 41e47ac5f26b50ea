"""Quality against peers on the shared tables, tried as a user would: a training file in, a
separate test file scored, the same wall-clock budget for every search.

Per dataset and seed, the rows are split once into a user's ``train.csv`` (80%) and an outer
``test.csv`` (20%, stratified for classification; the rows with a target). Every system sees
only ``train.csv`` and is scored on the outer test rows:

- **autotune** arms: ``autotune tune train.csv --time-budget B --seed S`` (the defaults),
  then ``autotune predict`` on the test rows. The other arms switch one default off each:
  ``--scaling standard`` (the old standardisation), ``--refit none`` (ship the searched model,
  trained on 64% of the rows), ``--tuner random`` (the portfolio, then random draws: no
  refining around the best trial), ``no portfolio`` (``--tuner random`` over the default
  space without its portfolio: the search as it was before both), ``greedy ensemble``
  (``--ensemble greedy``: Caruana's selection without bagging) and ``no ensemble``
  (``--ensemble none``: the best trial alone) and ``no embeddings`` (the default space without
  ``num_embedding``, in its entries and its portfolio), ``class weight auto``, and ``Keras fit``
  (not an option: trials train through Keras' ``model.fit`` with KerasTuner's full per-trial
  garbage collection, as before compiled epochs, :mod:`benchmarks.switches`); ``--arms`` runs
  a subset;
- **plain KerasTuner**: a ``RandomSearch`` as a typical user writes it (1-3 Dense ReLU layers
  of 32-256 units, dropout 0-0.5, Adam with a log-uniform learning rate, batch 32,
  EarlyStopping with patience 5 restoring the best weights, 50 epochs), on one-hot /
  standardised inputs, with 20% of ``train.csv`` for validation, stopped at the same budget;
- **AutoGluon** (Tabular, default presets, ``time_limit`` = the budget) and **RealMLP-TD**
  (pytabkit's tuned defaults, no search), fitted on all of ``train.csv`` in their own
  environment (:mod:`benchmarks.outside_peers`);
- **sklearn MLP**: ``MLPClassifier`` / ``MLPRegressor`` with default settings, behind standard
  preprocessing, fitted on all of ``train.csv``;
- **HistGradientBoosting**: scikit-learn's defaults, text columns as categories, fitted on all
  of ``train.csv``.

Every system gets the feature columns autotune keeps (ID-like, constant and empty columns
dropped), so the comparison is of the models, not of column cleaning. The autotune arms run
back to back in alternating order (the first of one table runs last on the next).
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks import outside_peers, plain_keras_tuner
from benchmarks.quality_tables import PEERS
from benchmarks.switches import before_compiled_epochs

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
# The autotune arms: the defaults, then each new default switched off in turn (``no
# portfolio``: a random search from the defaults alone, the search before the portfolio).
ARMS = {
    "autotune": {},
    "standard scaling": {"scaling": "standard"},
    "no refit": {"refit": "none"},
    "random tuner": {"tuner": "random"},
    "no portfolio": {"tuner": "random", "space": "mlp without portfolio"},
    "greedy ensemble": {"ensemble": "greedy"},
    "no ensemble": {"ensemble": "none"},
    "no embeddings": {"space": "mlp without embeddings"},
    "class weight auto": {"class_weight": "auto"},
    # Not an option: trials train through Keras' fit, with KerasTuner's full per-trial gc.
    "Keras fit": {"engine": "keras fit"},
}
RUN_ON_REQUEST = ("plain KerasTuner", *outside_peers.OUTSIDE)  # the others take seconds


def chosen(names: str | None) -> dict[str, dict]:
    """The arms ``--arms`` names (every autotune arm and the plain KerasTuner loop by
    default), and the plain KerasTuner loop, AutoGluon and RealMLP-TD if named."""
    if not names:
        return {**ARMS, "plain KerasTuner": {}}
    picked = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in picked if n not in ARMS and n not in PEERS]
    if unknown:
        raise SystemExit(f"--arms: unknown {', '.join(unknown)}; choose from {', '.join(ARMS)}, "
                         f"{', '.join(PEERS)}")  # fmt: skip
    if not any(n in ARMS for n in picked):
        raise SystemExit(f"--arms: name at least one autotune arm ({', '.join(ARMS)})")
    if any(n in outside_peers.OUTSIDE for n in picked):
        outside_peers.interpreter()
    return {n: ARMS.get(n, {}) for n in picked if n in ARMS or n in RUN_ON_REQUEST}


def outer_split(path: Path, folder: Path, seed: int) -> tuple[Path, pd.DataFrame, Any]:
    """Write the user's ``train.csv``; return it, the outer test rows and the loaded table."""
    from autotune.data.reading import read_csv
    from autotune.data.splits import split_indices
    from autotune.data.tabular import load_table

    task = load_table(path, seed=seed).preprocessing.task
    frame = read_csv(path)
    target = frame.columns[-1]
    frame = frame.loc[frame[target].notna()].reset_index(drop=True)
    index, _ = split_indices(frame, frame[target], task, 0.2, 0.5, seed)
    test = frame.iloc[index["test"]].reset_index(drop=True)
    rest = np.sort(np.concatenate([index["train"], index["val"]]))
    train_csv = folder / f"{path.stem}.csv"
    frame.iloc[rest].to_csv(train_csv, index=False)
    return train_csv, test, load_table(train_csv, test_size=0.0, seed=seed)


def _scores(task: str, y_test: pd.Series, output: np.ndarray, classes: list[Any]) -> dict:
    from autotune.data.columns import normalise_labels
    from autotune.problems.scores import classification_scores, regression_scores

    if task == "classification":
        output = np.asarray(output, dtype="float64")
        output = output / output.sum(axis=1, keepdims=True)  # float32 softmax rounding
        return classification_scores(normalise_labels(y_test), output, classes)
    return regression_scores(y_test.to_numpy(dtype="float64"), np.ravel(output))


def _training_rows(data) -> tuple[pd.DataFrame, pd.Series]:
    """All of ``train.csv`` as loaded: the feature columns autotune keeps, and the target."""
    splits = data.splits.values()
    return (
        pd.concat([s.features for s in splits], ignore_index=True),
        pd.concat([s.target for s in splits], ignore_index=True),
    )


def _sklearn(data, test: pd.DataFrame, kind: str, seed: int) -> dict:
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from autotune.data.columns import normalise_labels

    spec = data.preprocessing
    x_fit, y_fit = _training_rows(data)
    x_test, y_test = test[spec.feature_columns], test[spec.target]
    categorical = [c.column for c in spec.categorical]
    classify = spec.task == "classification"
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
        numeric = [c.column for c in spec.numeric]
        model = make_pipeline(plain_keras_tuner.preprocessor(numeric, categorical), network)
        x_fit_ready, x_test_ready = x_fit, x_test
    started = time.perf_counter()
    if classify:
        model.fit(x_fit_ready, list(np.array(normalise_labels(y_fit), dtype=object)))
        output = model.predict_proba(x_test_ready)
        classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    else:
        model.fit(x_fit_ready, y_fit.to_numpy(dtype="float64"))
        output, classes = model.predict(x_test_ready), []
    seconds = time.perf_counter() - started
    return {"scores": _scores(spec.task, y_test, output, classes), "seconds": seconds, "trials": 1}


def _plain_keras_tuner(train_csv: Path, test, budget: float, seed: int, workdir: Path) -> dict:
    """The plain KerasTuner search on ``train.csv`` (20% of it for validation)."""
    from autotune.data.tabular import load_table

    data = load_table(train_csv, test_size=0.0, seed=seed)
    spec = data.preprocessing
    arrays = plain_keras_tuner.encode(data, extra={"test": test[spec.feature_columns]})
    started = time.perf_counter()
    tuner = plain_keras_tuner.search(data, arrays, time.monotonic() + budget, seed, workdir)
    seconds = time.perf_counter() - started
    output = tuner.get_best_models(1)[0].predict(arrays.x["test"], verbose=0)
    if arrays.scaler is not None:
        output = arrays.scaler.inverse_transform(output.reshape(-1, 1)).ravel()
    scores = _scores(spec.task, test[spec.target], output, spec.classes or [])
    return {"scores": scores, "seconds": seconds, "trials": len(tuner.oracle.trials)}


def _outside(peer: str, data, test: pd.DataFrame, budget: float, seed: int, tmp: Path) -> dict:
    spec = data.preprocessing
    x_fit, y_fit = _training_rows(data)
    train = x_fit.assign(**{spec.target: y_fit.to_numpy()})
    output, facts = outside_peers.fit(peer, train, test, spec, budget, seed, tmp)
    scores = _scores(spec.task, test[spec.target], output, spec.classes or [])
    return {"scores": scores, "seconds": facts["seconds"], "trials": facts["models"]}


# What each "without" arm takes out of the default space: entries, and values of entries
# (the portfolio's uses become the entry's default).
REMOVED = {
    "embeddings": ({"num_embedding"}, {}),
}


def _reduced_space(name: str):
    """The default space without its portfolio, or without one of its levers (``mlp without
    embeddings``), in its entries and its portfolio."""
    import dataclasses

    from autotune.spaces import load_space

    space = load_space("mlp")
    if name == "mlp without portfolio":
        return dataclasses.replace(space, portfolio=[])
    names, values = REMOVED[name.removeprefix("mlp without ")]
    entries = {}
    for entry, spec in space.hyperparameters.items():
        if entry in names:
            continue
        if entry in values:
            spec = {**spec, "values": [v for v in spec["values"] if v != values[entry]]}
        entries[entry] = spec
    portfolio = [
        {
            k: (space.hyperparameters[k]["default"] if values.get(k) == v else v)
            for k, v in configuration.items()
            if k not in names
        }
        for configuration in space.portfolio
    ]
    return dataclasses.replace(space, hyperparameters=entries, portfolio=portfolio)


def _autotune(train_csv: Path, test, budget: float, seed: int, out: Path, **options) -> dict:
    from rich.console import Console

    from autotune.options import TuneOptions
    from autotune.predict import predict_frame
    from autotune.runner import run_search
    from autotune.runs import RunFolder

    if str(options.get("space", "")).startswith("mlp without"):
        options = {**options, "space": _reduced_space(options["space"])}
    engine = options.pop("engine", None)
    started = time.perf_counter()
    plan = TuneOptions(data=train_csv, time_budget=budget, seed=seed, out=out, **options)
    with before_compiled_epochs() if engine == "keras fit" else contextlib.nullcontext():
        info = run_search(plan.resolve(), progress_console=Console(file=io.StringIO()))
    seconds = time.perf_counter() - started
    predicted = predict_frame(out, test)
    spec = info["preprocessing"]
    if info["dataset"]["task"] == "classification":
        output = predicted[[f"proba_{c}" for c in spec["classes"]]].to_numpy()
    else:
        output = predicted["prediction"].to_numpy()
    records = sorted(RunFolder(out).read_trials(), key=lambda r: int(r["trial_id"]))
    spent = np.cumsum([r.get("fit_seconds") or 0.0 for r in records])
    best = [r["trial_id"] for r in records].index(info["best_trial"]["trial_id"])
    return {
        # The shipped trial started in the second half of the trials' training time.
        "second_half": bool(spent[best] - (records[best].get("fit_seconds") or 0) >= spent[-1] / 2),
        "scores": _scores(info["dataset"]["task"], test[spec["target"]], output, spec["classes"]),
        "seconds": seconds,
        "trials": len(records),
        "fit_seconds": sum(r.get("fit_seconds") or 0.0 for r in records),
        "best_trial": info["best_trial"]["trial_id"],
        "refit": info["refit"]["status"],
        "members": len((info.get("ensemble") or {}).get("members") or [None]),
    }


def measure(path: Path, budget: float, seed: int, arms: dict, turn: int) -> dict[str, Any]:
    """Every system on one dataset and seed: {system: {scores, seconds, trials}} and the task."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train_csv, test, data = outer_split(path, tmp, seed)
        results: dict[str, Any] = {"task": data.preprocessing.task, "test_rows": len(test)}
        ours = [arm for arm in arms if arm in ARMS]
        order = ours if turn % 2 == 0 else list(reversed(ours))
        for arm in order:
            out = tmp / f"run-{len(results)}"
            results[arm] = _autotune(train_csv, test, budget, seed, out, **arms[arm])
        if "plain KerasTuner" in arms:
            results["plain KerasTuner"] = _plain_keras_tuner(train_csv, test, budget, seed, tmp)
        for peer in (p for p in outside_peers.OUTSIDE if p in arms):
            results[peer] = _outside(peer, data, test, budget, seed, tmp)
    results["sklearn MLP"] = _sklearn(data, test, "MLP", seed)
    results["HistGradientBoosting"] = _sklearn(data, test, "HistGradientBoosting", seed)
    results["binary"] = (
        data.preprocessing.task == "classification" and len(data.preprocessing.classes) == 2
    )
    return results


def headline(results: dict) -> str:
    return "accuracy" if results["task"] == "classification" else "r2"


def run(
    folder: Path, budget: float = 60.0, datasets=DATASETS, seeds=(0,), arms: dict | None = None
) -> str:
    """Measure every dataset and seed and return the markdown tables."""
    from benchmarks.quality_tables import render

    os.environ.setdefault("AUTOTUNE_CACHE_DIR", tempfile.mkdtemp())
    arms = chosen(None) if arms is None else arms
    measured = {}
    for turn, (name, seed) in enumerate((n, s) for n in datasets for s in seeds):
        measured[(name, seed)] = measure(folder / f"{name}.csv", budget, seed, arms, turn)
    return render(measured, budget, [a for a in arms if a in ARMS], list(seeds))
