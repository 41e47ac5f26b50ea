"""The oracles of ``refine``, ``random`` and ``bayesian`` searches: the space's defaults and
portfolio first, then the strategy's own proposals, each steered by the run's findings when
the search is guided."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from autotune.backend import kt

from keras_tuner.src.engine.stateful import Stateful

from autotune.runs.files import atomic_path
from autotune.tuning.guidance import Guided
from autotune.tuning.neighbours import active_values


class DefaultsFirst:
    """An oracle whose first trials train the space's defaults, then its portfolio.

    A space's defaults are its known-good configuration (for ``mlp``: two ReLU layers of
    128 and 64 units, He initialisation, Adam at 1e-3, batch 32), and its ``portfolio`` a few
    other proven ones (:mod:`autotune.spaces`), so a short search never ends below those
    baselines; the oracle's own strategy picks every later trial. The same practice as
    KerasTuner's ``GridSearch`` (defaults first) and Optuna's ``enqueue_trial``.

    Attributes:
        portfolio: the configurations after the defaults (each a mapping of the entries it
            changes), in order.
    """

    portfolio: list[dict[str, Any]] = []

    def populate_space(self, trial_id):
        # KerasTuner adds this trial to self.trials after populate_space: it is trial n.
        for position in range(len(self.trials), len(self.portfolio) + 1):
            values = {hp.name: hp.default for hp in self.hyperparameters.space}
            values.update(self.portfolio[position - 1] if position else {})
            values = active_values(self.hyperparameters, values)
            if not self._duplicate(values):  # a resumed run goes on where it was
                return {"status": kt.engine.trial.TrialStatus.RUNNING, "values": values}
        return super().populate_space(trial_id)


class Refining:
    """A random search that refines around its best trial (``--tuner refine``): after the
    defaults and the portfolio, every second trial is the best trial so far with two of its
    values moved to a neighbouring value (:func:`~autotune.tuning.neighbours.perturbed`), the
    others random draws. Random draws from a wide space are mostly worse than a good
    configuration, so half of the budget goes where the evidence is."""

    def populate_space(self, trial_id):
        after_portfolio = len(self.trials) - 1 - len(self.portfolio)  # 0 for the first one
        best = self.get_best_trials(1)
        if after_portfolio % 2 == 1 and best:
            from autotune.tuning.neighbours import perturbed

            rng = random.Random(f"{self.seed}-{trial_id}")
            for _ in range(20):
                values = perturbed(self.hyperparameters, best[0].hyperparameters.values, rng)
                if not self._duplicate(values):
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


# The oracles of ``refine``, ``random`` and ``bayesian`` searches: defaults and portfolio
# first, then the strategy's own proposals (refine: random draws and moves around the best
# trial; a Bayesian one learns from every trial), each steered by the run's findings when the
# search is guided.
STARTING_FROM_DEFAULTS = {
    "refine": type(
        "RefiningRandomSearchOracle",
        (Guided, DefaultsFirst, Refining, AtomicFiles, kt.oracles.RandomSearchOracle),
        {},
    ),
    "random": type(
        "DefaultsFirstRandomSearchOracle",
        (Guided, DefaultsFirst, AtomicFiles, kt.oracles.RandomSearchOracle),
        {},
    ),
    "bayesian": type(
        "DefaultsFirstBayesianOptimizationOracle",
        (Guided, DefaultsFirst, AtomicFiles, kt.oracles.BayesianOptimizationOracle),
        {},
    ),
}


class Repairing(AtomicFiles, kt.Oracle):
    """``diagnose --repair``'s oracle: the first trial trains the configuration (the space's
    fixed values); each later one the trial before with the remedy ``choose`` picks from that
    trial's record (:mod:`autotune.diagnostics.repair`), until a trial is healthy, no remedy
    is left, or ``rounds`` rounds of repair have run.

    Attributes:
        lineage: per trial of a repair round, ``{repair_of, remedy}`` for its record.
        last: the record of the trial that ended last (the round the next one repairs).
    """

    def __init__(self, *, rounds: int, choose, **kwargs: Any):
        super().__init__(max_trials=rounds + 1, **kwargs)
        self.choose = choose
        self.last: dict[str, Any] | None = None
        self.lineage: dict[str, dict[str, Any]] = {}

    def recorded(self, record: dict[str, Any]) -> dict[str, Any]:
        """A finished trial's record, with its place in the chain; kept for the next round."""
        record.update(self.lineage.get(record["trial_id"], {}))
        self.last = record
        return record

    def populate_space(self, trial_id):
        values = {hp.name: hp.default for hp in self.hyperparameters.space}
        if self.last is not None:
            remedy = self.choose(self.last)
            if remedy is None:
                return {"status": kt.engine.trial.TrialStatus.STOPPED}
            values = {**self.last["hyperparameters"], **remedy["change"]}
            self.lineage[trial_id] = {"repair_of": self.last["trial_id"], "remedy": remedy}
        values = active_values(self.hyperparameters, values)
        return {"status": kt.engine.trial.TrialStatus.RUNNING, "values": values}
