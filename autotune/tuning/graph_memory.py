"""Free what TensorFlow keeps of a finished trial's traced graphs.

Keras' TensorFlow train step goes through ``tf.distribute``'s ``all_reduce``, which is a
``tf.custom_gradient``: every time a new model's train step is traced, TensorFlow registers a
gradient function under a fresh ``CustomGradient-<n>`` name in its global gradient registry and
never removes it. Each entry's closure holds the traced graph (and every function in it), so a
search grew by about 8 MB per trial. Once a trial is over nothing differentiates its graph
again, so the entries it added can go.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from autotune.backend import tf  # noqa: F401  (TensorFlow loads quietly before its internals)

from tensorflow.python.framework import ops

PREFIX = "CustomGradient-"


def _registry() -> dict | None:
    """TensorFlow's gradient registry (a private dict), or None if this version has none."""
    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


def custom_gradient_entries() -> int:
    registry = _registry()
    return 0 if registry is None else sum(key.startswith(PREFIX) for key in registry)


@contextmanager
def released_after() -> Iterator[None]:
    """Drop the custom-gradient entries registered inside the block when it ends."""
    registry = _registry()
    before = set(registry) if registry is not None else set()
    try:
        yield
    finally:
        if registry is not None:
            for key in [k for k in registry if k.startswith(PREFIX) and k not in before]:
                registry.pop(key, None)
