"""The shared vocabulary: hyperparameter names, defaults and allowed values, the search
objective, and how a trial's values read in one line.

Search spaces, model builders, ``diagnose`` configurations, ``trials.csv`` columns, the
terminal and the report all use these names. A name that a search space does not declare
takes the default below. Imports nothing of autotune's; no TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

INF = float("inf")


@dataclass(frozen=True)
class Param:
    default: Any
    help: str
    values: tuple[Any, ...] | None = None  # allowed values for categorical names
    low: float | None = None  # inclusive numeric bounds of a search space's entry
    high: float | None = None
    kind: type = float
    # What Keras itself accepts, where it is wider than the search bounds: a fixed
    # ``diagnose`` configuration may hold any of it (an odd value is worth diagnosing).
    accepts: tuple[float, float] | None = None


ACTIVATIONS = ("relu", "leaky_relu", "elu", "selu", "gelu", "swish", "tanh", "sigmoid")
INITIALIZERS = (
    "he_normal",
    "he_uniform",
    "glorot_normal",
    "glorot_uniform",
    "lecun_normal",
    "random_normal",
)
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
# Activation families the diagnostics treat alike.
RELU_FAMILY = ("relu", "leaky_relu")  # units can die: zero output, zero gradient
SATURATING = ("sigmoid", "tanh")  # units can saturate: flat ends, vanishing derivative

# What a run learns: ``auto`` infers classification or regression from the target.
TASKS = ("auto", "classification", "regression")
# How a table's numbers are scaled: ``robust`` (median and quartiles, then a smooth clip,
# RealMLP's inputs; Holzmüller et al. 2024) or ``standard`` (mean and standard deviation).
SCALINGS = ("robust", "standard")
# How a table's numeric columns reach the hidden layers (:mod:`autotune.models.embeddings`).
NUM_EMBEDDINGS = ("none", "periodic", "piecewise_linear")

# The search objective: the validation loss *without* the L1/L2 penalty that Keras adds to
# val_loss, so that trials with different penalties compare fairly. Lower is better.
LOSS_METRICS = {"classification": "cross_entropy", "regression": "mse"}
# What ``--metric`` may choose: the score the search ranks trials by, early stopping watches
# and the ensemble is selected on (:mod:`autotune.metrics` computes them).
METRICS = {
    "classification": ("log_loss", "accuracy", "balanced_accuracy", "roc_auc", "f1", "macro_f1"),
    "regression": ("mse", "rmse", "mae", "r2"),
}
DEFAULT_METRIC = {"classification": "log_loss", "regression": "mse"}
TWO_CLASS_METRICS = ("roc_auc", "f1")
# Metrics whose order of trials is the loss metric's on the same rows: rmse is a root of the
# mse, and r2 is 1 - mse / (the validation target's variance).
SAME_ORDER_AS_LOSS = ("log_loss", "mse", "rmse", "r2")
# Greater-is-better metrics are searched as their error, ``1 - value``: lower is better
# everywhere a score is compared.
GREATER_IS_BETTER = ("accuracy", "balanced_accuracy", "roc_auc", "f1", "macro_f1", "r2")


def metric_of(task: str, metric: str | None = None) -> str:
    """The metric a run ranks by: ``metric``, or the task's default when None or ``auto``."""
    return DEFAULT_METRIC[task] if metric in (None, "auto") else metric


def objective_name(task: str, metric: str | None = None) -> str:
    """The logged key the search minimises for the task and ``--metric``:
    ``val_cross_entropy`` and ``val_mse`` (the loss metrics Keras logs, also for rmse and r2,
    which order trials alike), ``val_mae``, or ``val_<metric>_error`` (1 - the metric)."""
    metric = metric_of(task, metric)
    if metric in SAME_ORDER_AS_LOSS:
        return f"val_{LOSS_METRICS[task]}"
    return f"val_{metric}" if metric not in GREATER_IS_BETTER else f"val_{metric}_error"


MLP_PARAMS: dict[str, Param] = {
    "num_embedding": Param(
        "none",
        "tables: each numeric column embedded before the hidden layers (periodic: learnt "
        "frequencies, RealMLP's PBLD; piecewise_linear: bins from the training quantiles)",
        values=NUM_EMBEDDINGS,
        kind=str,
    ),
    "n_layers": Param(2, "number of hidden layers", low=0, high=64, kind=int),
    "units": Param(64, "width of the first hidden layer", low=1, high=8192, kind=int),
    "shrink": Param(
        0.5,
        "pyramid factor: each next hidden layer has round(previous * shrink) units",
        low=0.05,
        high=1.0,
    ),
    "min_units": Param(
        8, "narrowest hidden layer the pyramid may reach", low=1, high=8192, kind=int
    ),
    "activation": Param("relu", "hidden-layer activation", values=ACTIVATIONS, kind=str),
    "initializer": Param("he_normal", "kernel initializer", values=INITIALIZERS, kind=str),
    "batch_norm": Param(False, "BatchNormalization after each hidden Dense", kind=bool),
    "residual": Param(
        False, "skip connections around hidden layers (projection where widths differ)", kind=bool
    ),
    "dropout": Param(0.0, "dropout rate after each hidden layer", low=0.0, high=0.95),
    "l1": Param(
        0.0, "L1 kernel regularisation factor (0 = off)", low=0.0, high=1.0, accepts=(0.0, INF)
    ),
    "l2": Param(
        0.0, "L2 kernel regularisation factor (0 = off)", low=0.0, high=1.0, accepts=(0.0, INF)
    ),
    "optimizer": Param("adam", "optimizer", values=OPTIMIZERS, kind=str),
    "learning_rate": Param(
        1e-3, "optimizer learning rate", low=1e-7, high=10.0, accepts=(0.0, INF)
    ),
    "momentum": Param(0.0, "momentum (sgd only)", low=0.0, high=0.999, accepts=(0.0, 1.0)),
    "weight_decay": Param(
        0.02,
        "decoupled weight decay (adamw only): each step shrinks the weights by learning rate "
        "x weight_decay",
        low=0.0,
        high=10.0,
        accepts=(0.0, INF),
    ),
    "label_smoothing": Param(
        0.0,
        "classification: the training targets' share spread evenly over the classes (0 = off)",
        low=0.0,
        high=0.5,
    ),
    "clipnorm": Param(
        0.0, "gradient clipping by norm (0 = off)", low=0.0, high=1e6, accepts=(0.0, INF)
    ),
    "batch_size": Param(32, "mini-batch size", low=1, high=65536, kind=int),
    "lr_schedule": Param(
        "constant",
        "learning-rate schedule per epoch",
        values=("constant", "warmup", "cosine", "warmup_cosine"),
        kind=str,
    ),
    "warmup_epochs": Param(3, "epochs of linear learning-rate warm-up", low=0, high=1000, kind=int),
}


# Entries that act only in classification: a regression search leaves them out of its space.
CLASSIFICATION_ONLY = ("label_smoothing",)

# Entries that act only under some values of another (a parent): a space draws them only
# there (KerasTuner's conditional hyperparameters), and a trial's values leave them out
# elsewhere.
CONDITIONS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "momentum": ("optimizer", ("sgd",)),
    "weight_decay": ("optimizer", ("adamw",)),
    "warmup_epochs": ("lr_schedule", ("warmup", "warmup_cosine")),
}


BACKBONES = ("none", "vgg16", "resnet50")
# ``--backbone``: a backbone, or ``auto`` (chosen from the class sizes).
BACKBONE_CHOICES = ("auto", *BACKBONES)

# Image runs: the same head (the names above) on a CNN from scratch or a pretrained backbone.
IMAGE_PARAMS: dict[str, Param] = {
    "backbone": Param(
        "none",
        "image runs: a pretrained backbone whose frozen features feed the head (none: a CNN "
        "trained from scratch on the pixels)",
        values=BACKBONES,
        kind=str,
    ),
    "conv_blocks": Param(
        2,
        "CNN from scratch: convolution blocks (3x3 convolution, then 2x2 max-pooling)",
        low=1,
        high=8,
        kind=int,
    ),
    "filters": Param(
        32,
        "CNN from scratch: filters of the first block, doubling per block",
        low=1,
        high=1024,
        kind=int,
    ),
    "augment": Param(
        False,
        "CNN from scratch: random flips, small rotations and zooms while training",
        kind=bool,
    ),
}
PARAMS: dict[str, Param] = {**MLP_PARAMS, **IMAGE_PARAMS}


def resolve(values: dict[str, Any], params: dict[str, Param] = MLP_PARAMS) -> dict[str, Any]:
    """Every known name with its value: the given one, else the default."""
    return {name: values.get(name, param.default) for name, param in params.items()}


def check_value(
    name: str, value: Any, params: dict[str, Param] = MLP_PARAMS, *, fixed: bool = False
) -> str | None:
    """Why ``value`` is not allowed for ``name``, or None when it is.

    ``fixed``: the value of a fixed configuration (``diagnose``), checked against what Keras
    accepts (:attr:`Param.accepts`) rather than a search space's bounds.
    """
    param = params[name]
    if param.values is not None:
        if value not in param.values:
            return f"{value!r} is not one of {', '.join(map(str, param.values))}"
        return None
    if param.kind is bool:
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number"
    if param.kind is int and float(value) != int(value):
        return f"{value!r} is not a whole number"
    low, high = param.accepts if fixed and param.accepts else (param.low, param.high)
    if low is not None and value < low:
        return f"{value!r} is below the smallest allowed value {low}"
    if high is not None and value > high:
        return f"{value!r} is above the largest allowed value {high}"
    return None


def pyramid_widths(n_layers: int, units: int, shrink: float, min_units: int = 8) -> list[int]:
    """Hidden-layer widths: ``units``, then each ``round(previous * shrink)``, floored.

    >>> pyramid_widths(4, 256, 0.5)
    [256, 128, 64, 32]
    >>> pyramid_widths(3, 16, 0.25)
    [16, 8, 8]
    """
    widths: list[int] = []
    width = int(units)
    for _ in range(int(n_layers)):
        widths.append(width)
        width = max(min(int(min_units), int(units)), int(round(width * shrink)))
    return widths


def initializer_of(p: dict[str, Any]) -> str:
    """The kernel initializer a trial's hidden layers get: ``lecun_normal`` under ``selu``.

    SELU's self-normalising property holds only with LeCun-normal weights (Klambauer et al.,
    2017), so a ``selu`` trial uses it whatever ``initializer`` says.
    """
    return "lecun_normal" if p["activation"] == "selu" else p["initializer"]


def image_base(values: dict[str, Any]) -> str:
    """What an image trial's head sits on (``vgg16 + ``, ``cnn 3x32 + ``); "" for a table."""
    p = resolve(values, PARAMS)
    if p["backbone"] != "none":
        return f"{p['backbone']} + "
    if "conv_blocks" in values:
        return f"cnn {p['conv_blocks']}x{p['filters']}{' augment' if p['augment'] else ''} + "
    return ""


def extras_of(p: dict[str, Any]) -> list[str]:
    """The levers a trial switched on, in words: ``residual``, ``dropout 0.2``, ``cosine``."""
    extras = [p["num_embedding"]] if p["num_embedding"] != "none" else []
    extras += [name for name in ("batch_norm", "residual") if p[name]]
    extras += [f"{n} {p[n]:g}" for n in ("dropout", "l1", "l2", "clipnorm") if p[n]]
    if p["optimizer"] == "sgd" and p["momentum"]:
        extras.append(f"momentum {p['momentum']:g}")
    if p["optimizer"] == "adamw":
        extras.append(f"weight_decay {p['weight_decay']:g}")
    if p["label_smoothing"]:
        extras.append(f"label_smoothing {p['label_smoothing']:g}")
    if p["lr_schedule"] != "constant":
        warm = f" {p['warmup_epochs']}" if p["lr_schedule"].startswith("warmup") else ""
        extras.append(f"{p['lr_schedule']}{warm}")
    return extras


def describe_trial(values: dict[str, Any]) -> str:
    """A one-line summary of a trial's architecture and optimiser."""
    p = resolve(values)
    widths = pyramid_widths(p["n_layers"], p["units"], p["shrink"], p["min_units"])
    extras = extras_of(p)
    return image_base(values) + (
        f"[{'-'.join(map(str, widths)) or 'linear'}] {p['activation']} {initializer_of(p)} "
        f"{p['optimizer']} lr {p['learning_rate']:.2g} batch {p['batch_size']}"
        + (" " + " ".join(extras) if extras else "")
    )


def describe_change(changed: dict[str, list]) -> str:
    """``clipnorm 0 -> 1, dropout 0.1 -> 0.2``: a guided intervention's changes."""
    return ", ".join(
        f"{name} {_short(old)} -> {_short(new)}" for name, (old, new) in changed.items()
    )


def _short(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
