"""The TensorFlow half of a run: run the tuner over a problem's arrays, hand back the best.

A *problem* (:class:`autotune.search.tables.TabularProblem`,
:class:`autotune.search.images.ImageProblem`) holds the encoded training and validation
arrays, builds the hypermodel, and turns the best network into the saved model. Imported by
:mod:`autotune.search.runner` only once the inputs are validated, so bad input fails fast,
before TensorFlow loads.
"""

from __future__ import annotations

import os
import warnings

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import keras

from autotune.models.params import describe_trial
from autotune.progress import SearchProgress
from autotune.search.callbacks import ReportEpochs, StopAtDeadline, StopOnNaN
from autotune.search.guidance import Guide, describe_intervention
from autotune.search.options import TuneOptions
from autotune.search.tuner import make_tuner
from autotune.spaces import SearchSpace


class Search:
    """One search over a problem's in-memory training and validation arrays.

    Args:
        options: the run's options.
        space: the search space.
        problem: the data as a search problem (``train``, ``val``, ``objective``,
            ``hypermodel(fit_callbacks)``).
        tuner_dir: KerasTuner's project folder.
        progress: the terminal display.
        deadline: ``time.monotonic()`` value of the time budget's end, or None.
        on_trial_done: called with every finished trial's record.
        resume: continue the tuner's state in ``tuner_dir`` (finished trials are kept, a
            trial that was cut short runs again) instead of starting afresh.
        on_trial_start: also called with each trial when it starts, or None.
        guided: steer trials by earlier findings (where ``options.guided`` allows).
    """

    def __init__(
        self,
        options: TuneOptions,
        space: SearchSpace,
        problem,
        tuner_dir: str,
        progress: SearchProgress,
        deadline: float | None,
        on_trial_done,
        resume: bool = False,
        on_trial_start=None,
        guided: bool = True,
    ) -> None:
        self.options, self.problem = options, problem
        self.progress, self.deadline, self.on_trial_done = progress, deadline, on_trial_done
        self.objective = problem.objective
        keras.utils.set_random_seed(options.seed)
        stopper = StopAtDeadline(deadline)
        hyperparameters = space.to_hyperparameters()
        self.guide = None
        if guided and options.guided and options.tuner != "hyperband":
            self.guide = Guide(
                tuner_dir,
                hyperparameters,
                seed=options.seed,
                on_intervention=lambda i: progress.log(f"guided: {describe_intervention(i)}"),
            )
        self.tuner = make_tuner(
            options.tuner,
            problem.hypermodel(fit_callbacks=[stopper, ReportEpochs(progress)]),
            hyperparameters,
            objective=self.objective,
            max_trials=options.max_trials,
            max_epochs=options.max_epochs,
            seed=options.seed,
            directory=tuner_dir,
            on_trial_done=on_trial_done,
            deadline=deadline,
            deadline_callback=stopper,
            resume=resume,
            guide=self.guide,
            on_trial_start=lambda trial: self._trial_started(trial, on_trial_start),
        )

    def _trial_started(self, trial, also) -> None:
        self.progress.trial_started(trial.trial_id, describe_trial(trial.hyperparameters.values))
        if also is not None:
            also(trial)

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
        x, y = self.problem.train
        self.tuner.search(
            x,
            y,
            validation_data=self.problem.val,
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

    def best_network(self, trial_id: str) -> keras.Model:
        """The trial's best-epoch network, uncompiled (no optimizer state)."""
        with warnings.catch_warnings():
            # The checkpoint holds optimizer state that inference does not need.
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            trained = self.tuner.load_model(self.tuner.oracle.get_trial(trial_id))
        network = keras.models.clone_model(trained)
        network.set_weights(trained.get_weights())
        return network


def save_model(model: keras.Model, path: os.PathLike) -> None:
    """Save atomically: a crash leaves the previous file or none, never half a model."""
    path = os.fspath(path)
    tmp = os.path.join(os.path.dirname(path), ".best_model.tmp.keras")
    model.save(tmp)
    os.replace(tmp, path)
