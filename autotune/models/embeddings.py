"""Numeric-feature embeddings: each numeric column becomes a few learnt features before the
hidden layers (``num_embedding``), the lever behind the best MLPs for tables.

- ``periodic``: RealMLP's PBLD embedding (Holzmüller et al. 2024, after Gorishniy et al.
  2022's PLR): per column, ``cos(2π (w x + b))`` over :data:`FREQUENCIES` learnt frequencies
  drawn from N(0, :data:`SIGMA`), a learnt linear map to ``PERIODIC_WIDTH - 1`` features,
  and the column's own value beside them.
- ``piecewise_linear``: Gorishniy et al. 2022's piecewise-linear encoding (their ``Q-LR``):
  :data:`BINS` bins per column from the training rows' quantiles, each encoded as how far the
  value has filled it (0 below, 1 above, linear inside), then a learnt linear map with ReLU to
  :data:`PIECEWISE_WIDTH` features. A value beyond the training range fills every bin up to
  its side and no more, so the encoding is bounded like the robust scaling before it.

Every weight is per column (``EinsumDense``); the categorical one-hots pass through untouched.
Only built-in Keras layers and ops are used, so a saved model loads with ``safe_mode=True``
and without importing autotune.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autotune.backend import keras

import numpy as np

layers, ops = keras.layers, keras.ops

FREQUENCIES = 16  # RealMLP-TD's plr_hidden_1
SIGMA = 0.1  # RealMLP-TD's plr_sigma: the frequencies' initial spread
PERIODIC_WIDTH = 4  # RealMLP-TD's plr_hidden_2: three learnt features and the value itself
BINS = 16
PIECEWISE_WIDTH = 8
# Left edge of the padding bins of a column with fewer distinct quantiles than BINS: far
# beyond any scaled value, so they stay empty and add nothing.
EMPTY_BIN = 1e6


@dataclass(frozen=True)
class NumericFeatures:
    """Where the numeric columns sit in the encoded vector (its first ``count`` entries) and
    their piecewise-linear bins: ``left`` edges and ``width``\\ s, each ``(count, BINS)``."""

    count: int
    left: np.ndarray
    width: np.ndarray


def numeric_features(encoded: np.ndarray, count: int, bins: int = BINS) -> NumericFeatures:
    """The numeric columns' bins from the training rows' encoded values (their quantiles;
    repeated quantiles merge, and the bins a column lacks are left empty)."""
    left = np.full((count, bins), EMPTY_BIN, dtype="float32")
    width = np.ones((count, bins), dtype="float32")
    for column in range(count):
        values = encoded[:, column]
        edges = np.unique(np.quantile(values[np.isfinite(values)], np.linspace(0, 1, bins + 1)))
        left[column, : len(edges) - 1] = edges[:-1]
        width[column, : len(edges) - 1] = np.diff(edges)
    return NumericFeatures(count, left, width)


def embedded(inputs, kind: str, numeric: NumericFeatures | None):
    """The encoded vector with its numeric columns embedded as ``kind`` says (``none``:
    unchanged)."""
    if kind == "none" or numeric is None or numeric.count == 0:
        return inputs
    width = inputs.shape[-1]
    if numeric.count < width:
        values, rest = ops.split(inputs, [numeric.count], axis=-1)
    else:
        values, rest = inputs, None
    columns = ops.expand_dims(values, -1)  # (rows, columns, 1)
    if kind == "periodic":
        features = _periodic(columns, numeric.count)
    elif kind == "piecewise_linear":
        features = _piecewise_linear(columns, numeric)
    else:
        raise ValueError(f"unknown numeric embedding {kind!r}")
    features = layers.Flatten(name="embedded")(features)
    if rest is None:
        return features
    return layers.Concatenate(name="embedded_and_categories")([features, rest])


def _periodic(columns, count: int):
    """PBLD: ``[x, linear(cos(2π (w x + b)))]`` per column."""
    phases = layers.EinsumDense(
        "bci,cif->bcf",
        output_shape=(count, FREQUENCIES),
        bias_axes="cf",
        # 2π folded into the weights: w ~ N(0, SIGMA), b ~ U(-1/2, 1/2), times 2π.
        kernel_initializer=keras.initializers.RandomNormal(stddev=2 * math.pi * SIGMA),
        bias_initializer=keras.initializers.RandomUniform(-math.pi, math.pi),
        name="periodic",
    )(columns)
    learnt = layers.EinsumDense(
        "bcf,cfd->bcd",
        output_shape=(count, PERIODIC_WIDTH - 1),
        bias_axes="cd",
        name="periodic_linear",
    )(ops.cos(phases))
    return layers.Concatenate(name="periodic_and_value")([columns, learnt])


def piecewise_linear_encoding(columns, numeric: NumericFeatures):
    """Each column's fill of each of its bins, in [0, 1]: ``(rows, columns, BINS)``."""
    repeated = ops.repeat(columns, numeric.left.shape[1], axis=-1)
    filled = layers.Normalization(
        axis=(1, 2), mean=numeric.left, variance=numeric.width**2, name="bins"
    )(repeated)
    return ops.clip(filled, 0.0, 1.0)


def _piecewise_linear(columns, numeric: NumericFeatures):
    """Q-LR: the bins' encoding, then a per-column linear map with ReLU."""
    return layers.EinsumDense(
        "bct,ctd->bcd",
        output_shape=(numeric.count, PIECEWISE_WIDTH),
        bias_axes="cd",
        activation="relu",
        name="piecewise_linear",
    )(piecewise_linear_encoding(columns, numeric))
