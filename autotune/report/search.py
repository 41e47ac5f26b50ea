"""The search: score per trial, best so far, and which hyperparameters mattered.

Importance is Optuna's fANOVA evaluator run on an in-memory Optuna study rebuilt from the
trials (:func:`study_from`); the charts of this section are Optuna's own plots of that study.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from autotune.report.run_data import RunData
from autotune.vocabulary import describe_change

# fANOVA fits a random forest on the completed trials: fewer than this says nothing.
MIN_TRIALS_FOR_IMPORTANCE = 5
IMPORTANCE_METHOD = "fANOVA (Optuna's FanovaImportanceEvaluator, seed 0)"


def _guidance(run: RunData) -> dict[str, Any] | None:
    """The guided search's interventions, each with the changes as ``name old -> new``."""
    guidance = run.guidance
    if guidance is None:
        return None
    return {
        **guidance,
        "interventions": [
            {**i, "changes": describe_change(i["changed"])} for i in guidance["interventions"]
        ],
    }


def search_info(run: RunData) -> dict[str, Any]:
    searched = run.searched
    trials = []
    best_so_far = None
    for number, trial in enumerate(sorted(run.trials, key=lambda t: t["trial_id"])):
        score = trial.get("score") if trial.get("rank") is not None else None
        if score is not None:
            best_so_far = score if best_so_far is None else min(best_so_far, score)
        trials.append(
            {
                "number": number,
                "trial_id": trial["trial_id"],
                "completed": score is not None,
                "score": score,
                "best_so_far": best_so_far,
                "params": {
                    name: value
                    for name, value in trial.get("hyperparameters", {}).items()
                    if name in searched
                },
            }
        )
    record = {
        "metric": run.metric,
        "direction": run.info.get("direction", "min"),
        "space": searched,
        "trials": trials,
        "importance": None,
        "importance_method": IMPORTANCE_METHOD,
        "importance_note": None,
    }
    record["guidance"] = _guidance(run)
    completed = sum(t["completed"] for t in trials)
    if not searched:
        record["importance_note"] = "the space fixes every hyperparameter: nothing was searched"
    elif completed < MIN_TRIALS_FOR_IMPORTANCE:
        record["importance_note"] = (
            f"{completed} completed trial(s): importance needs at least {MIN_TRIALS_FOR_IMPORTANCE}"
        )
    else:
        record["importance"] = _importance(study_from(record))
    return record


def _distribution(spec: dict[str, Any]):
    import optuna.distributions as d

    kind = spec["type"]
    log = spec.get("sampling") == "log"
    if kind == "int":
        return d.IntDistribution(
            spec["min"], spec["max"], log=log, step=1 if log else spec.get("step", 1)
        )
    if kind == "float":
        step = None if log else spec.get("step")
        return d.FloatDistribution(spec["min"], spec["max"], log=log, step=step)
    if kind == "bool":
        return d.CategoricalDistribution([False, True])
    return d.CategoricalDistribution(list(spec["values"]))


def study_from(record: dict[str, Any]):
    """An in-memory Optuna study holding the search's trials (failed ones as FAIL)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions = {name: _distribution(spec) for name, spec in record["space"].items()}
    study = optuna.create_study(
        direction="minimize" if record["direction"] == "min" else "maximize"
    )
    for trial in record["trials"]:
        params, dists = {}, {}
        for name, value in trial["params"].items():
            dist = distributions[name]
            if dist._contains(dist.to_internal_repr(value)):
                params[name], dists[name] = value, dist
        state = (
            optuna.trial.TrialState.COMPLETE if trial["completed"] else optuna.trial.TrialState.FAIL
        )
        study.add_trial(
            optuna.trial.create_trial(
                state=state,
                value=trial["score"] if trial["completed"] else None,
                params=params,
                distributions=dists,
                user_attrs={"trial_id": trial["trial_id"]},
            )
        )
    return study


def _importance(study) -> dict[str, float] | None:
    """Each hyperparameter's share of the score's variance, largest first."""
    import optuna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = optuna.importance.get_param_importances(
            study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)
        )
    return {name: float(v) for name, v in values.items() if math.isfinite(v)}
