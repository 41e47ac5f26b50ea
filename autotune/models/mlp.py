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


def build_network(
    params: dict[str, Any], n_inputs: int, n_outputs: int, task: str, front=None
) -> keras.Model:
    """A compiled MLP for the given hyperparameters (see :mod:`autotune.models.params`).

    Args:
        front: reused first hidden layers (a frozen copy of :func:`autotune.models.reuse.
            reused_front`'s model) that the trial's own hidden layers sit on; None for none.
    """
    p = resolve(params)
    inputs = keras.Input(shape=(n_inputs,), name="features")
    x = inputs if front is None else front(inputs)
    return compile_network(inputs, hidden_layers(x, p), p, n_outputs, task, name="mlp")


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


def compile_args(p: dict[str, Any], task: str, lr_scale: float = 1.0) -> dict[str, Any]:
    """``model.compile``'s arguments for a trial: its optimizer (the learning rate times
    ``lr_scale``), the task's loss and the metrics the search records."""
    if task == "classification":
        loss = "sparse_categorical_crossentropy"
        metrics = [
            keras.metrics.SparseCategoricalCrossentropy(name=LOSS_METRICS[task]),
            "accuracy",
        ]
    else:
        loss = "mean_squared_error"
        metrics = [
            keras.metrics.MeanSquaredError(name=LOSS_METRICS[task]),
            keras.metrics.R2Score(name="r2"),
        ]
    optimizer = build_optimizer(
        p["optimizer"],
        p["learning_rate"] * lr_scale,
        momentum=p["momentum"],
        clipnorm=p["clipnorm"],
    )
    return dict(
        optimizer=optimizer, loss=loss, metrics=metrics, steps_per_execution=STEPS_PER_EXECUTION
    )


def schedule_callback(p: dict[str, Any], epochs: int, scale: float = 1.0):
    """The learning rate of each epoch under the trial's schedule (times ``scale``), set and
    logged (``learning_rate`` in the history)."""
    return keras.callbacks.LearningRateScheduler(
        lambda epoch, _lr: (
            scale
            * learning_rate_at(
                p["lr_schedule"], p["learning_rate"], epoch, epochs, p["warmup_epochs"]
            )
        )
    )


class MLPHyperModel(kt.HyperModel):
    """Builds :func:`build_network` from a trial's values; fits with its batch size.

    Args:
        n_inputs: width of the encoded feature vector.
        n_outputs: number of classes, or 1 for regression.
        task: ``classification`` or ``regression``.
        fit_callbacks: callbacks shared by every trial (progress, time budget); they are
            added here, after KerasTuner's per-trial deep copy of the search callbacks.
        diagnostics: measure gradient health every epoch (:class:`GradientProbe`).
        pretrain: ``autoencoder``: pre-train the hidden layers greedily on the training
            features before the supervised fit (:mod:`autotune.models.pretrain`); None: no.
        front: reused first hidden layers from an earlier run (:mod:`autotune.models.reuse`):
            each trial starts from a copy, frozen first, then fine-tuned; None: none.
    """

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        task: str,
        fit_callbacks=(),
        diagnostics: bool = True,
        pretrain: str | None = None,
        front: keras.Model | None = None,
    ):
        super().__init__(name="mlp", tunable=True)
        self.n_inputs, self.n_outputs, self.task = n_inputs, n_outputs, task
        self.fit_callbacks = list(fit_callbacks)
        self.diagnostics = diagnostics
        self.pretrain = pretrain
        self.front = front

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        front = None
        if self.front is not None:
            from autotune.models.reuse import frozen_copy

            front = frozen_copy(self.front)
        return build_network(hp.values, self.n_inputs, self.n_outputs, self.task, front)

    def fit(self, hp: kt.HyperParameters, model: keras.Model, x, y, **kwargs):
        """Train with the trial's batch size; the History carries the gradient-health series
        as ``history.diagnostics`` (None when diagnostics are off), and what pre-training and
        the reused layers' two phases did as ``history.pretraining`` / ``history.reuse``."""
        params = resolve(hp.values)
        callbacks = list(kwargs.pop("callbacks", [])) + self.fit_callbacks
        probe = None
        if self.diagnostics:
            probe = GradientProbe(*probe_rows(x, y), activation=params["activation"])
            callbacks.append(probe)
        pretraining = None
        if self.pretrain == "autoencoder":
            from autotune.models.pretrain import pretrain_autoencoder

            pretraining = pretrain_autoencoder(model, x, params["batch_size"])
        if worth_a_pipeline(x):
            data = (training_batches(x, y, params["batch_size"]),)
            feeding = {"shuffle": False}  # the pipeline reshuffles every epoch
            if kwargs.get("validation_data") is not None:
                kwargs["validation_data"] = evaluation_batches(*kwargs["validation_data"])
        else:
            data, feeding = (x, y), {"batch_size": params["batch_size"]}

        def fit(more_callbacks, **overrides):
            """``model.fit`` with the trial's data and callbacks, plus ``more_callbacks``."""
            args = {**kwargs, **feeding, **overrides}
            return model.fit(*data, callbacks=callbacks + more_callbacks, **args)

        epochs = kwargs.get("epochs", 1)
        reuse = None
        if self.front is not None:
            from autotune.models.reuse import fit_frozen_then_fine_tuned

            history, reuse = fit_frozen_then_fine_tuned(
                model, params, self.task, fit, epochs, callbacks
            )
        elif params["lr_schedule"] != "constant":
            history = fit([schedule_callback(params, epochs)])
        else:
            history = fit([])
        if probe:
            probe.series.update(task=self.task, baseline_loss=constant_loss(y, self.task))
        history.diagnostics = probe.series if probe else None
        history.pretraining = pretraining
        history.reuse = reuse
        return history
