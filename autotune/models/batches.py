"""In-memory arrays as ``tf.data`` pipelines, for the trials that train through Keras'
``model.fit`` (arrays that :func:`autotune.models.in_memory.fit_in_memory` does not take, or
with it switched off).

Keras 3 turns numpy arrays into a fresh input pipeline every epoch (index shuffling, slicing,
a new validation iterator), which costs ~40 ms per epoch whatever the table's size: on a
few-hundred-row table that is most of the epoch. Built once per trial, these pipelines made
a whole trial 1.34x faster on a 220-row table and 1.10x on a 20,838-row one (``python -m
benchmarks trial_cost``, its first two arms). Arrays larger than :data:`PIPELINE_MAX_BYTES`
(image pixels) stay on Keras' own path: the pipeline would copy them twice (a tensor and a
shuffle buffer) to save a cost that their epochs do not notice."""

from __future__ import annotations

from autotune.backend import tf

import numpy as np

# Rows per validation batch: evaluation keeps no gradients, so bigger batches only save steps.
EVAL_BATCH = 1024
PIPELINE_MAX_BYTES = 256 * 2**20


def worth_a_pipeline(x: np.ndarray) -> bool:
    """Whether to feed ``x`` through :func:`training_batches` (see the module's note)."""
    return x.nbytes <= PIPELINE_MAX_BYTES


def training_batches(x: np.ndarray, y: np.ndarray, batch_size: int) -> tf.data.Dataset:
    """The rows reshuffled every epoch (a full-size buffer: a uniform shuffle, like Keras'),
    in batches of ``batch_size``. The shuffle draws from TensorFlow's seed, which the search
    fixes, so a run repeats."""
    rows = tf.data.Dataset.from_tensor_slices((x, y))
    rows = rows.shuffle(len(x), reshuffle_each_iteration=True)
    return rows.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def evaluation_batches(x: np.ndarray, y: np.ndarray) -> tf.data.Dataset:
    """The rows in order, in batches of :data:`EVAL_BATCH`, kept after the first pass."""
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(EVAL_BATCH).cache()
