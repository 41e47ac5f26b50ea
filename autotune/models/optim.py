"""What a trial's ``model.compile`` gets: its optimizer (learning rate, momentum, clipping),
the task's loss, and the metrics the search records."""

from __future__ import annotations

from typing import Any

from autotune.backend import keras

from autotune.vocabulary import LOSS_METRICS

ops = keras.ops

# Run this many training steps per call into TensorFlow: small MLPs are dominated by the
# per-step Python overhead (2.5x faster epochs at batch 16 on a 20,000 x 100 table).
STEPS_PER_EXECUTION = 32


def build_optimizer(
    name: str,
    learning_rate: float,
    momentum: float = 0.0,
    clipnorm: float = 0.0,
    weight_decay: float = 0.0,
) -> keras.optimizers.Optimizer:
    """The optimizer ``name`` (``sgd``, ``adam``, ``adamw``, ``rmsprop``, ``adagrad``).

    Args:
        name: optimizer name.
        learning_rate: step size.
        momentum: SGD momentum; ignored by the adaptive optimizers. Defaults to 0.
        clipnorm: clip each gradient to this L2 norm; 0 disables clipping. Defaults to 0.
        weight_decay: AdamW's decoupled weight decay (Loshchilov & Hutter 2019); ignored by
            the others. Defaults to 0.
    """
    clip = {"clipnorm": float(clipnorm)} if clipnorm else {}
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=float(momentum), **clip)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate, **clip)
    if name == "adamw":
        return keras.optimizers.AdamW(learning_rate, weight_decay=float(weight_decay), **clip)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate, **clip)
    if name == "adagrad":
        return keras.optimizers.Adagrad(learning_rate, **clip)
    raise ValueError(f"unknown optimizer {name!r}")


def compile_args(p: dict[str, Any], task: str, lr_scale: float = 1.0) -> dict[str, Any]:
    """``model.compile``'s arguments for a trial: its optimizer (the learning rate times
    ``lr_scale``), the task's loss and the metrics the search records."""
    if task == "classification":
        loss = "sparse_categorical_crossentropy"
        if p["label_smoothing"]:
            loss = SmoothedCrossEntropy(p["label_smoothing"])
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
        weight_decay=p["weight_decay"],
    )
    return dict(
        optimizer=optimizer, loss=loss, metrics=metrics, steps_per_execution=STEPS_PER_EXECUTION
    )


@keras.saving.register_keras_serializable(package="autotune")
class SmoothedCrossEntropy(keras.losses.Loss):
    """Cross-entropy against integer labels smoothed by ``label_smoothing`` (Szegedy et al.
    2016): the true class's target is ``1 - label_smoothing`` plus its even share of
    ``label_smoothing``. Only the training loss is smoothed; the metrics the search ranks by
    are the plain cross-entropy. A registered class, so a compiled network clones."""

    def __init__(self, label_smoothing: float, name: str = "smoothed_cross_entropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):
        labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
        targets = ops.one_hot(labels, y_pred.shape[-1])
        return keras.losses.categorical_crossentropy(
            targets, y_pred, label_smoothing=self.label_smoothing
        )

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}
