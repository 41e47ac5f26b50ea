"""fit_in_memory keeps model.fit's contract (logs, callbacks, stopping, class weights), and the
gradient probe measures the same numbers on its path as an independent numpy computation."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from autotune.callbacks.gradient_probe import GradientProbe, probe_rows
from autotune.models.in_memory import fit_in_memory
from autotune.models.mlp import build_network


def data(n=200, features=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (x[:, 0] + 0.3 * x[:, 1] > 0).astype("int32")


def network(**params):
    return build_network({"n_layers": 2, "units": 16, **params}, 5, 2, "classification")


class Hooks(keras.callbacks.Callback):
    def __init__(self, stop_at=None):
        super().__init__()
        self.calls, self.stop_at = [], stop_at

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(f"epoch_begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append("batch_end")
        if self.stop_at is not None and batch >= self.stop_at:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        self.calls.append("train_end")


def test_logs_history_and_hooks_are_those_of_keras_fit():
    x, y = data()
    keras.utils.set_random_seed(0)
    reference = network().fit(x, y, batch_size=32, epochs=2, validation_data=(x, y), verbose=0)
    model, hooks = network(), Hooks()
    history = fit_in_memory(
        model, x, y, batch_size=32, epochs=2, validation_data=(x, y), callbacks=[hooks]
    )
    assert set(history.history) == set(reference.history)
    assert history.epoch == [0, 1] and history.params["epochs"] == 2
    keys = sorted(reference.history)
    # 7 steps per epoch run in one call (steps_per_execution 32): one batch hook per call.
    assert hooks.calls == [
        "train_begin", "epoch_begin 0", "batch_end", f"epoch_end 0 {keys}",
        "epoch_begin 1", "batch_end", f"epoch_end 1 {keys}", "train_end",
    ]  # fmt: skip
    assert history.history["loss"][1] < history.history["loss"][0]
    # The logged validation loss is the model's loss on those rows after the epoch.
    evaluated = model.evaluate(x, y, verbose=0, return_dict=True)
    assert np.isclose(history.history["val_loss"][-1], evaluated["loss"], rtol=1e-4)


def test_a_stop_inside_an_epoch_still_validates_that_epoch():
    x, y = data(n=4000)
    model = network()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=4)
    hooks = Hooks(stop_at=0)
    history = fit_in_memory(
        model, x, y, batch_size=32, epochs=5, validation_data=(x, y), callbacks=[hooks]
    )
    assert history.epoch == [0] and "val_loss" in history.history
    assert hooks.calls.count("batch_end") == 1  # stopped after the first call of 4 steps


def test_initial_epoch_and_class_weight():
    x, y = data()
    history = fit_in_memory(network(), x, y, batch_size=64, epochs=5, initial_epoch=3)
    assert history.epoch == [3, 4]
    keras.utils.set_random_seed(1)
    plain = fit_in_memory(network(), x, y, batch_size=64, epochs=1, shuffle=False)
    keras.utils.set_random_seed(1)
    weighted = fit_in_memory(
        network(), x, y, batch_size=64, epochs=1, shuffle=False, class_weight={0: 1.0, 1: 5.0}
    )
    assert weighted.history["loss"][0] != plain.history["loss"][0]


def _reference_probe(model, x, y, previous):
    """The probe's statistics computed eagerly with numpy (float64), from their definitions."""
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    acts = [layer for layer in model.layers if isinstance(layer, keras.layers.Activation)]
    tap = keras.Model(model.inputs, [a.input for a in acts] + [model.outputs[0]])
    saved = [v.numpy() for v in model.non_trainable_variables]
    with tf.GradientTape() as tape:
        outputs = tap(x, training=True)
        loss = tf.reduce_mean(keras.losses.get(model.loss)(y, outputs[-1]))
    grads = tape.gradient(loss, [layer.kernel for layer in dense])
    for variable, value in zip(model.non_trainable_variables, saved, strict=True):
        variable.assign(value)
    kernels = [layer.kernel.numpy().astype("float64") for layer in dense]
    norm = np.linalg.norm
    return {
        "grad_norm": [norm(g.numpy().astype("float64")) for g in grads],
        "weight_norm": [norm(w) for w in kernels],
        "update_ratio": [norm(w - b) / norm(b) for w, b in zip(kernels, previous, strict=True)],
        "dead_fraction": [float(np.mean(np.all(z.numpy() <= 0, axis=0))) for z in outputs[:-1]],
    }, kernels


class Snapshot(keras.callbacks.Callback):
    """Keeps the weights after every epoch (and before the first)."""

    def on_train_begin(self, logs=None):
        self.weights = [self.model.get_weights()]

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_the_probe_on_the_compiled_path_matches_numpy_on_the_same_weights():
    x, y = data()
    model = network(batch_norm=True)  # no dropout: the probe's pass is deterministic
    probe = GradientProbe(*probe_rows(x, y), activation="relu")
    snapshot = Snapshot()
    fit_in_memory(model, x, y, batch_size=32, epochs=3, callbacks=[snapshot, probe])
    px, py = probe_rows(x, y)
    model.set_weights(snapshot.weights[0])
    previous = [layer.kernel.numpy().astype("float64") for layer in model.layers
                if isinstance(layer, keras.layers.Dense)]  # fmt: skip
    for epoch in range(3):
        model.set_weights(snapshot.weights[epoch + 1])
        expected, previous = _reference_probe(model, px, py, previous)
        for key, values in expected.items():
            np.testing.assert_allclose(probe.series[key][epoch], values, rtol=1e-4, atol=1e-7)
