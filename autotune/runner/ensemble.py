"""An ensemble of the best trials (``--ensemble bagged``, the default, or ``greedy``).

Greedy ensemble selection with replacement (Caruana et al., 2004; AutoGluon's and
auto-sklearn's final step): start from nothing and, :data:`ROUNDS` times, add the trial whose
validation predictions most lower the validation loss of the running average; a trial may be
added again, so the weights are how often each was picked. The members are the first rounds'
picks up to the round with the lowest loss. The candidates are the :data:`CANDIDATES` best
completed trials; the loss is the search's own objective of the averaged predictions (the
``--metric``'s: by default the cross-entropy of the averaged class probabilities, or the mean
squared error of the averaged standardised predictions).

``--ensemble bagged`` repeats the selection over :data:`BAGS` random halves of the candidates
and averages the weights (Caruana et al.'s remedy for a small validation set).

The ensemble's validation score is optimistic (its weights were chosen on those rows); its
test score, on rows neither the search nor the selection saw, is not. When the selection keeps
one trial, the best trial is shipped alone. A bagged selection's average may score a little
below the greedy one on the validation rows: it trusts them less.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

CANDIDATES = 10  # the best completed trials the selection draws from
ROUNDS = 25  # selection steps (Caruana et al.'s and AutoGluon's choice)
BAGS = 20  # bagged selection: selections over random halves of the candidates (Caruana et al.)


def greedy_selection(
    predictions: list[np.ndarray], loss: Callable[[np.ndarray], float], rounds: int = ROUNDS
) -> tuple[list[int], float]:
    """How often each candidate is picked, and the loss of that weighted average.

    Args:
        predictions: each candidate's validation predictions, best-ranked first (a tie goes
            to the better-ranked candidate).
        loss: the loss of an averaged prediction (lower is better).
        rounds: how many picks, at most; the counts are those of the best round.
    """
    total = np.zeros_like(predictions[0], dtype="float64")
    counts = [0] * len(predictions)
    best_counts: list[int] = []
    best_loss = float("inf")
    for step in range(1, rounds + 1):
        losses = [loss((total + p) / step) for p in predictions]
        pick = int(np.nanargmin(losses))
        total += predictions[pick]
        counts[pick] += 1
        if not best_counts or losses[pick] < best_loss - 1e-9 * abs(best_loss):  # not rounding
            best_counts, best_loss = list(counts), float(losses[pick])
    return best_counts, best_loss


def bagged_selection(
    predictions: list[np.ndarray], loss: Callable[[np.ndarray], float], seed: int, bags: int = BAGS
) -> list[float]:
    """Each candidate's weight: the mean, over ``bags`` greedy selections each from a random
    half of the candidates (at least two), of its share of that selection's picks.

    Caruana et al.'s (2004) remedy for a selection that fits the noise of a small validation
    set: a trial that only helps by chance with one subset of partners loses its weight in
    the average over the others.
    """
    rng = np.random.default_rng(seed)
    size = max(2, len(predictions) // 2)
    weights = np.zeros(len(predictions))
    for _ in range(bags):
        bag = np.sort(rng.choice(len(predictions), size=size, replace=False))  # ranked order
        counts, _ = greedy_selection([predictions[i] for i in bag], loss)
        weights[bag] += np.array(counts) / sum(counts)
    return list(weights / bags)


def _weights(
    choice: str, predictions: list[np.ndarray], loss: Callable[[np.ndarray], float], seed: int
) -> tuple[list[float], str, str | None]:
    """The candidates' weights, the method that chose them, and why ``bagged`` fell back to
    ``greedy`` (None if it did not).

    A bagged average worse on the validation rows than the best trial alone is not shipped:
    with few candidates, most bags leave the best trial out (greedy's average is never worse
    than it)."""
    if choice == "bagged":
        weights = bagged_selection(predictions, loss, seed)
        bagged = loss(sum(w * p for w, p in zip(weights, predictions, strict=True)))
        alone = loss(predictions[0])
        if bagged <= alone:
            return weights, "bagged", None
        fallback = (
            f"the bagged average's validation loss {bagged:.4g} was above the best trial's "
            f"{alone:.4g}"
        )
    else:
        fallback = None
    counts, _ = greedy_selection(predictions, loss)
    return [n / sum(counts) for n in counts], "greedy", fallback


@dataclass
class Selection:
    """The chosen members (records, weights and networks, heaviest first), the best trial's
    own network (a member or not) and the selection's record for ``run.json``."""

    best: Any = None
    best_id: str = ""
    records: list[dict[str, Any]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    networks: list[Any] = field(default_factory=list)
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def ensembled(self) -> bool:
        return len(self.records) > 1

    @property
    def best_position(self) -> int | None:
        """Where the best trial is among the members (None: not one of them)."""
        ids = [r["trial_id"] for r in self.records]
        return ids.index(self.best_id) if self.best_id in ids else None


def select_members(
    search, problem, ranked: list[dict[str, Any]], choice: str, seed: int = 0
) -> Selection:
    """The members of the shipped model: several of the best trials, or the best alone.

    Args:
        search: the finished search (its :meth:`best_network` loads a trial's network).
        problem: the search problem (its validation rows and objective).
        ranked: the trials, ranked (``rank_trials``).
        choice: ``--ensemble`` (``bagged``, ``greedy`` or ``none``).
        seed: the bags' draws.
    """
    best = ranked[0]
    network = search.best_network(best["trial_id"])
    single = Selection(network, best["trial_id"], [best], [1.0], [network])
    why = "--ensemble none" if choice == "none" else problem.why_not_ensembled()
    candidates = [t for t in ranked[:CANDIDATES] if t.get("rank") is not None]
    if why is None and len(candidates) < 2:
        why = "only one trial completed"
    if why is not None:
        single.record = {"status": "off", "why": why}
        return single
    networks = single.networks + [search.best_network(t["trial_id"]) for t in candidates[1:]]
    predictions = [problem.val_predictions(network) for network in networks]
    weights, method, fallback = _weights(choice, predictions, problem.val_loss, seed)
    order = sorted((i for i, w in enumerate(weights) if w > 0), key=lambda i: (-weights[i], i))
    averaged = sum(weights[i] * predictions[i] for i in order)
    record = {
        "status": "done",
        "method": method,
        **({"fallback": fallback} if fallback else {}),
        "candidates": len(candidates),
        "score": float(problem.val_loss(averaged)),
        "best_single_score": float(problem.val_loss(predictions[0])),
        "members": [{"trial_id": candidates[i]["trial_id"], "weight": weights[i]} for i in order],
    }
    if len(order) == 1:
        # The best trial alone: no average beat it on the validation rows (the one trial kept
        # is the best, or one level with it on the search's own score).
        record.update(
            status="single",
            score=record["best_single_score"],
            why="no average of the best trials beat the best one on the validation rows",
            members=[{"trial_id": best["trial_id"], "weight": 1.0}],
        )
        single.record = record
        return single
    return Selection(
        network,
        best["trial_id"],
        [candidates[i] for i in order],
        [weights[i] for i in order],
        [networks[i] for i in order],
        record,
    )
