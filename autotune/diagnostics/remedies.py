"""Remedies for each finding, ordered by what a trial's own hyperparameters suggest.

Each remedy is ``{"id", "text", "change"}``: ``change`` maps hyperparameter names to the values
to try (empty when the remedy is not a hyperparameter, such as more data). A remedy that the
trial already applies is left out (no "add BatchNorm" to a trial that has it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from autotune.models.params import SATURATING

MATCHED_INIT = {
    "relu": "he",
    "leaky_relu": "he",
    "elu": "he",
    "gelu": "he",
    "swish": "he",
    "selu": "lecun",
    "tanh": "glorot",
    "sigmoid": "glorot",
}
DEEP = 6


def _remedy(rid: str, text: str, **change: Any) -> dict[str, Any]:
    return {"id": rid, "text": text, "change": change}


def _catalogue(p: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Every remedy, or None where the trial already applies it."""
    act, lr, n = (
        p.get("activation", "relu"),
        float(p.get("learning_rate", 1e-3)),
        p.get("n_layers", 2),
    )
    family = MATCHED_INIT.get(act, "he")
    init_ok = str(p.get("initializer", "he_normal")).startswith(family)
    matched = {"he": "he_normal", "glorot": "glorot_uniform", "lecun": "lecun_normal"}[family]
    return {
        "relu_he": None
        if act in ("relu", "leaky_relu")
        else _remedy(
            "relu_he",
            "Use a ReLU-family activation with He initialisation: its derivative is 1 "
            "for positive inputs, so gradients do not shrink layer after layer",
            activation="relu",
            initializer="he_normal",
        ),
        "init": None
        if init_ok
        else _remedy(
            "init",
            f"Initialise for the activation: {matched} for {act} keeps the signal's "
            "variance stable across layers",
            initializer=matched,
        ),
        "batch_norm": None
        if p.get("batch_norm")
        else _remedy(
            "batch_norm",
            "Add BatchNormalization after each hidden layer: it keeps activations "
            "out of the saturated range",
            batch_norm=True,
        ),
        "residual": None
        if p.get("residual")
        else _remedy(
            "residual",
            "Add residual (skip) connections so the gradient can bypass layers",
            residual=True,
        ),
        "shallower": None
        if n <= 2
        else _remedy(
            "shallower",
            f"Use fewer hidden layers ({n} -> {max(2, n // 2)}): fewer factors in "
            "the chain rule, at the cost of capacity",
            n_layers=max(2, n // 2),
        ),
        "clipnorm": None
        if p.get("clipnorm")
        else _remedy(
            "clipnorm",
            "Clip gradients by norm (clipnorm 1.0): the standard fix for explosions",
            clipnorm=1.0,
        ),
        "lower_lr": _remedy(
            "lower_lr", f"Lower the learning rate ({lr:g} -> {lr / 10:g})", learning_rate=lr / 10
        ),
        "raise_lr": _remedy(
            "raise_lr", f"Raise the learning rate ({lr:g} -> {lr * 10:g})", learning_rate=lr * 10
        ),
        "leaky_relu": None
        if act != "relu"
        else _remedy(
            "leaky_relu",
            "Use leaky_relu (or elu): units with negative inputs still pass a "
            "gradient, so they can come back",
            activation="leaky_relu",
        ),
        "adaptive": None
        if p.get("optimizer") != "sgd"
        else _remedy(
            "adaptive",
            "Use an adaptive optimizer (Adam, RMSprop, Adagrad) instead of plain SGD",
            optimizer="adam",
        ),
        "bigger_batch": _remedy(
            "bigger_batch",
            f"Use larger batches ({p.get('batch_size', 32)} -> "
            f"{2 * int(p.get('batch_size', 32))}) for smoother gradient estimates",
            batch_size=2 * int(p.get("batch_size", 32)),
        ),
        "dropout": _remedy(
            "dropout",
            f"{'Raise' if p.get('dropout') else 'Add'} dropout after hidden layers "
            f"({p.get('dropout', 0):g} -> {min(0.5, float(p.get('dropout', 0)) + 0.2):g})",
            dropout=min(0.5, float(p.get("dropout", 0)) + 0.2),
        ),
        "l2": _remedy(
            "l2",
            f"{'Raise' if p.get('l2') else 'Add'} the L2 weight penalty "
            f"({p.get('l2', 0):g} -> {max(1e-4, float(p.get('l2', 0)) * 10):g})",
            l2=max(1e-4, float(p.get("l2", 0)) * 10),
        ),
        "smaller": _remedy(
            "smaller",
            "Use a smaller network (fewer or narrower layers)",
            units=max(8, int(p.get("units", 64)) // 2),
        ),
        "more_data": _remedy(
            "more_data",
            "Get more data, or start from a pre-trained model (transfer learning) and fine-tune it",
        ),
    }


# Candidates per finding, in their default order; _ORDER rules below move some first.
_CANDIDATES = {
    "vanishing_gradients": ["relu_he", "init", "batch_norm", "residual", "adaptive", "shallower"],
    "saturation": ["relu_he", "batch_norm", "init", "lower_lr"],
    "exploding_gradients": ["clipnorm", "lower_lr", "batch_norm", "init", "relu_he"],
    "nan_loss": ["clipnorm", "lower_lr", "batch_norm", "init"],
    "dying_relu": ["leaky_relu", "lower_lr", "init", "batch_norm"],
    "stalled_weights": ["adaptive", "raise_lr", "relu_he", "batch_norm", "init"],
    "stagnant_loss": ["adaptive", "raise_lr", "relu_he", "batch_norm", "init"],
    "oscillating_loss": ["lower_lr", "bigger_batch", "clipnorm", "batch_norm"],
    "slow_convergence": ["adaptive", "raise_lr", "batch_norm", "init"],
    "overfitting": ["dropout", "l2", "smaller", "more_data"],
}


def _first(order: list[str], rid: str) -> list[str]:
    return [rid] + [r for r in order if r != rid] if rid in order else order


def remedies_for(finding: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The remedies for ``finding``, the most promising for this trial first."""
    order = list(_CANDIDATES[finding])
    act, n, lr = params.get("activation"), params.get("n_layers", 2), params.get("learning_rate")
    if finding in ("vanishing_gradients", "stagnant_loss", "stalled_weights"):
        if act in SATURATING and n >= DEEP:
            order = _first(order, "relu_he")  # deep + sigmoid/tanh: the activation first
        elif act in SATURATING:
            order = _first(_first(order, "batch_norm"), "relu_he")
    if finding in ("stagnant_loss", "slow_convergence") and lr is not None and lr < 1e-3:
        order = _first(order, "raise_lr")
    if finding in ("exploding_gradients", "nan_loss") and params.get("clipnorm"):
        order = _first(order, "lower_lr")  # clipping is on already: the step size is next
    if finding == "overfitting" and params.get("dropout") and not params.get("l2"):
        order = _first(order, "l2")
    catalogue = _catalogue(params)
    return [catalogue[r] for r in order if catalogue.get(r)]


def leading_remedies(
    findings: Iterable[dict[str, Any]], first: int = 1
) -> list[tuple[dict[str, Any], int]]:
    """The remedies that led the given findings (each finding's first ``first``), most
    frequent first, with how many findings put them there; each as its first finding worded
    it (ties keep the order they were met in)."""
    counts: Counter = Counter()
    worded: dict[str, dict[str, Any]] = {}
    for finding in findings:
        for remedy in (finding.get("remedies") or [])[:first]:
            counts[remedy["id"]] += 1
            worded.setdefault(remedy["id"], remedy)
    return [(worded[rid], n) for rid, n in counts.most_common()]
