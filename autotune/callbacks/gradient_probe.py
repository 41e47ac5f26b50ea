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

The probe runs in ``on_epoch_end``: one compiled forward and backward pass over at most
``PROBE_ROWS`` training rows, no Python work per batch. BatchNorm statistics touched by the
probe's training-mode pass are restored, so the probe does not change the model.
"""

from __future__ import annotations

import math
import time
from typing import Any

from autotune.backend import keras, tf

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


def _saturated(activation: str, z: np.ndarray) -> float:
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-np.clip(z, -60, 60)))
        derivative = s * (1 - s)
    else:
        derivative = 1 - np.tanh(z) ** 2
    return float(np.mean(derivative < SATURATED_DERIVATIVE))


def _norm(value: np.ndarray) -> float:
    return float(np.sqrt(np.sum(np.square(value, dtype="float64"))))


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
        self._previous = [np.array(layer.kernel.numpy()) for layer in self._dense]
        names = [layer.name for layer in self._dense]
        y = self.y
        if y.ndim == 1 and model.outputs[0].shape[-1] == 1:
            y = y.reshape(-1, 1)  # regression: match the (rows, 1) prediction
        self._x = tf.constant(self.x)
        self._y = tf.constant(y)
        self._step = tf.function(self._forward_backward)
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

    def _forward_backward(self):
        """The activations' inputs, the prediction and the kernels' gradients (one graph)."""
        with tf.GradientTape() as tape:
            outputs = self._tap(self._x, training=True)
            if not isinstance(outputs, list | tuple):
                outputs = [outputs]  # no hidden activation: the prediction alone
            loss = tf.reduce_mean(self._loss(self._y, outputs[-1]))
        return outputs, tape.gradient(loss, [layer.kernel for layer in self._dense])

    def on_epoch_end(self, epoch, logs=None):
        started = time.perf_counter()
        saved = [v.numpy() for v in self.model.non_trainable_variables]
        outputs, grads = self._step()
        for variable, value in zip(self.model.non_trainable_variables, saved, strict=True):
            variable.assign(value)

        s = self.series
        row = {k: [] for k in ("grad_norm", "grad_rms", "weight_norm", "update_ratio", "nonfinite")}
        kernels = [np.array(layer.kernel.numpy()) for layer in self._dense]
        for w, grad, before in zip(kernels, grads, self._previous, strict=True):
            g = np.zeros_like(w) if grad is None else grad.numpy()
            finite = bool(np.isfinite(w).all() and np.isfinite(g).all())
            row["nonfinite"].append(not finite)
            row["grad_norm"].append(_norm(g) if finite else math.nan)
            row["grad_rms"].append(_norm(g) / math.sqrt(g.size) if finite else math.nan)
            row["weight_norm"].append(_norm(w) if finite else math.nan)
            before_norm = _norm(before)
            row["update_ratio"].append(
                _norm(w - before) / before_norm if finite and before_norm > 0 else math.nan
            )
        self._previous = kernels
        dead, saturated = [], []
        for z in outputs[:-1]:
            z = z.numpy()
            z = z.reshape(-1, z.shape[-1])  # a convolution's unit is a channel, at every pixel
            if self.activation in RELU_FAMILY:
                dead.append(float(np.mean(np.all(z <= 0, axis=0))))
            if self.activation in SATURATING:
                saturated.append(_saturated(self.activation, z))
        for key, values in row.items():
            s[key].append(values)
        s["dead_fraction"].append(dead or None)
        s["saturated_fraction"].append(saturated or None)
        s["seconds"] += time.perf_counter() - started
