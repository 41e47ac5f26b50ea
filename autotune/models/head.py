"""The pyramid head every network ends in: hidden Dense layers wide first, narrowing with
depth (BatchNorm, activation, residual connections, dropout), then the task's output layer.

The MLP of a table puts it on the encoded columns, the image models on a CNN's pooled
features or a backbone's; they share it by calling these functions.
"""

from __future__ import annotations

from typing import Any

from autotune.backend import keras

from autotune.models.optim import compile_args
from autotune.vocabulary import initializer_of, pyramid_widths

layers = keras.layers


def regularizer_of(p: dict[str, Any]):
    """The kernel regulariser of the trial's L1 / L2 factors, or None."""
    return keras.regularizers.L1L2(l1=p["l1"], l2=p["l2"]) if p["l1"] or p["l2"] else None


def hidden_layers(x, p: dict[str, Any]):
    """The pyramid of hidden Dense layers (BatchNorm, activation, residual, dropout) on ``x``."""
    regularizer = regularizer_of(p)
    widths = pyramid_widths(p["n_layers"], p["units"], p["shrink"], p["min_units"])
    for depth, width in enumerate(widths, start=1):
        shortcut = x
        x = layers.Dense(
            width,
            kernel_initializer=initializer_of(p),
            kernel_regularizer=regularizer,
            use_bias=not p["batch_norm"],  # BatchNorm's own shift replaces the bias
            name=f"dense_{depth}",
        )(x)
        if p["batch_norm"]:
            x = layers.BatchNormalization(name=f"batch_norm_{depth}")(x)
        x = layers.Activation(p["activation"], name=f"{p['activation']}_{depth}")(x)
        if p["residual"] and depth > 1:
            if shortcut.shape[-1] != width:  # a linear projection where the widths differ
                shortcut = layers.Dense(width, use_bias=False, name=f"project_{depth}")(shortcut)
            x = layers.Add(name=f"residual_{depth}")([x, shortcut])
        if p["dropout"]:
            x = layers.Dropout(p["dropout"], name=f"dropout_{depth}")(x)
    return x


def compile_network(
    inputs, x, p: dict[str, Any], n_outputs: int, task: str, name: str
) -> keras.Model:
    """Add the output layer for the task to ``x`` and compile with the trial's optimizer."""
    if task == "classification":
        outputs = layers.Dense(n_outputs, activation="softmax", name="output")(x)
    else:
        outputs = layers.Dense(1, name="output")(x)
    model = keras.Model(inputs, outputs, name=name)
    model.compile(**compile_args(p, task))
    return model
