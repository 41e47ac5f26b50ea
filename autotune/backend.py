"""TensorFlow, Keras and KerasTuner for every module that trains: the one door they come in by.

A module that needs them writes ``from autotune.backend import keras, kt, tf`` (ruff's isort
keeps that line above the other third-party imports, so TensorFlow is always first imported
here; ``tests/test_architecture.py`` checks it). Only the modules that train import this one,
so ``autotune --help``, the report and a run that stops on bad input never load TensorFlow.

TensorFlow 2.21 prints CUDA probing messages ("Could not find cuda drivers", "failed call to
cuInit") straight to file descriptor 2 during import and device discovery, whatever
TF_CPP_MIN_LOG_LEVEL says. They are noise on a CPU machine, so the import and the device
probe run with descriptor 2 pointed at /dev/null. Python exceptions are unaffected. Set
AUTOTUNE_TF_LOGS=1 to see everything.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_quietly():
    """Import TensorFlow with its start-up chatter on descriptor 2 sent to /dev/null."""
    if os.environ.get("AUTOTUNE_TF_LOGS") or "tensorflow" in sys.modules:
        import tensorflow

        return tensorflow
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow

        tensorflow.config.list_physical_devices()
        # "triggered tf.function retracing": every trial builds a new model, so its train
        # step is traced anew; expected here, not a problem to report to the user.
        tensorflow.get_logger().setLevel("ERROR")
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tensorflow


tf = _import_quietly()

import keras  # noqa: E402  (after TensorFlow, which it runs on)
import keras_tuner as kt  # noqa: E402


@contextlib.contextmanager
def quick_instantiation() -> Iterator[None]:
    """Skip Grappler's graph rewrites for the ``tf.function`` calls inside (TensorFlow
    instantiates a function on its first call with the options then in effect, and keeps
    that instance for calls with the same options). A small network's train step costs
    more to rewrite than the rewrites save; ``python -m benchmarks trial_profile``."""
    options = tf.config.optimizer.get_experimental_options()
    if options.get("disable_meta_optimizer"):
        yield
        return
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": False})


__all__ = ["keras", "kt", "quick_instantiation", "tf"]
