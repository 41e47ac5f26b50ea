from __future__ import annotations

import random

from autotune.spaces import load_space
from autotune.tuning.neighbours import neighbour, perturbed


def _hp(name):
    return next(h for h in load_space("mlp").to_hyperparameters().space if h.name == name)


def test_a_neighbour_is_one_step_away():
    rng = random.Random(0)
    assert {neighbour(_hp("units"), 128, rng) for _ in range(20)} == {64, 256}
    assert neighbour(_hp("units"), 512, random.Random(1)) in (256, 512)  # at the edge
    assert {neighbour(_hp("n_layers"), 3, rng) for _ in range(20)} == {2, 4}
    assert {neighbour(_hp("learning_rate"), 1e-3, rng) for _ in range(20)} == {5e-4, 2e-3}
    assert {neighbour(_hp("dropout"), 0.2, rng) for _ in range(20)} == {0.1, 0.3}
    assert neighbour(_hp("batch_norm"), False, rng) is True


def test_perturbed_moves_two_acting_entries_and_keeps_conditions_consistent():
    hyperparameters = load_space("mlp").to_hyperparameters()
    values = {hp.name: hp.default for hp in hyperparameters.space}
    del values["momentum"], values["warmup_epochs"]  # adam, constant: they do not act
    for seed in range(30):
        moved = perturbed(hyperparameters, values, random.Random(seed))
        changed = [n for n in moved if moved[n] != values.get(n)]
        assert 1 <= len(changed) <= 4  # two moves, each may switch a child on
        assert ("momentum" in moved) == (moved["optimizer"] == "sgd")
        assert ("warmup_epochs" in moved) == (moved["lr_schedule"].startswith("warmup"))
