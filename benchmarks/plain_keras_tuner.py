"""The plain KerasTuner search a typical user writes, shared by the quality and speed
benchmarks: one-hot / standardised inputs, a ``RandomSearch`` over 1-3 ReLU Dense layers of
32-256 units, dropout 0-0.5 and Adam's learning rate (log-uniform 1e-4 to 1e-2), batch 32,
EarlyStopping (patience 5, best weights restored), at most 50 epochs, stopped at a deadline
(no trial starts after it; the running one stops at the end of its epoch)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


def splits(data) -> dict[str, tuple[pd.DataFrame, pd.Series]]:
    """(features, target) of each of a loaded table's splits."""
    return {name: (split.features, split.target) for name, split in data.splits.items()}


def preprocessor(numeric: list[str], categorical: list[str]):
    """Median imputation and scaling of numbers, most-frequent imputation and one-hot text."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                categorical,
            ),
        ]
    )


@dataclass
class Arrays:
    """A table encoded for the plain search; ``scaler`` undoes a standardised target."""

    x: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    scaler: object | None


def encode(data, extra: dict[str, pd.DataFrame] | None = None) -> Arrays:
    """Inputs for every split (and for the ``extra`` frames, by name); targets (class
    positions, or standardised values) for the training and validation rows. Preprocessing is
    fitted on the training rows."""
    from sklearn.preprocessing import StandardScaler

    from autotune.data.columns import normalise_labels

    spec = data.preprocessing
    frames = splits(data)
    prep = preprocessor([c.column for c in spec.numeric], [c.column for c in spec.categorical])
    prep.fit(frames["train"][0])
    inputs = {name: f for name, (f, _) in frames.items()} | (extra or {})
    x = {name: prep.transform(f).astype("float32") for name, f in inputs.items()}
    y, scaler = {}, None
    if spec.task == "classification":
        index = {label: i for i, label in enumerate(spec.classes)}
        for name in ("train", "val"):
            y[name] = np.array([index[v] for v in normalise_labels(frames[name][1])])
    else:
        target = {n: frames[n][1].to_numpy("float64").reshape(-1, 1) for n in ("train", "val")}
        scaler = StandardScaler().fit(target["train"])
        y = {name: scaler.transform(values).ravel() for name, values in target.items()}
    return Arrays(x, y, scaler)


def search(
    data,
    arrays: Arrays,
    deadline: float,
    seed: int,
    workdir: Path,
    on_trial_end: Callable | None = None,
):
    """Run the plain search until ``deadline`` (a ``time.monotonic()`` value); return the
    tuner. ``on_trial_end(trial)`` is called as each trial ends."""
    from autotune.backend import keras, kt

    spec = data.preprocessing
    if spec.task == "classification":
        n_out, loss, activation = len(spec.classes), "sparse_categorical_crossentropy", "softmax"
    else:
        n_out, loss, activation = 1, "mse", None

    def build(hp):
        model = keras.Sequential([keras.Input((arrays.x["train"].shape[1],))])
        for i in range(hp.Int("layers", 1, 3)):
            model.add(keras.layers.Dense(hp.Choice(f"units_{i}", [32, 64, 128, 256]), "relu"))
            model.add(keras.layers.Dropout(hp.Float(f"dropout_{i}", 0.0, 0.5, step=0.1)))
        model.add(keras.layers.Dense(n_out, activation=activation))
        learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
        model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss)
        return model

    class AtDeadline(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if time.monotonic() >= deadline:
                self.model.stop_training = True

    class BudgetedRandomSearch(kt.RandomSearch):
        def pre_create_trial(self):
            if time.monotonic() >= deadline and self.oracle.trials:
                self.oracle.max_trials = len(self.oracle.trials)
            super().pre_create_trial()

        def on_trial_end(self, trial):
            super().on_trial_end(trial)
            if on_trial_end is not None:
                on_trial_end(trial)

    keras.utils.set_random_seed(seed)
    tuner = BudgetedRandomSearch(
        build,
        objective="val_loss",
        max_trials=10**6,
        seed=seed,
        directory=str(workdir),
        project_name="plain",
        overwrite=True,
    )
    tuner.search(
        arrays.x["train"],
        arrays.y["train"],
        validation_data=(arrays.x["val"], arrays.y["val"]),
        epochs=50,
        batch_size=32,
        callbacks=[
            keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True),
            AtDeadline(),
        ],
        verbose=0,
    )
    return tuner
