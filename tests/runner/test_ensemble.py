"""``--ensemble bagged`` (the default) and ``greedy``: the shipped model averages the best
trials, chosen by greedy selection with replacement on the validation rows (over random halves
of the candidates, for bagged), in one safe-mode ``.keras`` file."""

from __future__ import annotations

import csv
from pathlib import Path

import keras
import numpy as np
import pytest

from autotune.data.tabular import load_table
from autotune.models.mlp import build_network
from autotune.problems.table import TabularProblem
from autotune.problems.table_encoding import as_dataset, model_inputs
from autotune.runner.ensemble import BAGS, CANDIDATES, bagged_selection, greedy_selection
from autotune.runs import RunFolder

DATA = Path(__file__).parent.parent / "data"


def _mse(truth):
    return lambda predicted: float(np.mean((predicted - truth) ** 2))


def test_greedy_selection_adds_the_trial_that_lowers_the_averaged_loss():
    truth = np.zeros(2)
    first, second = np.array([0.5, 0.2]), np.array([-0.5, -0.2])  # errors that cancel
    counts, loss = greedy_selection([first, second], _mse(truth))
    assert counts == [1, 1] and loss == 0.0
    near = np.array([-0.6, -0.1])  # cancels best when it is picked 5 times to 6
    counts, loss = greedy_selection([first, near], _mse(truth))
    assert counts[0] > 0 and counts[1] > 0
    assert loss < min(_mse(truth)(first), _mse(truth)(near))


def test_greedy_selection_keeps_the_best_alone_when_no_average_beats_it():
    truth = np.array([1.0, 2.0, 3.0])
    counts, loss = greedy_selection([truth + 0.01, truth + 0.5, truth + 0.3], _mse(truth))
    assert counts == [1, 0, 0] and loss == pytest.approx(1e-4)


def test_greedy_selection_weighs_by_how_often_a_trial_is_picked():
    truth = np.zeros(1)
    # 2/3 of +0.3 and 1/3 of -0.6 average to exactly 0: picked twice and once.
    counts, loss = greedy_selection([np.array([0.3]), np.array([-0.6])], _mse(truth))
    assert counts == [2, 1] and loss == pytest.approx(0.0)


def test_a_tie_goes_to_the_better_ranked_trial():
    truth = np.zeros(1)
    counts, _ = greedy_selection([np.array([0.5]), np.array([0.5])], _mse(truth))
    assert counts == [1, 0]


def test_bagged_selection_averages_the_selections_over_random_halves():
    truth = np.zeros(1)
    # The first two cancel; the others only add error, and win only bags without the first two.
    predictions = [np.array([0.5]), np.array([-0.5]), np.array([2.0]), np.array([3.0])]
    weights = bagged_selection(predictions, _mse(truth), seed=0)
    assert sum(weights) == pytest.approx(1.0)
    assert weights[0] + weights[1] > weights[2] + weights[3] > 0
    assert bagged_selection(predictions, _mse(truth), seed=0) == weights  # seeded
    # A bag holding both cancelling trials gives them 1 / BAGS together, half each.
    both = bagged_selection(predictions[:2], _mse(truth), seed=0)
    assert both == pytest.approx([0.5, 0.5]) and BAGS == 20


@pytest.fixture(scope="module")
def problem():
    return TabularProblem(load_table(DATA / "penguins.csv", target="species", seed=0))


def _network(problem, units, seed):
    keras.utils.set_random_seed(seed)
    spec = problem.data.preprocessing
    return build_network({"n_layers": 1, "units": units}, problem.train[0].shape[1],
                         spec.n_outputs, spec.task)  # fmt: skip


def test_the_exported_ensemble_averages_its_members_and_loads_in_safe_mode(problem, tmp_path):
    first, second = _network(problem, 8, 0), _network(problem, 16, 1)
    rows = problem.data.splits["val"].features
    inputs = as_dataset(model_inputs(rows, problem.data.preprocessing))
    alone = [problem.export(n, {}).predict(inputs, verbose=0) for n in (first, second)]
    model = problem.export_ensemble([first, second], [2 / 3, 1 / 3])
    path = tmp_path / "ensemble.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    averaged = loaded.predict(inputs, verbose=0)
    np.testing.assert_allclose(averaged, (2 * alone[0] + alone[1]) / 3, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(averaged.sum(axis=1), 1.0, rtol=1e-5)  # still probabilities
    # Its validation loss is the search's objective of the averaged predictions.
    predictions = [problem.val_predictions(n) for n in (first, second)]
    loss = problem.val_loss((2 * predictions[0] + predictions[1]) / 3)
    truth = problem.val[1]
    expected = -np.mean(np.log(averaged[np.arange(len(truth)), truth]))
    assert loss == pytest.approx(expected, rel=1e-4)


def test_a_run_records_its_members_their_weights_and_the_best_trials_own_scores(penguins_run):
    folder = RunFolder(penguins_run)
    info = folder.read_run()
    ensemble = info["ensemble"]
    assert ensemble["status"] in ("done", "single")
    assert ensemble["candidates"] <= CANDIDATES
    assert sum(m["weight"] for m in ensemble["members"]) == pytest.approx(1.0)
    if ensemble["method"] == "greedy" or ensemble["candidates"] == 2:  # every bag the same
        assert ensemble["score"] <= ensemble["best_single_score"] + 1e-9
    assert set(info["best_trial"]["test_scores"]) == set(info["test_scores"])
    with open(folder.trials_csv, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if ensemble["status"] == "done":
        weights = {r["trial_id"]: float(r["ensemble_weight"]) for r in rows if r["ensemble_weight"]}
        assert weights == {m["trial_id"]: pytest.approx(m["weight"], abs=1e-4)
                           for m in ensemble["members"]}  # fmt: skip
    else:
        assert ensemble["members"] == [{"trial_id": info["best_trial"]["trial_id"], "weight": 1.0}]
        assert info["test_scores"] == info["best_trial"]["test_scores"]


def test_a_bagged_average_worse_than_the_best_trial_falls_back_to_greedy():
    from autotune.runner.ensemble import _weights

    truth = np.zeros(2)
    # Three candidates: bags of two leave the best out a third of the time.
    predictions = [np.array([0.01, -0.01]), np.array([1.0, 1.0]), np.array([-1.0, 1.0])]
    weights, method, why = _weights("bagged", predictions, _mse(truth), seed=0)
    assert method == "greedy" and weights == [1.0, 0.0, 0.0]
    assert why.startswith("the bagged average's validation loss")
    # Where the bags' average is no worse than the best trial, bagged stands.
    cancelling = [np.array([0.5]), np.array([-0.5]), np.array([0.4]), np.array([-0.4])]
    weights, method, why = _weights("bagged", cancelling, _mse(np.zeros(1)), seed=0)
    assert method == "bagged" and why is None
    assert _weights("greedy", predictions, _mse(truth), seed=0)[1:] == ("greedy", None)
