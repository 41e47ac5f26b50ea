"""A table's fitted :class:`~autotune.data.tabular.Preprocessing` as Keras layers.

One front-end model turns raw columns into the network's input vector. It is used twice:
once per run to encode the splits (the trials then train on in-memory arrays), and inside
the exported ``best_model.keras``, so predictions reproduce the tuned preprocessing exactly.
Only built-in Keras layers and ops are used, so the model loads with ``safe_mode=True``.
"""

from __future__ import annotations

from autotune.backend import keras, tf

import numpy as np
import pandas as pd

from autotune.data.columns import as_text
from autotune.data.tabular import Preprocessing
from autotune.models.averaging import weighted_sum

Input, Model, layers, ops = keras.Input, keras.Model, keras.layers, keras.ops

NUMERIC_INPUT = "numeric"
PREDICT_BATCH = 4096
# Robust scaling's smooth clip: x / sqrt(1 + (x / CLIP)^2) stays within (-CLIP, CLIP) and is
# close to x near 0 (RealMLP's, Holzmüller et al. 2024).
CLIP = 3.0


def categorical_input_name(position: int) -> str:
    return f"cat_{position}"


def model_inputs(frame: pd.DataFrame, spec: Preprocessing) -> dict[str, np.ndarray]:
    """Raw rows -> the front-end's named inputs (numbers with NaN for missing, text)."""
    inputs: dict[str, np.ndarray] = {}
    if spec.numeric:
        columns = [c.column for c in spec.numeric]
        numbers = frame[columns].apply(pd.to_numeric, errors="coerce")
        inputs[NUMERIC_INPUT] = numbers.to_numpy(dtype="float32")
    for position, column in enumerate(spec.categorical):
        inputs[categorical_input_name(position)] = as_text(frame[column.column]).reshape(-1, 1)
    return inputs


def as_dataset(inputs: dict[str, np.ndarray], batch_size: int = PREDICT_BATCH) -> tf.data.Dataset:
    """Named inputs as a batched ``tf.data`` pipeline (Keras cannot take numpy text arrays)."""
    tensors = {
        name: tf.constant(values.astype(str) if values.dtype == object else values)
        for name, values in inputs.items()
    }
    return tf.data.Dataset.from_tensor_slices(tensors).batch(batch_size)


def build_preprocessor(spec: Preprocessing) -> Model:
    """The front-end: scale numbers (missing -> the centre), one-hot categories.

    Category levels outside the fitted vocabulary (rare, unseen or missing-but-rare values)
    share one extra "other" slot.
    """
    inputs = []
    parts = []
    if spec.numeric:
        numeric = Input(shape=(len(spec.numeric),), name=NUMERIC_INPUT, dtype="float32")
        inputs.append(numeric)
        parts.append(_scaled(numeric, spec))
    for position, column in enumerate(spec.categorical):
        text = Input(shape=(1,), name=categorical_input_name(position), dtype="string")
        lookup = layers.StringLookup(
            vocabulary=column.levels or ["<none>"],
            num_oov_indices=1,
            output_mode="one_hot",
            name=f"onehot_{position}",
        )
        inputs.append(text)
        parts.append(lookup(text))
    output = parts[0] if len(parts) == 1 else layers.Concatenate(name="features")(parts)
    return Model(inputs, output, name="preprocess")


def _scaled(numeric, spec: Preprocessing):
    """Numbers scaled as the spec says; missing (NaN) or infinite inputs become 0 (the centre).

    ``robust``: (x - median) / spread, then the smooth clip, so a value far outside the
    training range reaches the network as at most ``CLIP``. ``standard``: (x - mean) / std.
    """
    if spec.scaling == "robust":
        centre = np.array([c.median for c in spec.numeric], dtype="float32")
        scale = np.array([c.spread for c in spec.numeric], dtype="float32")
    else:
        centre = np.array([c.mean for c in spec.numeric], dtype="float32")
        scale = np.array([c.std for c in spec.numeric], dtype="float32")
    scaled = layers.Normalization(mean=centre, variance=scale**2, name="standardise")(numeric)
    scaled = ops.where(ops.isfinite(scaled), scaled, ops.zeros_like(scaled))
    if spec.scaling == "robust":
        scaled = scaled / ops.sqrt(1.0 + ops.square(scaled / CLIP))
    return scaled


def encode(preprocessor: Model, frame: pd.DataFrame, spec: Preprocessing) -> np.ndarray:
    """Run the front-end once over a frame; the result feeds every trial."""
    return preprocessor.predict(as_dataset(model_inputs(frame, spec)), verbose=0).astype("float32")


def export_model(
    preprocessor: Model,
    network: Model | list[Model],
    spec: Preprocessing,
    weights: list[float] | None = None,
    best: int | None = None,
) -> Model:
    """Raw columns -> predictions in the target's own units (class probabilities or values).

    A list of networks is an ensemble: each sees the same encoded inputs and their outputs
    are averaged, network ``i`` weighted ``weights[i]`` (the weights sum to 1; plain Keras
    layers, so the saved model loads in safe mode). The best trial's network, at position
    ``best``, keeps its name (``mlp``, where ``--init-from`` finds it); the others are
    ``member_<i>``.
    """
    encoded = preprocessor(preprocessor.inputs)
    if isinstance(network, list):
        outputs = weighted_sum(network, weights, encoded, best, "mlp")
    else:
        outputs = network(encoded)
    if spec.task == "regression":
        outputs = layers.Normalization(
            mean=spec.target_mean, variance=spec.target_std**2, invert=True, name="target_units"
        )(outputs)
        if spec.scaling == "robust" and spec.target_range is not None:
            # No value outside what the training rows showed (a tree's predictions never
            # leave it either).
            outputs = ops.clip(outputs, *spec.target_range)
    return Model(preprocessor.inputs, outputs, name="autotune_model")
