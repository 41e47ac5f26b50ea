"""Fine-tuning of the best image head with its backbone's top block unfrozen.

The head and the top block train together at a low learning rate (the best head's divided by
:data:`FINE_TUNE_LR_DIVISOR`, at most :data:`FINE_TUNE_MAX_LR`), BatchNorm statistics frozen,
with early stopping on the validation loss; the result is kept only when the validation loss
improved. The top block's input is cached like the pooled features, so each epoch runs the
top block only.
"""

from __future__ import annotations

import time
from typing import Any

from autotune.backend import keras

import numpy as np

from autotune.callbacks.deadline import StopAtDeadline
from autotune.models.transfer import split_at_top_block, standardise
from autotune.vocabulary import LOSS_METRICS, PARAMS, resolve

# Fine-tuning: the best head's learning rate divided by this, and at most FINE_TUNE_MAX_LR.
FINE_TUNE_LR_DIVISOR = 10
FINE_TUNE_MAX_LR = 1e-5
METRIC = LOSS_METRICS["classification"]


def fine_tune_head(
    head: keras.Model,
    params: dict[str, Any],
    backbone: keras.Model,
    name: str,
    scale: tuple[np.ndarray, np.ndarray],
    inputs: dict[str, np.ndarray],
    labels: dict[str, np.ndarray],
    *,
    max_epochs: int,
    patience: int,
    stop: StopAtDeadline,
    progress,
    started: float | None = None,
) -> dict[str, Any]:
    """Fine-tune ``head`` and ``backbone``'s top block in place (see the module's note).

    Args:
        head: the best trial's head (pooled features in).
        params: its hyperparameters.
        backbone, name: the backbone and its name.
        scale: the pooled features' mean and standard deviation.
        inputs, labels: the top block's cached input and the labels, per split.
        max_epochs, patience: the epoch limit and early stopping's patience.
        stop: stops fitting after the current batch on Ctrl-C.
        progress: the terminal display.
        started: ``time.perf_counter()`` when fine-tuning began (defaults to now).

    Returns:
        What was done and measured (for ``run.json`` and the report).
    """
    started = time.perf_counter() if started is None else started
    model, block = _head_on_top_block(head, backbone, name, scale, inputs["train"].shape[1:])
    p = resolve(params, PARAMS)
    learning_rate = min(p["learning_rate"] / FINE_TUNE_LR_DIVISOR, FINE_TUNE_MAX_LR)
    _compile(model, learning_rate)
    before = model.evaluate(inputs["val"], labels["val"], verbose=0, return_dict=True)
    saved = model.get_weights()
    progress.log(
        f"fine-tuning the best head with {name}'s top block unfrozen ({len(block)} layers, "
        f"learning rate {learning_rate:.1g})"
    )
    history = _fit(model, inputs, labels, p["batch_size"], max_epochs, patience, stop)
    after = model.evaluate(inputs["val"], labels["val"], verbose=0, return_dict=True)
    kept = after[METRIC] < before[METRIC] and not stop.interrupted
    if not kept:
        model.set_weights(saved)
    progress.log(_outcome(before, after, kept, stop.interrupted))
    return {
        "backbone": name,
        "unfrozen_layers": block,
        "learning_rate": learning_rate,
        **_measured(history, before, after),
        "kept": bool(kept),
        "interrupted": stop.interrupted,
        "seconds": round(time.perf_counter() - started, 1),
        "history": {
            k: [float(v) for v in vs] for k, vs in (history.history if history else {}).items()
        },
    }


def _measured(history, before, after) -> dict[str, Any]:
    """The epochs run and the validation scores before and after."""
    return {
        "epochs_run": len(history.history.get("loss", [])) if history else 0,
        "val_before": {METRIC: before[METRIC], "accuracy": before["accuracy"]},
        "val_after": {METRIC: after[METRIC], "accuracy": after["accuracy"]},
    }


def _head_on_top_block(head, backbone, name, scale, input_shape):
    """The model that trains: the top block (BatchNorm frozen), pooling, scaling, the head;
    and the names of the top block's unfrozen layers."""
    _, top = split_at_top_block(backbone, name)
    top.trainable = True
    for layer in top.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False  # frozen statistics: inference mode while fine-tuning
    block = [layer.name for layer in top.layers if layer.weights and layer.trainable]
    inputs = keras.Input(shape=input_shape, name="top_block_input")
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(top(inputs))
    return keras.Model(inputs, head(standardise(x, *scale)), name="fine_tune"), block


def _compile(model, learning_rate: float) -> None:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name=METRIC), "accuracy"],
    )


def _fit(model, inputs, labels, batch_size, max_epochs, patience, stop):
    """The fine-tuning fit; None when Ctrl-C came before its first batch."""
    try:
        return model.fit(
            inputs["train"],
            labels["train"],
            validation_data=(inputs["val"], labels["val"]),
            epochs=max_epochs,
            batch_size=batch_size,
            callbacks=[
                keras.callbacks.EarlyStopping(
                    monitor=f"val_{METRIC}", patience=patience, restore_best_weights=True
                ),
                stop,
            ],
            verbose=0,
        )
    except KeyboardInterrupt:
        if not stop.interrupted:
            raise
        return None  # Ctrl-C came before the first batch: nothing was trained


def _outcome(before, after, kept, interrupted) -> str:
    if interrupted:
        return "fine-tuning interrupted (Ctrl-C): the head before fine-tuning is kept"
    verdict = "kept" if kept else "not better, the head before fine-tuning is kept"
    return (
        f"fine-tuning: validation {METRIC} {before[METRIC]:.4f} -> {after[METRIC]:.4f}, "
        f"accuracy {before['accuracy']:.3f} -> {after['accuracy']:.3f} ({verdict})"
    )
