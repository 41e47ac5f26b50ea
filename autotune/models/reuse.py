"""The first hidden layers of an earlier run's best model, reused on a new table.

Transfer learning's "reuse the early layers", in tabular form: the early layers of a network
trained on one table have learnt features of its input columns; a new table with the same
columns (:mod:`autotune.problems.init_from` checks that) can start from them. Each trial's
network is ``inputs -> reused layers -> the trial's own hidden layers -> output``, trained in
two phases as Keras' transfer-learning guide does:

1. the reused layers frozen, for :data:`FROZEN_SHARE` of the epochs (at least one), so the
   new layers learn on top of them without wrecking them with large early gradients;
2. everything trainable, at the trial's learning rate times :data:`FINE_TUNE_LR_SCALE`, for
   the remaining epochs.

Early stopping, the time budget and the best-epoch checkpoint span both phases (the best
epoch may be in either).
"""

from __future__ import annotations

import math
from typing import Any

from autotune.backend import keras

from autotune.callbacks.schedule import schedule_callback
from autotune.models.optim import compile_args

REUSED = "reused"
FROZEN_SHARE = 0.2
FINE_TUNE_LR_SCALE = 0.1


def reused_front(best_model: str, layers: int) -> keras.Model:
    """The first ``layers`` hidden blocks of a saved run's network (raw rows in -> the
    block's output), with their trained weights."""
    saved = keras.models.load_model(best_model, compile=False, safe_mode=True)
    network = saved.get_layer("mlp")  # an ensemble's best trial keeps the name
    names = {layer.name for layer in network.layers}
    after = f"dense_{layers + 1}" if f"dense_{layers + 1}" in names else "output"
    return keras.Model(network.inputs, network.get_layer(after).input, name=REUSED)


def frozen_copy(front: keras.Model) -> keras.Model:
    """A trial's own copy of the reused layers (same weights), frozen."""
    copy = keras.models.clone_model(front)
    copy.set_weights(front.get_weights())
    copy.trainable = False
    return copy


def fit_frozen_then_fine_tuned(
    model: keras.Model, params: dict[str, Any], task: str, fit, epochs: int, callbacks: list
) -> tuple[keras.callbacks.History, dict[str, Any]]:
    """Train ``model`` in the two phases of the module's note.

    Args:
        model: a network built on a :func:`frozen_copy`.
        params: the trial's resolved hyperparameters.
        task: ``classification`` or ``regression``.
        fit: ``fit(extra_callbacks, **overrides) -> History``: the trial's ``model.fit``.
        epochs: the trial's epoch limit.
        callbacks: the trial's callbacks (to tell whether the time budget stopped phase 1).

    Returns:
        One History over both phases, and ``{"frozen_epochs", "fine_tuned_epochs",
        "fine_tune_learning_rate_scale"}``.
    """
    frozen = min(epochs, max(1, round(epochs * FROZEN_SHARE)))
    history = fit([schedule_callback(params, epochs)], epochs=frozen)
    done = len(history.epoch)
    record = {
        "frozen_epochs": done,
        "fine_tuned_epochs": 0,
        "fine_tune_learning_rate_scale": FINE_TUNE_LR_SCALE,
    }
    stopped = any(getattr(c, "fired", False) for c in callbacks)  # the time budget
    losses = history.history.get("loss", [])
    diverged = bool(losses) and not all(map(math.isfinite, losses))
    if done >= epochs or stopped or diverged:
        return history, record  # the last epoch, the budget or a NaN loss: nothing follows
    model.get_layer(REUSED).trainable = True
    model.compile(**compile_args(params, task, lr_scale=FINE_TUNE_LR_SCALE))
    second = fit(
        [schedule_callback(params, epochs, scale=FINE_TUNE_LR_SCALE)],
        epochs=epochs,
        initial_epoch=done,
    )
    for key, values in second.history.items():
        history.history.setdefault(key, []).extend(values)
    history.epoch += second.epoch
    history.params["epochs"] = epochs
    record["fine_tuned_epochs"] = len(second.epoch)
    return history, record
