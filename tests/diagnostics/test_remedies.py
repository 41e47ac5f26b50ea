"""Remedies worded for the trial, and left out where the trial already applies them."""

from __future__ import annotations

import pytest

from autotune.diagnostics.remedies import (
    REMEDIES,
    activation_first,
    moved_first,
    raise_small_lr_first,
    remedy,
)
from autotune.vocabulary import resolve


def test_changes_follow_the_trials_own_values():
    p = resolve({"learning_rate": 0.01, "dropout": 0.2, "batch_size": 16, "n_layers": 8})
    assert remedy("lower_lr", p)["change"] == {"learning_rate": pytest.approx(0.001)}
    assert remedy("dropout", p)["text"] == "Raise dropout after hidden layers (0.2 -> 0.4)"
    assert remedy("bigger_batch", p)["change"] == {"batch_size": 32}
    assert remedy("shallower", p)["change"] == {"n_layers": 4}


def test_what_the_trial_already_does_is_not_offered():
    p = resolve({"batch_norm": True, "residual": True, "clipnorm": 1.0, "activation": "relu"})
    assert [remedy(r, p) for r in ("batch_norm", "residual", "clipnorm", "relu_he")] == [None] * 4
    assert remedy("init", resolve({"activation": "tanh", "initializer": "glorot_normal"})) is None
    assert remedy("init", resolve({"activation": "tanh"}))["change"] == {
        "initializer": "glorot_uniform"
    }


def test_every_remedy_is_worded_for_the_default_trial():
    for rid in REMEDIES:
        made = remedy(rid, resolve({"activation": "sigmoid", "optimizer": "sgd", "n_layers": 4}))
        assert made is None or (made["id"] == rid and made["text"]), rid


def test_orders():
    assert moved_first(["a", "b", "c"], "c") == ["c", "a", "b"]
    assert moved_first(["a"], "z") == ["a"]
    order = ["adaptive", "raise_lr", "relu_he", "batch_norm"]
    shallow = activation_first(order, resolve({"activation": "tanh", "n_layers": 2}))
    assert shallow[:2] == ["relu_he", "batch_norm"]
    assert raise_small_lr_first(order, resolve({"learning_rate": 0.01})) == order


def test_a_learning_rate_far_above_the_optimizers_default_is_lowered_to_it_first():
    from autotune.diagnostics import diagnose

    p = resolve({"optimizer": "sgd", "learning_rate": 10.0})
    assert remedy("lower_lr", p)["change"] == {"learning_rate": 0.01}
    assert "sgd's default (10 -> 0.01)" in remedy("lower_lr", p)["text"]
    assert remedy("lower_lr", resolve({"optimizer": "adam", "learning_rate": 0.005}))["change"] == {
        "learning_rate": pytest.approx(0.0005)
    }
    history = {"loss": [1.0, float("nan")], "cross_entropy": [1.0, float("nan")]}
    found = diagnose(history, None, p, "cross_entropy")
    assert found[0]["name"] == "nan_loss" and found[0]["remedies"][0]["id"] == "lower_lr"


def test_a_learning_rate_far_below_the_optimizers_default_is_raised_to_it():
    p = resolve({"optimizer": "sgd", "learning_rate": 1e-6})
    assert remedy("raise_lr", p)["change"] == {"learning_rate": 0.01}
    assert "sgd's default (1e-06 -> 0.01)" in remedy("raise_lr", p)["text"]
    near = resolve({"optimizer": "adam", "learning_rate": 5e-4})
    assert remedy("raise_lr", near)["change"] == {"learning_rate": pytest.approx(5e-3)}
