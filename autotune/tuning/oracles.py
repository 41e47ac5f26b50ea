"""The oracles of ``random`` and ``bayesian`` searches: the space's defaults first, then the
strategy's own proposals, each steered by the run's findings when the search is guided."""

from __future__ import annotations

from pathlib import Path

from autotune.backend import kt

from keras_tuner.src.engine.stateful import Stateful

from autotune.runs.files import atomic_path
from autotune.tuning.guidance import Guided


class DefaultsFirst:
    """An oracle whose first trial trains the space's default values.

    A space's defaults are its known-good configuration (for ``mlp``: two ReLU layers of
    128 and 64 units, He initialisation, Adam at 1e-3, batch 32), so a short search never
    ends below that baseline; the oracle's own strategy picks every later trial. The same
    practice as KerasTuner's ``GridSearch`` (defaults first) and Optuna's ``enqueue_trial``.
    """

    def populate_space(self, trial_id):
        if not self.trials:  # resuming a run that has trials skips this
            values = {hp.name: hp.default for hp in self.hyperparameters.space}
            return {"status": kt.engine.trial.TrialStatus.RUNNING, "values": values}
        return super().populate_space(trial_id)


class AtomicFiles:
    """An oracle whose trial and state files are written atomically.

    KerasTuner rewrites ``trial_<id>/trial.json`` and ``oracle.json`` in place; a run killed
    mid-write leaves an empty file, and KerasTuner's reload (``--resume``) cannot read it.
    """

    def _save_trial(self, trial):
        path = Path(self._get_trial_dir(trial.trial_id)) / "trial.json"
        with atomic_path(path) as tmp:
            trial.save(str(tmp))

    def save(self):
        with atomic_path(self._get_oracle_fname()) as tmp:
            Stateful.save(self, str(tmp))


# The oracles of ``random`` and ``bayesian`` searches: defaults first, then the strategy's own
# proposals, each steered by the run's findings when the search is guided.
STARTING_FROM_DEFAULTS = {
    kind: type(f"DefaultsFirst{base.__name__}", (Guided, DefaultsFirst, AtomicFiles, base), {})
    for kind, base in (
        ("random", kt.oracles.RandomSearchOracle),
        ("bayesian", kt.oracles.BayesianOptimizationOracle),
    )
}
