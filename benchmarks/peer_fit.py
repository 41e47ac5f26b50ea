"""Fit one outside peer on a user's training file and write its test-row outputs.

Run by :mod:`benchmarks.outside_peers` under the peers' own interpreter (a virtual
environment with ``autogluon.tabular`` and ``pytabkit``; they pin their own versions of
PyTorch, scikit-learn and numpy, so they do not share autotune's environment). This file
imports neither autotune nor TensorFlow.

python peer_fit.py SYSTEM TRAIN.csv TEST.csv OUT.csv --target COL --task TASK --budget S --seed N

``TEST.csv`` holds the feature columns only. ``OUT.csv`` gets one column of probabilities per
class (named by the class label as text) or a ``prediction`` column, one row per test row.

- ``AutoGluon``: ``TabularPredictor(...).fit(train, time_limit=budget)`` with its default
  presets (its own validation split, bagging and ensembling decide the rest);
- ``RealMLP-TD``: pytabkit's ``RealMLP_TD_Classifier`` / ``RealMLP_TD_Regressor`` with their
  tuned defaults (no search; its own 20% validation split for the best epoch). Text columns
  are passed as categories; missing numbers are filled with the training median first
  (RealMLP does not take missing values).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

import numpy as np
import pandas as pd


def labels_as_text(y: pd.Series) -> pd.Series:
    """Class labels as autotune names them: integer-valued numbers without a decimal point."""
    if pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y):
        values = y.to_numpy(dtype="float64")
        if np.all(np.mod(values, 1) == 0):
            return pd.Series(values.astype("int64"), index=y.index).astype(str)
    return y.astype(str)


def _autogluon(train, test, target, task, budget):
    from autogluon.tabular import TabularPredictor

    kind = None if task == "classification" else "regression"
    with tempfile.TemporaryDirectory() as folder:
        predictor = TabularPredictor(label=target, problem_type=kind, path=folder, verbosity=0)
        # AutoGluon seeds each of its models itself (0); the benchmark's seed varies the split
        predictor.fit(train, time_limit=budget)
        models = len(predictor.model_names())
        if task == "classification":
            output = predictor.predict_proba(test, as_pandas=True)
            output.columns = [str(c) for c in output.columns]
        else:
            output = pd.DataFrame({"prediction": np.asarray(predictor.predict(test))})
    return output, models


def _realmlp(train, test, target, task, seed):
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

    x, y = train.drop(columns=[target]), train[target]
    text = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    numeric = [c for c in x.columns if c not in text]
    medians = x[numeric].median()

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame[numeric] = frame[numeric].fillna(medians).astype("float32")
        for column in text:
            frame[column] = frame[column].astype(str).astype("category")
        return frame

    x_fit, x_test = prepare(x), prepare(test)
    if task == "classification":
        model = RealMLP_TD_Classifier(random_state=seed, device="cpu", verbosity=0)
        model.fit(x_fit, y.to_numpy(), cat_col_names=text)
        columns = [str(c) for c in model.classes_]
        return pd.DataFrame(model.predict_proba(x_test), columns=columns), 1
    model = RealMLP_TD_Regressor(random_state=seed, device="cpu", verbosity=0)
    model.fit(x_fit, y.to_numpy(dtype="float64"), cat_col_names=text)
    return pd.DataFrame({"prediction": np.ravel(model.predict(x_test))}), 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=["AutoGluon", "RealMLP-TD"])
    parser.add_argument("train")
    parser.add_argument("test")
    parser.add_argument("out")
    parser.add_argument("--target", required=True)
    parser.add_argument("--task", choices=["classification", "regression"], required=True)
    parser.add_argument("--budget", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    train, test = pd.read_csv(args.train), pd.read_csv(args.test)
    if args.task == "classification":
        train[args.target] = labels_as_text(train[args.target])
    started = time.perf_counter()
    if args.system == "AutoGluon":
        output, models = _autogluon(train, test, args.target, args.task, args.budget)
    else:
        output, models = _realmlp(train, test, args.target, args.task, args.seed)
    output.to_csv(args.out, index=False)
    print(json.dumps({"seconds": time.perf_counter() - started, "models": models}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
