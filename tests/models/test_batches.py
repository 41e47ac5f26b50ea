"""The tf.data pipelines that feed every trial's fit (real TensorFlow, no training)."""

from __future__ import annotations

import numpy as np

from autotune.models.batches import (
    EVAL_BATCH,
    PIPELINE_MAX_BYTES,
    evaluation_batches,
    training_batches,
    worth_a_pipeline,
)


def _epoch(dataset):
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in dataset], strict=True)
    return np.concatenate(xs), np.concatenate(ys), [len(y) for y in ys]


def test_training_batches_cover_every_row_once_per_epoch_in_a_new_order():
    x = np.arange(50, dtype="float32").reshape(25, 2)
    y = np.arange(25)
    dataset = training_batches(x, y, batch_size=10)
    first_x, first_y, sizes = _epoch(dataset)
    second_x, second_y, _ = _epoch(dataset)
    assert sizes == [10, 10, 5]
    assert sorted(first_y) == list(range(25)) and sorted(second_y) == list(range(25))
    np.testing.assert_array_equal(first_x, x[first_y])  # rows stay paired with their targets
    assert list(first_y) != list(second_y) and list(first_y) != list(range(25))


def test_evaluation_batches_keep_the_order():
    x = np.zeros((EVAL_BATCH + 3, 4), dtype="float32")
    y = np.arange(EVAL_BATCH + 3)
    _, order, sizes = _epoch(evaluation_batches(x, y))
    assert sizes == [EVAL_BATCH, 3] and list(order) == list(y)


def test_only_arrays_up_to_the_limit_get_a_pipeline():
    assert worth_a_pipeline(np.zeros(PIPELINE_MAX_BYTES, dtype="uint8"))
    assert not worth_a_pipeline(np.zeros(PIPELINE_MAX_BYTES + 1, dtype="uint8"))
