"""The remedies a finding may suggest: each a concrete change of the trial's hyperparameters.

A remedy is ``{"id", "text", "change"}``: ``change`` maps hyperparameter names to the values
to try (empty when the remedy is not a hyperparameter, such as more data). Its text and
change follow the trial's own values ("Lower the learning rate (0.01 -> 0.001)"). A remedy
that the trial already applies is not offered (no "add BatchNorm" to a trial that has it).
Which remedies a finding offers, and in what order, is the finding's own
(:mod:`autotune.diagnostics`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autotune.vocabulary import SATURATING

# The initialisation family that keeps each activation's signal variance stable.
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
MATCHED_INITIALIZER = {"he": "he_normal", "glorot": "glorot_uniform", "lecun": "lecun_normal"}

Remedy = dict[str, Any]


def _remedy(rid: str, text: str, **change: Any) -> Remedy:
    return {"id": rid, "text": text, "change": change}


def _relu_he(p: dict[str, Any]) -> Remedy | None:
    if p.get("activation", "relu") in ("relu", "leaky_relu"):
        return None
    return _remedy(
        "relu_he",
        "Use a ReLU-family activation with He initialisation: its derivative is 1 for positive "
        "inputs, so gradients do not shrink layer after layer",
        activation="relu",
        initializer="he_normal",
    )


def _init(p: dict[str, Any]) -> Remedy | None:
    act = p.get("activation", "relu")
    family = MATCHED_INIT.get(act, "he")
    if str(p.get("initializer", "he_normal")).startswith(family):
        return None
    matched = MATCHED_INITIALIZER[family]
    return _remedy(
        "init",
        f"Initialise for the activation: {matched} for {act} keeps the signal's variance "
        "stable across layers",
        initializer=matched,
    )


def _batch_norm(p: dict[str, Any]) -> Remedy | None:
    if p.get("batch_norm"):
        return None
    return _remedy(
        "batch_norm",
        "Add BatchNormalization after each hidden layer: it keeps activations out of the "
        "saturated range",
        batch_norm=True,
    )


def _residual(p: dict[str, Any]) -> Remedy | None:
    if p.get("residual"):
        return None
    return _remedy(
        "residual",
        "Add residual (skip) connections so the gradient can bypass layers",
        residual=True,
    )


def _shallower(p: dict[str, Any]) -> Remedy | None:
    n = p.get("n_layers", 2)
    if n <= 2:
        return None
    return _remedy(
        "shallower",
        f"Use fewer hidden layers ({n} -> {max(2, n // 2)}): fewer factors in the chain rule, "
        "at the cost of capacity",
        n_layers=max(2, n // 2),
    )


def _clipnorm(p: dict[str, Any]) -> Remedy | None:
    if p.get("clipnorm"):
        return None
    return _remedy(
        "clipnorm", "Clip gradients by norm (clipnorm 1.0): the standard fix for explosions",
        clipnorm=1.0,
    )  # fmt: skip


def _lr(p: dict[str, Any]) -> float:
    return float(p.get("learning_rate", 1e-3))


# Keras' default learning rate of each optimizer: a rate ten times it or more is far too
# large a step for most networks.
KERAS_LEARNING_RATE = {"sgd": 0.01, "adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3, "adagrad": 1e-3}
FAR_ABOVE = 10


def _keras_lr(p: dict[str, Any]) -> float:
    return KERAS_LEARNING_RATE.get(p.get("optimizer", "adam"), 1e-3)


def far_too_large(p: dict[str, Any]) -> float | None:
    """The optimizer's default learning rate, when the trial's is at least ten times it."""
    default = _keras_lr(p)
    return default if _lr(p) >= FAR_ABOVE * default else None


def _lower_lr(p: dict[str, Any]) -> Remedy:
    lr, default = _lr(p), _keras_lr(p)
    if lr > FAR_ABOVE * default:  # the default is a bigger step down than a tenth
        return _remedy(
            "lower_lr",
            f"Lower the learning rate to {p.get('optimizer', 'adam')}'s default "
            f"({lr:g} -> {default:g}): it is {lr / default:.0f} times it",
            learning_rate=default,
        )
    return _remedy(
        "lower_lr", f"Lower the learning rate ({lr:g} -> {lr / 10:g})", learning_rate=lr / 10
    )


def _raise_lr(p: dict[str, Any]) -> Remedy:
    lr, default = _lr(p), _keras_lr(p)
    if lr * FAR_ABOVE < default:  # the default is a bigger step up than ten times
        share = f"1/{default / lr:.0f} of it" if lr > 0 else "zero"
        return _remedy(
            "raise_lr",
            f"Raise the learning rate to {p.get('optimizer', 'adam')}'s default "
            f"({lr:g} -> {default:g}): it is {share}",
            learning_rate=default,
        )
    return _remedy(
        "raise_lr", f"Raise the learning rate ({lr:g} -> {lr * 10:g})", learning_rate=lr * 10
    )


def _leaky_relu(p: dict[str, Any]) -> Remedy | None:
    if p.get("activation", "relu") != "relu":
        return None
    return _remedy(
        "leaky_relu",
        "Use leaky_relu (or elu): units with negative inputs still pass a gradient, so they can "
        "come back",
        activation="leaky_relu",
    )


def _adaptive(p: dict[str, Any]) -> Remedy | None:
    if p.get("optimizer") != "sgd":
        return None
    return _remedy(
        "adaptive", "Use an adaptive optimizer (Adam, RMSprop, Adagrad) instead of plain SGD",
        optimizer="adam",
    )  # fmt: skip


def _bigger_batch(p: dict[str, Any]) -> Remedy:
    batch = int(p.get("batch_size", 32))
    return _remedy(
        "bigger_batch",
        f"Use larger batches ({p.get('batch_size', 32)} -> {2 * batch}) for smoother gradient "
        "estimates",
        batch_size=2 * batch,
    )


def _dropout(p: dict[str, Any]) -> Remedy:
    new = min(0.5, float(p.get("dropout", 0)) + 0.2)
    verb = "Raise" if p.get("dropout") else "Add"
    return _remedy(
        "dropout", f"{verb} dropout after hidden layers ({p.get('dropout', 0):g} -> {new:g})",
        dropout=new,
    )  # fmt: skip


def _l2(p: dict[str, Any]) -> Remedy:
    new = max(1e-4, float(p.get("l2", 0)) * 10)
    verb = "Raise" if p.get("l2") else "Add"
    return _remedy("l2", f"{verb} the L2 weight penalty ({p.get('l2', 0):g} -> {new:g})", l2=new)


def _smaller(p: dict[str, Any]) -> Remedy:
    return _remedy(
        "smaller", "Use a smaller network (fewer or narrower layers)",
        units=max(8, int(p.get("units", 64)) // 2),
    )  # fmt: skip


def _more_data(p: dict[str, Any]) -> Remedy:
    return _remedy(
        "more_data",
        "Get more data, or start from a pre-trained model (transfer learning) and fine-tune it",
    )


REMEDIES: dict[str, Callable[[dict[str, Any]], Remedy | None]] = {
    "relu_he": _relu_he,
    "init": _init,
    "batch_norm": _batch_norm,
    "residual": _residual,
    "shallower": _shallower,
    "clipnorm": _clipnorm,
    "lower_lr": _lower_lr,
    "raise_lr": _raise_lr,
    "leaky_relu": _leaky_relu,
    "adaptive": _adaptive,
    "bigger_batch": _bigger_batch,
    "dropout": _dropout,
    "l2": _l2,
    "smaller": _smaller,
    "more_data": _more_data,
}


def remedy(rid: str, params: dict[str, Any]) -> Remedy | None:
    """The remedy ``rid`` worded for a trial's hyperparameters, or None when it applies it."""
    return REMEDIES[rid](params)


# Remedy orders that several findings share: each moves a remedy first for a trial's values.
DEEP = 6  # a saturating activation at this depth or deeper: the activation first


def moved_first(order: list[str], rid: str) -> list[str]:
    """``order`` with ``rid`` moved to the front (when it is in it)."""
    return [rid] + [r for r in order if r != rid] if rid in order else order


def activation_first(order: list[str], params: dict[str, Any]) -> list[str]:
    """sigmoid / tanh: ReLU + He first (deep: that alone; shallow: then BatchNorm)."""
    if params.get("activation") not in SATURATING:
        return order
    if params.get("n_layers", 2) >= DEEP:
        return moved_first(order, "relu_he")
    return moved_first(moved_first(order, "batch_norm"), "relu_he")


def raise_small_lr_first(order: list[str], params: dict[str, Any]) -> list[str]:
    """A learning rate below 1e-3: raising it first."""
    lr = params.get("learning_rate")
    return moved_first(order, "raise_lr") if lr is not None and lr < 1e-3 else order


def step_size_first_when_far_too_large(order: list[str], params: dict[str, Any]) -> list[str]:
    """A learning rate ten times the optimizer's default or more: lowering it first (a
    clipped or normalised step of that size is still too large)."""
    return moved_first(order, "lower_lr") if far_too_large(params) else order


def step_size_first_when_clipped(order: list[str], params: dict[str, Any]) -> list[str]:
    """Clipping is on already: the step size is next."""
    return moved_first(order, "lower_lr") if params.get("clipnorm") else order
