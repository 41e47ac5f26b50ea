"""Local moves in a search space: an incumbent's values with one or two entries moved to a
neighbouring value, for the search's refining trials (:mod:`autotune.tuning.oracles`)."""

from __future__ import annotations

import random
from typing import Any

from autotune.backend import kt


def neighbour(hp, value: Any, rng: random.Random) -> Any:
    """A value next to ``value`` in ``hp``'s range: the next choice up or down, an integer one
    step away, a float a factor of two away on a log scale (one step on a linear one), a
    boolean flipped; at an edge of the range, the one neighbour inside it. ``value`` itself
    for a fixed entry."""
    if isinstance(hp, kt.engine.hyperparameters.Boolean):
        return not value
    if isinstance(hp, kt.engine.hyperparameters.Choice):
        values = list(hp.values)
        if value not in values or len(values) == 1:
            return value
        position = values.index(value)
        inside = [p for p in (position - 1, position + 1) if 0 <= p < len(values)]
        return values[rng.choice(inside)]
    if isinstance(hp, kt.engine.hyperparameters.Int | kt.engine.hyperparameters.Float):
        direction = rng.choice((-1, 1))
        moved = _numeric(hp, value, direction)
        return moved if moved != value else _numeric(hp, value, -direction)
    return value


def _numeric(hp, value: float, direction: int) -> float:
    if hp.sampling == "log" and value > 0:
        moved = value * 2.0**direction
    else:
        step = hp.step or (1 if isinstance(hp, kt.engine.hyperparameters.Int) else None)
        moved = value + direction * (step or (hp.max_value - hp.min_value) / 10)
    moved = min(max(moved, hp.min_value), hp.max_value)
    if isinstance(hp, kt.engine.hyperparameters.Int):
        return int(round(moved))
    return round(float(moved), 10)


def perturbed(
    hyperparameters, values: dict[str, Any], rng: random.Random, moves: int = 2
) -> dict[str, Any]:
    """``values`` with ``moves`` of its tunable entries that act (a conditional entry acts
    where its parent's value says so) moved to a neighbour."""
    hps = hyperparameters.copy()
    hps.values = dict(values)
    tunable = [
        hp
        for hp in hps.space
        if not isinstance(hp, kt.engine.hyperparameters.Fixed)
        and hp.name in values
        and hps.is_active(hp)
    ]
    for hp in rng.sample(tunable, min(moves, len(tunable))):
        hps.values[hp.name] = neighbour(hp, hps.values[hp.name], rng)
    return active_values(hyperparameters, hps.values)  # a moved parent switches children


def active_values(hyperparameters, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with only the entries that act under them: a conditional entry whose parent
    says it does not act is left out, one that acts but is missing gets its default."""
    hps = hyperparameters.copy()
    hps.values = dict(values)
    for hp in hps.space:
        if not hps.is_active(hp):
            hps.values.pop(hp.name, None)
        elif hp.name not in hps.values:
            hps.values[hp.name] = hp.default
    return hps.values
