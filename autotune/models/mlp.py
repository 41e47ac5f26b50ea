"""The pyramid MLP hypermodel: hidden layers wide first, narrowing with depth."""

from __future__ import annotations

from typing import Any

import autotune.tf_setup  # noqa: F401  (quiets TensorFlow's import; must come first)

# isort: split
import keras
import keras_tuner as kt
from keras import layers

from autotune.diagnostics.probe import GradientProbe, constant_loss, probe_rows
from autotune.models.batches import evaluation_batches, training_batches, worth_a_pipeline
from autotune.models.optim import build_optimizer, learning_rate_at
from autotune.models.params import LOSS_METRICS, initializer_of, pyramid_widths, resolve

# Run this many training steps per call into TensorFlow: small MLPs are dominated by the
# per-step Python overhead (2.5x faster epochs at batch 16 on a 20,000 x 100 table).
STEPS_PER_EXECUTION = 32


def build_network(params: dict[str, Any], n_inputs: int, n_outputs: int, task: str) -> keras.Model:
    """A compiled MLP for the given hyperparameters (see :mod:`autotune.models.params`)."""
    p = resolve(params)
    inputs = keras.Input(shape=(n_inputs,), name="features")
    return compile_network(inputs, hidden_layers(inputs, p), p, n_outputs, task, name="mlp")


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
        loss = "sparse_categorical_crossentropy"
        metrics = [
            keras.metrics.SparseCategoricalCrossentropy(name=LOSS_METRICS[task]),
            "accuracy",
        ]
    else:
        outputs = layers.Dense(1, name="output")(x)
        loss = "mean_squared_error"
        metrics = [
            keras.metrics.MeanSquaredError(name=LOSS_METRICS[task]),
            keras.metrics.R2Score(name="r2"),
        ]
    model = keras.Model(inputs, outputs, name=name)
    optimizer = build_optimizer(
        p["optimizer"], p["learning_rate"], momentum=p["momentum"], clipnorm=p["clipnorm"]
    )
    model.compile(
        optimizer=optimizer, loss=loss, metrics=metrics, steps_per_execution=STEPS_PER_EXECUTION
    )
    return model


class MLPHyperModel(kt.HyperModel):
    """Builds :func:`build_network` from a trial's values; fits with its batch size.

    Args:
        n_inputs: width of the encoded feature vector.
        n_outputs: number of classes, or 1 for regression.
        task: ``classification`` or ``regression``.
        fit_callbacks: callbacks shared by every trial (progress, time budget); they are
            added here, after KerasTuner's per-trial deep copy of the search callbacks.
    """

    def __init__(
        self, n_inputs: int, n_outputs: int, task: str, fit_callbacks=(), diagnostics: bool = True
    ):
        super().__init__(name="mlp", tunable=True)
        self.n_inputs, self.n_outputs, self.task = n_inputs, n_outputs, task
        self.fit_callbacks = list(fit_callbacks)
        self.diagnostics = diagnostics

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        return build_network(hp.values, self.n_inputs, self.n_outputs, self.task)

    def fit(self, hp: kt.HyperParameters, model: keras.Model, x, y, **kwargs):
        """Train with the trial's batch size; the History carries the gradient-health series
        as ``history.diagnostics`` (None when diagnostics are off)."""
        params = resolve(hp.values)
        callbacks = list(kwargs.pop("callbacks", [])) + self.fit_callbacks
        probe = None
        if self.diagnostics:
            probe = GradientProbe(*probe_rows(x, y), activation=params["activation"])
            callbacks.append(probe)
        if params["lr_schedule"] != "constant":
            epochs = kwargs.get("epochs", 1)
            callbacks.append(
                keras.callbacks.LearningRateScheduler(
                    lambda epoch, _lr: learning_rate_at(
                        params["lr_schedule"],
                        params["learning_rate"],
                        epoch,
                        epochs,
                        params["warmup_epochs"],
                    )
                )
            )
        if worth_a_pipeline(x):
            train = training_batches(x, y, params["batch_size"])
            if kwargs.get("validation_data") is not None:
                kwargs["validation_data"] = evaluation_batches(*kwargs["validation_data"])
            history = model.fit(train, callbacks=callbacks, shuffle=False, **kwargs)
        else:
            history = model.fit(
                x, y, batch_size=params["batch_size"], callbacks=callbacks, **kwargs
            )
        if probe:
            probe.series.update(task=self.task, baseline_loss=constant_loss(y, self.task))
        history.diagnostics = probe.series if probe else None
        return history
