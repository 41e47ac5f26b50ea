"""The TensorFlow half of a run: encode the splits, run the tuner, export and score the best.

Imported by :mod:`autotune.search.runner` only once the inputs are validated, so bad input
fails fast, before TensorFlow loads.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import keras
import numpy as np

from autotune.data.preprocessing import (
    as_dataset,
    build_preprocessor,
    encode,
    export_model,
    model_inputs,
)
from autotune.data.tabular import TabularData, normalise_labels
from autotune.metrics import classification_scores, regression_scores
from autotune.models.mlp import MLPHyperModel
from autotune.models.params import describe_trial, objective_name
from autotune.progress import SearchProgress
from autotune.search.callbacks import ReportEpochs, StopAtDeadline, StopOnNaN
from autotune.search.options import TuneOptions
from autotune.search.tuner import make_tuner
from autotune.spaces import SearchSpace


class Search:
    """One search over encoded, in-memory splits.

    Args:
        options: the run's options.
        space: the search space.
        data: the loaded table.
        tuner_dir: KerasTuner's project folder.
        progress: the terminal display.
        deadline: ``time.monotonic()`` value of the time budget's end, or None.
        on_trial_done: called with every finished trial's record.
        resume: continue the tuner's state in ``tuner_dir`` (finished trials are kept, a
            trial that was cut short runs again) instead of starting afresh.
    """

    def __init__(
        self,
        options: TuneOptions,
        space: SearchSpace,
        data: TabularData,
        tuner_dir: str,
        progress: SearchProgress,
        deadline: float | None,
        on_trial_done,
        resume: bool = False,
    ) -> None:
        self.options, self.data = options, data
        spec = data.preprocessing
        self.objective = objective_name(spec.task)
        keras.utils.set_random_seed(options.seed)
        self.preprocessor = build_preprocessor(spec)
        # The test rows are not encoded here: the search never sees them.
        searched = {name: data.splits[name] for name in ("train", "val")}
        self.arrays = {n: encode(self.preprocessor, s.features, spec) for n, s in searched.items()}
        self.targets = {n: spec.encode_target(s.target) for n, s in searched.items()}
        stopper = StopAtDeadline(deadline)
        hypermodel = MLPHyperModel(
            self.arrays["train"].shape[1],
            spec.n_outputs,
            spec.task,
            fit_callbacks=[stopper, ReportEpochs(progress)],
        )
        self.tuner = make_tuner(
            options.tuner,
            hypermodel,
            space.to_hyperparameters(),
            objective=self.objective,
            max_trials=options.max_trials,
            max_epochs=options.max_epochs,
            seed=options.seed,
            directory=tuner_dir,
            on_trial_done=on_trial_done,
            deadline=deadline,
            deadline_callback=stopper,
            resume=resume,
            on_trial_start=lambda trial: progress.trial_started(
                trial.trial_id, describe_trial(trial.hyperparameters.values)
            ),
        )

    def request_stop(self) -> None:
        """Stop the search soon: the running trial after its current batch, then no other."""
        self.tuner.request_stop()

    def run(self) -> None:
        """Run every trial (early stopping on the objective; a NaN loss stops a trial)."""
        with warnings.catch_warnings():
            # KerasTuner takes the min of a diverged trial's all-NaN curve; the trial's own
            # record says it diverged, the warning would only repeat it on the terminal.
            warnings.filterwarnings("ignore", "All-NaN", RuntimeWarning)
            self._search()

    def _search(self) -> None:
        self.tuner.search(
            self.arrays["train"],
            self.targets["train"],
            validation_data=(self.arrays["val"], self.targets["val"]),
            epochs=self.options.max_epochs,
            callbacks=[StopOnNaN()]
            + (
                [
                    keras.callbacks.EarlyStopping(
                        monitor=self.objective, patience=self.options.patience
                    )
                ]
                if self.options.patience
                else []
            ),
            verbose=0,
        )

    def export(self, trial_id: str, path: os.PathLike) -> keras.Model:
        """Join the trial's best-epoch network to the preprocessing and save it atomically."""
        with warnings.catch_warnings():
            # The checkpoint holds optimizer state that inference does not need.
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            trained = self.tuner.load_model(self.tuner.oracle.get_trial(trial_id))
        # An uncompiled copy: the saved model carries no optimizer state, only what predicts.
        network = keras.models.clone_model(trained)
        network.set_weights(trained.get_weights())
        model = export_model(self.preprocessor, network, self.data.preprocessing)
        path = os.fspath(path)
        tmp = os.path.join(os.path.dirname(path), ".best_model.tmp.keras")
        model.save(tmp)
        os.replace(tmp, path)
        return model


def evaluate(model: keras.Model, data: TabularData, split: str) -> dict[str, Any]:
    """Scores of the exported model (raw rows in) on one split, in the target's own units."""
    spec = data.preprocessing
    rows = data.splits[split]
    output = model.predict(as_dataset(model_inputs(rows.features, spec)), verbose=0)
    if spec.task == "classification":
        return classification_scores(normalise_labels(rows.target), output, spec.classes)
    return regression_scores(rows.target.to_numpy(dtype="float64"), np.ravel(output))
