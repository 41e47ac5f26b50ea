"""``model.fit`` for arrays that fit in memory, at the cost of the arithmetic.

Keras' ``fit`` pays, on every epoch, for a new input pipeline and a new validation iterator,
and on every trial for tracing its train and test functions twice (Keras 3 builds a model's
metrics inside the first trace when no distribution strategy is set, which makes TensorFlow
trace again). On a few-hundred-row table that is 90-95% of a trial: ~100 ms per epoch and
~1.4 s of tracing for a few milliseconds of arithmetic.

:func:`fit_in_memory` trains the same way with the same pieces (the model's own
``train_step`` and ``test_step``, its loss, regularisers, metrics and optimizer, Keras'
callbacks and ``History``) but keeps the arrays as tensors, draws each epoch's order with
numpy, and runs ``steps_per_execution`` steps per call into one ``tf.function`` traced once
(everything built before tracing). Callbacks see what ``fit`` shows them: ``on_train_begin``,
each epoch's begin and end (train metrics, then ``val_`` ones), batch hooks once per call
(as ``fit`` does with ``steps_per_execution``), ``model.stop_training`` checked after each
call, the stopped epoch still validated.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from autotune.backend import keras, quick_instantiation, tf

import numpy as np

from autotune.models.batches import EVAL_BATCH


def fit_in_memory(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    batch_size: int,
    epochs: int = 1,
    initial_epoch: int = 0,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    class_weight: dict[int, float] | None = None,
    shuffle: bool = True,
    verbose: int = 0,
) -> keras.callbacks.History:
    """Train ``model`` on in-memory arrays like ``model.fit`` (the module's note).

    Args:
        model: a compiled Keras model.
        x, y: the training rows and targets.
        batch_size: rows per step.
        epochs: the epoch to stop at (epochs ``initial_epoch`` .. ``epochs - 1`` run).
        initial_epoch: the first epoch's index (a resumed Hyperband trial's).
        validation_data: ``(x, y)`` scored after every epoch (``val_`` logs), or None.
        callbacks: Keras callbacks.
        class_weight: class index -> weight of its rows in the training loss; None: equal.
        shuffle: draw a new row order every epoch.
        verbose: passed to the callbacks' params (no progress bar is shown).

    Returns:
        The fit's ``History``.
    """
    weights = _sample_weights(y, class_weight)
    _build_state(model, x, y, weights)
    steps = CompiledSteps(model, x, y, weights, batch_size, validation_data)
    history = keras.callbacks.History()  # last, so it logs what the others add
    callbacks = keras.callbacks.CallbackList(
        [*callbacks, history], model=model, verbose=verbose, epochs=epochs, steps=steps.per_epoch
    )
    model.stop_training = False
    callbacks.on_train_begin()
    logs: dict[str, float] | None = None
    for epoch in range(initial_epoch, epochs):
        callbacks.on_epoch_begin(epoch)
        order = np.random.permutation(len(x)) if shuffle else np.arange(len(x))
        logs = _train_epoch(model, steps, order, callbacks)
        if validation_data is not None:
            logs.update(_validate(model, steps, callbacks))
        callbacks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    if epochs > initial_epoch:
        model.optimizer.finalize_variable_values(model.trainable_weights)
    callbacks.on_train_end(logs=logs)
    return history


def _sample_weights(y: np.ndarray, class_weight: dict[int, float] | None) -> np.ndarray | None:
    """Each row's weight in the training loss (``fit``'s ``class_weight`` as sample weights)."""
    if not class_weight:
        return None
    table = np.ones(int(np.max(y)) + 1, dtype="float32")
    for index, weight in class_weight.items():
        if index < len(table):
            table[int(index)] = weight
    return table[np.asarray(y, dtype="int64").reshape(-1)]


def _build_state(model: keras.Model, x: np.ndarray, y: np.ndarray, weights) -> None:
    """Create every variable (layers, metrics, loss, optimizer) before anything is traced, so
    that the step function is traced once (Keras' own symbolic build, on one row)."""
    batch = (x[:1], y[:1]) if weights is None else (x[:1], y[:1], weights[:1])
    model._symbolic_build(data_batch=batch)  # noqa: SLF001  (Keras' pre-fit build)
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


def _train_epoch(model, steps: CompiledSteps, order: np.ndarray, callbacks) -> dict[str, float]:
    """One epoch of training, ``steps_per_execution`` steps per call; the epoch's metrics."""
    order = tf.constant(order, dtype="int32")
    logs: dict[str, Any] = {}
    for first, last in steps.calls():
        callbacks.on_train_batch_begin(first)
        logs = steps.train(order, first, last)
        callbacks.on_train_batch_end(last - 1, logs)
        if model.stop_training:
            break  # the epoch so far is still validated, as in ``fit``
    return _floats(logs)


def _validate(model, steps: CompiledSteps, callbacks) -> dict[str, float]:
    """The validation rows' metrics, ``val_``-prefixed (``fit``'s evaluation)."""
    callbacks.on_test_begin()
    logs = _floats(steps.validate())
    callbacks.on_test_end(logs)
    return {f"val_{name}": value for name, value in logs.items()}


def _floats(logs: dict[str, Any]) -> dict[str, float]:
    return {name: float(value) for name, value in logs.items()}


class CompiledSteps:
    """The two compiled functions of a fit: training steps ``[first, last)`` of an epoch's
    row order, and the whole validation set; the arrays are held as tensors."""

    def __init__(self, model, x, y, weights, batch_size: int, validation_data):
        self.model, self.batch_size = model, int(batch_size)
        self.rows = len(x)
        self.per_epoch = -(-self.rows // self.batch_size)
        self.chunk = max(1, int(getattr(model, "steps_per_execution", 1) or 1))
        arrays = (x, y) if weights is None else (x, y, weights)
        self._data = tuple(tf.convert_to_tensor(a) for a in arrays)
        self._val = tuple(tf.convert_to_tensor(a) for a in validation_data or ())
        self._train = tf.function(self._train_steps, autograph=False)
        self._test = tf.function(self._test_steps, autograph=False)

    def calls(self) -> Iterator[tuple[int, int]]:
        for first in range(0, self.per_epoch, self.chunk):
            yield first, min(first + self.chunk, self.per_epoch)

    def train(self, order, first: int, last: int) -> dict[str, Any]:
        with quick_instantiation():
            return self._train(self._data, order, tf.constant(first), tf.constant(last))

    def validate(self) -> dict[str, Any]:
        with quick_instantiation():
            return self._test(self._val)

    def _reset_metrics(self):
        for metric in self.model.metrics:
            metric.reset_state()
        return tf.constant(True)

    def _train_steps(self, data, order, first, last):
        """Steps ``first`` .. ``last - 1`` of the epoch (its metrics start afresh at step 0)."""
        model, size, rows = self.model, self.batch_size, self.rows
        tf.cond(tf.equal(first, 0), self._reset_metrics, lambda: tf.constant(False))

        def step(i):
            index = order[i * size : tf.minimum((i + 1) * size, rows)]
            model.train_step(tuple(tf.gather(a, index) for a in data))
            return (i + 1,)

        tf.while_loop(lambda i: i < last, step, (first,))
        return model.get_metrics_result()

    def _test_steps(self, data):
        """The validation rows in batches of :data:`EVAL_BATCH`, from fresh metrics."""
        model, rows = self.model, int(data[0].shape[0])
        self._reset_metrics()
        if rows <= EVAL_BATCH:  # one step: no loop to trace
            model.test_step(data)
            return model.get_metrics_result()

        def step(i):
            end = tf.minimum(i + EVAL_BATCH, rows)
            model.test_step(tuple(a[i:end] for a in data))
            return (i + EVAL_BATCH,)

        tf.while_loop(lambda i: i < rows, step, (tf.constant(0),))
        return model.get_metrics_result()


def fits_in_memory(kwargs: dict[str, Any]) -> bool:
    """Whether :func:`fit_in_memory` takes ``model.fit``'s other arguments ``kwargs``."""
    known = {"epochs", "initial_epoch", "validation_data", "class_weight", "shuffle", "verbose"}
    validation = kwargs.get("validation_data")
    arrays = validation is None or (
        isinstance(validation, tuple | list)
        and len(validation) == 2
        and all(isinstance(a, np.ndarray) for a in validation)
    )
    return set(kwargs) <= known and arrays
