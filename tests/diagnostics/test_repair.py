"""Which remedy a round of ``diagnose --repair`` applies, and how the chain is read back."""

from __future__ import annotations

import random

from autotune.diagnostics import diagnose
from autotune.diagnostics.repair import first_remedy, random_remedy
from autotune.runs.rounds import chain, change_text
from autotune.vocabulary import resolve

DEEP_SIGMOID = {"n_layers": 10, "activation": "sigmoid", "optimizer": "sgd"}


def record(trial_id, params, findings, **more):
    return {"trial_id": trial_id, "hyperparameters": params, "findings": findings, **more}


def finding(name, *remedies):
    return {"name": name, "remedies": [{"id": r, "text": r, "change": c} for r, c in remedies]}


def test_first_remedy_is_the_first_change_of_the_first_finding():
    found = [
        finding("vanishing_gradients", ("relu_he", {"activation": "relu"})),
        finding("stagnant_loss", ("adaptive", {"optimizer": "adam"})),
    ]
    remedy = first_remedy(record("0", DEEP_SIGMOID, found))
    assert remedy["finding"] == "vanishing_gradients" and remedy["name"] == "relu_he"
    assert remedy["change"] == {"activation": "relu"}


def test_a_remedy_without_a_change_or_already_applied_is_skipped():
    found = [
        finding(
            "overfitting",
            ("more_data", {}),  # not a hyperparameter
            ("adaptive", {"optimizer": "sgd"}),  # what the trial has already
            ("l2", {"l2": 1e-4}),
        )
    ]
    assert first_remedy(record("0", DEEP_SIGMOID, found))["name"] == "l2"


def test_a_healthy_trial_or_one_without_a_usable_remedy_ends_the_chain():
    assert first_remedy(record("0", DEEP_SIGMOID, [])) is None
    assert (
        first_remedy(record("0", DEEP_SIGMOID, [finding("overfitting", ("more_data", {}))])) is None
    )
    assert random_remedy(record("0", DEEP_SIGMOID, []), random.Random(0)) is None


def test_remedies_from_a_real_diagnosis_change_the_trial():
    """The remedies the checks offer are worded for the trial's values, so the first one of a
    deep sigmoid network's vanishing gradients changes its activation."""
    epochs = 10
    layers = [f"dense_{i}" for i in range(1, 11)] + ["output"]
    series = {
        "layers": layers,
        "grad_rms": [[1e-9] + [1e-6] * 9 + [1e-2]] * epochs,
        "grad_norm": [[1e-8] + [1e-5] * 9 + [1e-1]] * epochs,
        "baseline_loss": 1.1,
        "task": "classification",
    }
    history = {"cross_entropy": [1.1] * epochs, "val_cross_entropy": [1.1] * epochs}
    params = resolve(DEEP_SIGMOID)
    found = diagnose(history, series, params, "cross_entropy")
    remedy = first_remedy(record("0", DEEP_SIGMOID, found))
    assert remedy["finding"] == "vanishing_gradients"
    assert remedy["change"] == {"activation": "relu", "initializer": "he_normal"}


def test_random_remedy_draws_from_the_whole_catalogue_with_its_seed():
    found = [finding("vanishing_gradients", ("relu_he", {"activation": "relu"}))]
    trial = record("0", DEEP_SIGMOID, found)
    drawn = {random_remedy(trial, random.Random(seed))["name"] for seed in range(40)}
    assert len(drawn) > 3  # not only the finding's own remedies
    again = [random_remedy(trial, random.Random(7))["name"] for _ in range(2)]
    assert again[0] == again[1]


def test_chain_orders_the_rounds_and_change_text_reads_them():
    rounds = [
        record("2", {}, [], repair_of="1"),
        record("0", {}, []),
        record("1", {}, [], repair_of="0"),
    ]
    assert [r["trial_id"] for r in chain(rounds)] == ["0", "1", "2"]
    assert chain([record("0", {}, [])]) == []
    text = change_text(DEEP_SIGMOID, {"activation": "relu", "learning_rate": 1e-4})
    assert text == "activation sigmoid → relu, learning_rate 0.001 → 0.0001"
