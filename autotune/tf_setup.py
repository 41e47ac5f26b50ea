"""Import TensorFlow without its C++ start-up chatter; imported first by modules that train.

TensorFlow 2.21 prints CUDA probing messages ("Could not find cuda drivers", "failed call to
cuInit") straight to file descriptor 2 during import and device discovery, whatever
TF_CPP_MIN_LOG_LEVEL says. They are noise on a CPU machine, so the import and the device
probe run with descriptor 2 pointed at /dev/null. Python exceptions are unaffected. Set
AUTOTUNE_TF_LOGS=1 to see everything.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_quietly() -> None:
    if os.environ.get("AUTOTUNE_TF_LOGS") or "tensorflow" in sys.modules:
        import tensorflow  # noqa: F401

        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow as tf

        tf.config.list_physical_devices()
        # "triggered tf.function retracing": every trial builds a new model, so its train
        # step is traced anew; expected here, not a problem to report to the user.
        tf.get_logger().setLevel("ERROR")
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_quietly()
