"""Measure a network's gradient health once per epoch on a fixed probe batch.

Per layer with a kernel (the convolutions of a CNN, the hidden Dense layers and the output
layer; a frozen backbone is not trained, so not probed), after every epoch:

- ``grad_norm``: L2 norm of the data loss's gradient w.r.t. the kernel, on the probe batch;
- ``grad_rms``: the same divided by sqrt(kernel size), comparable across layers of any width;
- ``weight_norm``: L2 norm of the kernel;
- ``update_ratio``: ||W_epoch - W_previous|| / ||W_previous|| (one epoch of updates);
- ``dead_fraction`` (ReLU family): share of units whose input is <= 0 for every probe row;
- ``saturated_fraction`` (sigmoid / tanh): share of unit inputs where the activation's
  derivative is below 0.01 (sigmoid |z| > 4.6, tanh |z| > 3.0);
- ``nonfinite``: whether the kernel or its gradient holds NaN / Inf.

The probe runs in ``on_epoch_end``: one compiled call that makes a forward and backward pass
over at most ``PROBE_ROWS`` training rows and reduces it to these numbers in the graph; no
Python work per batch. BatchNorm statistics touched by the probe's training-mode pass are
restored, so the probe does not change the model.
"""

from __future__ import annotations

import math
import time
from typing import Any

from autotune.backend import keras, quick_instantiation, tf

import numpy as np

from autotune.vocabulary import RELU_FAMILY, SATURATING

PROBE_ROWS = 256
# Below this derivative an activation passes almost no gradient ("saturated").
SATURATED_DERIVATIVE = 0.01


def probe_rows(x: np.ndarray, y: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A fixed, seeded sample of at most ``PROBE_ROWS`` training rows."""
    n = len(x)
    index = np.random.default_rng(seed).permutation(n)[: min(PROBE_ROWS, n)]
    return x[index], y[index]


def constant_loss(y: np.ndarray, task: str) -> float:
    """The loss of the best constant prediction: the class priors' entropy, or the variance."""
    if task == "classification":
        share = np.bincount(np.asarray(y, dtype="int64")) / len(y)
        share = share[share > 0]
        return float(-(share * np.log(share)).sum())
    return float(np.var(np.asarray(y, dtype="float64")))


class GradientProbe(keras.callbacks.Callback):
    """Record per-layer gradient health after every epoch (see the module docstring).

    Args:
        x: probe rows (encoded features).
        y: their targets, as the model is trained on them.
        activation: the hidden layers' activation, to know which unit statistic applies.

    The series are in :attr:`series` after training; a deep copy (KerasTuner copies the
    search callbacks for every trial) starts from an empty record.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, activation: str):
        super().__init__()
        self.x, self.y, self.activation = x, y, activation
        self.series: dict[str, Any] = {}

    def __deepcopy__(self, memo):
        return GradientProbe(self.x, self.y, self.activation)

    def on_train_begin(self, logs=None):
        started = time.perf_counter()
        self._set_up()
        self.series["seconds"] += time.perf_counter() - started

    def _set_up(self):
        """The tap model, the kernels' copies and the compiled measure; a new series (or the
        same one, for a second fit of the same network)."""
        model = self.model
        self._dense = [
            layer
            for layer in model.layers
            if isinstance(layer, keras.layers.Dense | keras.layers.Conv2D)
            and not layer.name.startswith("project")
        ]
        self._acts = [layer for layer in model.layers if isinstance(layer, keras.layers.Activation)]
        # One pass yields the activations' inputs and the prediction.
        self._tap = keras.Model(model.inputs, [a.input for a in self._acts] + [model.outputs[0]])
        self._loss = keras.losses.get(model.loss)
        self._previous = [tf.Variable(layer.kernel.value, trainable=False) for layer in self._dense]
        names = [layer.name for layer in self._dense]
        y = self.y
        if y.ndim == 1 and model.outputs[0].shape[-1] == 1:
            y = y.reshape(-1, 1)  # regression: match the (rows, 1) prediction
        self._x = tf.constant(self.x)
        self._y = tf.constant(y)
        self._step = tf.function(self._measure, autograph=False)
        if self.series.get("layers") == names:
            return  # a second fit of the same network (fine-tuning) continues the series
        self.series = {
            "probe_rows": int(len(self.x)),
            "layers": names,
            "kinds": [
                "conv" if isinstance(layer, keras.layers.Conv2D) else "dense"
                for layer in self._dense
            ],
            "activation": self.activation,
            "grad_norm": [],
            "grad_rms": [],
            "weight_norm": [],
            "update_ratio": [],
            "dead_fraction": [],
            "saturated_fraction": [],
            "nonfinite": [],
            "seconds": 0.0,
        }

    def _measure(self):
        """Every statistic of the module's note, in one graph: the probe batch's forward and
        backward pass in training mode, reduced to a few numbers per layer. The pass's
        changes to non-trainable state (BatchNorm statistics, dropout seeds) are undone, and
        each kernel is kept for the next epoch's update ratio."""
        state = self.model.non_trainable_variables
        saved = [tf.identity(v.value) for v in state]
        kernels = [layer.kernel for layer in self._dense]
        with tf.GradientTape() as tape:
            outputs = self._tap(self._x, training=True)
            if not isinstance(outputs, list | tuple):
                outputs = [outputs]  # no hidden activation: the prediction alone
            loss = tf.reduce_mean(self._loss(self._y, outputs[-1]))
        grads = tape.gradient(loss, kernels)
        for variable, value in zip(state, saved, strict=True):
            variable.assign(value)
        measures = {k: [] for k in ("grad", "weight", "update", "before", "finite", "size")}
        for kernel, grad, before in zip(kernels, grads, self._previous, strict=True):
            w = tf.convert_to_tensor(kernel.value)
            g = tf.zeros_like(w) if grad is None else grad
            measures["finite"].append(
                tf.reduce_all(tf.math.is_finite(w)) & tf.reduce_all(tf.math.is_finite(g))
            )
            measures["grad"].append(_norm(g))
            measures["weight"].append(_norm(w))
            measures["update"].append(_norm(w - before))
            measures["before"].append(_norm(before))
            measures["size"].append(tf.cast(tf.size(g), tf.float64))
            before.assign(w)
        units = []
        for z in outputs[:-1]:
            z = tf.reshape(z, (-1, z.shape[-1]))  # a convolution's unit is a channel
            if self.activation in RELU_FAMILY:
                units.append(tf.reduce_mean(tf.cast(tf.reduce_all(z <= 0, axis=0), tf.float64)))
            elif self.activation in SATURATING:
                units.append(_saturated_share(self.activation, z))
        measures = {k: tf.stack(v) for k, v in measures.items()}
        measures["units"] = tf.stack(units) if units else tf.zeros((0,), tf.float64)
        return measures

    def on_epoch_end(self, epoch, logs=None):
        started = time.perf_counter()
        with quick_instantiation():
            m = {k: v.numpy() for k, v in self._step().items()}
        s = self.series
        finite = m["finite"]
        nan = np.full(len(finite), math.nan)
        s["nonfinite"].append([not f for f in finite.tolist()])
        s["grad_norm"].append(np.where(finite, m["grad"], nan).tolist())
        s["grad_rms"].append(np.where(finite, m["grad"] / np.sqrt(m["size"]), nan).tolist())
        s["weight_norm"].append(np.where(finite, m["weight"], nan).tolist())
        moved = finite & (m["before"] > 0)
        ratio = m["update"] / np.where(moved, m["before"], 1.0)
        s["update_ratio"].append(np.where(moved, ratio, nan).tolist())
        units = m["units"].tolist() or None
        s["dead_fraction"].append(units if self.activation in RELU_FAMILY else None)
        s["saturated_fraction"].append(units if self.activation in SATURATING else None)
        s["seconds"] += time.perf_counter() - started


def _norm(value) -> tf.Tensor:
    """The L2 norm, summed in float64 (a large kernel's squares lose digits in float32)."""
    return tf.sqrt(tf.reduce_sum(tf.square(tf.cast(value, tf.float64))))


def _saturated_share(activation: str, z) -> tf.Tensor:
    """Share of unit inputs ``z`` where the activation's derivative is below the threshold."""
    z = tf.cast(z, tf.float64)
    if activation == "sigmoid":
        s = tf.sigmoid(tf.clip_by_value(z, -60.0, 60.0))
        derivative = s * (1 - s)
    else:
        derivative = 1 - tf.square(tf.tanh(z))
    return tf.reduce_mean(tf.cast(derivative < SATURATED_DERIVATIVE, tf.float64))
