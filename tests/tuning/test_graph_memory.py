"""A search does not leave its trials' traced graphs in TensorFlow's gradient registry."""

from __future__ import annotations

import pytest

from autotune.options import TuneOptions
from autotune.runner import run_search
from autotune.tuning.graph_memory import custom_gradient_entries, released_after


@pytest.mark.slow  # one of the heaviest: a full search or a benchmark run
def test_trials_leave_no_custom_gradient_entries(tmp_path, data_dir):
    before = custom_gradient_entries()
    run_search(
        TuneOptions(
            data=data_dir / "iris.csv", space="fast", max_trials=3, max_epochs=1, out=tmp_path / "r"
        ).resolve()
    )
    assert custom_gradient_entries() == before


def test_entries_made_inside_the_block_are_dropped():
    import tensorflow as tf

    @tf.custom_gradient
    def double(x):
        return 2 * x, lambda dy: 2 * dy

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = double(x)
        return tape.gradient(y, x)

    before = custom_gradient_entries()
    with released_after():
        assert float(step(tf.constant(1.0))) == 2.0  # tracing registers one entry
        assert custom_gradient_entries() == before + 1
    assert custom_gradient_entries() == before
