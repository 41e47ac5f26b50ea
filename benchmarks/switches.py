"""Switches that put autotune's trials back on the training path before compiled epochs, for
side-by-side runs: Keras' ``model.fit`` over tf.data pipelines instead of
:func:`autotune.models.in_memory.fit_in_memory`, and KerasTuner's per-trial garbage
collection over every object instead of over what trials made since the search began."""

from __future__ import annotations

import gc
from contextlib import ExitStack, contextmanager
from unittest import mock


def keras_fit(stack: ExitStack) -> None:
    """Until ``stack`` closes, trials train through Keras' ``model.fit``."""
    stack.enter_context(mock.patch("autotune.models.fitting.IN_MEMORY", False))


def unfrozen(stack: ExitStack) -> None:
    """Until ``stack`` closes, the search freezes no start-up objects (``gc.freeze``)."""
    stack.enter_context(mock.patch.object(gc, "freeze", lambda: None))


@contextmanager
def before_compiled_epochs():
    """Both switches: a trial as it trained before compiled epochs and frozen start-up."""
    with ExitStack() as stack:
        keras_fit(stack)
        unfrozen(stack)
        yield
